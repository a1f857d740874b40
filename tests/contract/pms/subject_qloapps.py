"""The QloApps adapter as a contract subject: pointed at a fresh fake QloApps demo install."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

import httpx

from hotel_agent.pms.policy import StayPolicy
from hotel_agent.pms.port import Pms
from hotel_agent.pms.qloapps import QloAppsClient, QloAppsPms
from tests.fakes.qloapps import DEMO_KEY, FakeQloApps


@asynccontextmanager
async def open_pms(tmp_path: Path) -> AsyncIterator[Pms]:
    with FakeQloApps() as fake:
        async with httpx.AsyncClient() as http:
            client = QloAppsClient(http, base_url=fake.base_url, api_key=DEMO_KEY, timeout=5)
            yield QloAppsPms(client, hotel_id=1, policy=StayPolicy(), today=date.today)
