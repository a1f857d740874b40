"""The same PMS contract suite runs against every adapter.

Each subject module provides `open_pms(tmp_path) -> AsyncContextManager[Pms]`: a PMS with a
hotel that has several room types, some rooms free for the coming months, and the agent's
default policy (30 nights max, 365 days ahead, 5 rooms).
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hotel_agent.pms.port import Pms

SUBJECTS = {
    "memory": "tests.contract.pms.subject_memory",
    "simulator": "tests.contract.pms.subject_simulator",
    "qloapps": "tests.contract.pms.subject_qloapps",
    "qloapps_live": "tests.contract.pms.subject_qloapps_live",
}


@pytest.fixture(params=sorted(SUBJECTS))
async def pms(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Pms]:
    module = importlib.import_module(SUBJECTS[request.param])
    async with module.open_pms(tmp_path) as subject:
        yield subject
