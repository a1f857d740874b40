"""Fixtures for real databases: a fresh SQLite file or a fresh PostgreSQL database per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from hotel_agent.channels.port import Channel
from hotel_agent.db import migrate
from hotel_agent.dialogue.port import DialogueEngine
from hotel_agent.runtime import Runtime
from hotel_agent.settings import Settings, normalize_database_url
from tests.support import server_missing

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A database of its own on the real PostgreSQL server, dropped afterwards."""
    name = f"ha_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        server_missing(f"PostgreSQL at {POSTGRES_URL}", repr(exc))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_URL.rsplit("/", 1)[0]
    yield normalize_database_url(f"{base}/{name}")
    admin = await asyncpg.connect(POSTGRES_URL, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'hotel_agent.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    """Run the test on both supported databases."""
    if request.param == "sqlite":
        return sqlite_url
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def make_runtime() -> AsyncIterator[Callable[..., Awaitable[Runtime]]]:
    """Build migrated runtimes (closed at the end of the test)."""
    built: list[Runtime] = []

    async def build(
        settings: Settings,
        *,
        dialogue: DialogueEngine | None = None,
        channels: dict[str, Channel] | None = None,
    ) -> Runtime:
        runtime = Runtime.build(settings, dialogue=dialogue)
        if channels is not None:
            runtime.channels = channels
        await migrate.upgrade(runtime.engine)
        await runtime.load_hotels()
        built.append(runtime)
        return runtime

    yield build
    for runtime in built:
        await runtime.close()
