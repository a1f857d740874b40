"""A real QloApps as a contract subject (skips unless QLOAPPS_TEST_URL and _KEY are set)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

import httpx

from hotel_agent.pms.policy import StayPolicy
from hotel_agent.pms.port import Pms
from hotel_agent.pms.qloapps import QloAppsClient, QloAppsPms
from tests.live.qloapps_target import live_qloapps


@asynccontextmanager
async def open_pms(tmp_path: Path) -> AsyncIterator[Pms]:
    url, key = live_qloapps()
    async with httpx.AsyncClient() as http:
        client = QloAppsClient(http, base_url=url, api_key=key, timeout=30)
        yield QloAppsPms(client, hotel_id=1, policy=StayPolicy(), today=date.today)
