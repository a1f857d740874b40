"""Fixtures of the PMS integration tests: the adapter on the fake QloApps (see ../conftest.py)."""

from __future__ import annotations

import httpx
import pytest

from hotel_agent.pms.qloapps import QloAppsPms
from tests.fakes.qloapps import FakeQloApps
from tests.integration.pms.qloapps_support import qloapps


@pytest.fixture
def pms(http: httpx.AsyncClient, fake: FakeQloApps) -> QloAppsPms:
    """The QloApps adapter on the fake."""
    return qloapps(http, fake.base_url)
