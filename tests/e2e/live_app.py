"""The real app for browser tests: migrated and served over HTTP, and what a guest types."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from playwright.sync_api import Locator
from tests.fakes.server import ThreadedServer

from hotel_agent.app import create_app
from hotel_agent.db import migrate
from hotel_agent.db.engine import create_engine
from hotel_agent.settings import Settings


@contextmanager
def serve_app(settings: Settings) -> Iterator[str]:
    """The app on a free port (worker and sender in-process), its database migrated first;
    yields its origin."""

    async def apply_migrations() -> None:
        engine = create_engine(settings)
        await migrate.upgrade(engine)
        await engine.dispose()

    asyncio.run(apply_migrations())
    with ThreadedServer(create_app(settings)) as server:
        yield server.origin


def ask_for_rooms(box: Locator) -> None:
    """Type and send a Spanish request for two nights, 40 days ahead, for two adults."""
    check_in = date.today() + timedelta(days=40)
    check_out = check_in + timedelta(days=2)
    box.fill(
        f"Quiero reservar del {check_in.day}/{check_in.month} al {check_out.day}/{check_out.month}"
        " para 2 adultos"
    )
    box.press("Enter")
