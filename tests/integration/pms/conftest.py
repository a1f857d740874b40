"""Fixtures of the PMS integration tests: a fake QloApps over real HTTP, a client, the adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from hotel_agent.pms.qloapps import QloAppsPms
from tests.fakes.qloapps import FakeQloApps
from tests.integration.pms.qloapps_support import qloapps


@pytest.fixture
def fake() -> Iterator[FakeQloApps]:
    with FakeQloApps() as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def pms(http: httpx.AsyncClient, fake: FakeQloApps) -> QloAppsPms:
    """The QloApps adapter on the fake."""
    return qloapps(http, fake.base_url)
