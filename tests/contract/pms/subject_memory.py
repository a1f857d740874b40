"""The in-memory PMS of the unit tests as a contract subject: it must behave like the others."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from hotel_agent.pms.port import Pms
from tests.fakes.memory_pms import MemoryPms


@asynccontextmanager
async def open_pms(tmp_path: Path) -> AsyncIterator[Pms]:
    yield MemoryPms()
