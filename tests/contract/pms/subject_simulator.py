"""The embedded simulator as a contract subject: a fresh SQLite database, migrated and seeded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from hotel_agent.db import migrate
from hotel_agent.db.engine import create_engine, create_session_factory
from hotel_agent.pms.policy import StayPolicy
from hotel_agent.pms.port import Pms
from hotel_agent.pms.simulator.adapter import SimulatorPms
from hotel_agent.pms.simulator.seed import seed_hotel
from hotel_agent.settings import DatabaseSettings, Settings


@asynccontextmanager
async def open_pms(tmp_path: Path) -> AsyncIterator[Pms]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'simulator.db'}"
    # The engine the app builds, so the subject runs with the app's SQLite pool and pragmas.
    no_env: dict[str, Any] = {"_env_file": None}
    settings = Settings(**no_env, db=DatabaseSettings(**no_env, url=url))
    engine = create_engine(settings)
    try:
        await migrate.upgrade(engine)
        sessions = create_session_factory(engine)
        await seed_hotel(sessions)
        yield SimulatorPms(sessions, StayPolicy())
    finally:
        await engine.dispose()
