"""Fixtures for real databases: a SQLite file or a PostgreSQL database of the test's own.

Migrating takes far longer than copying, so each test session (each xdist worker) migrates once
into a template and every test gets a copy of it: `sqlite_url`, `postgres_url` and
`database_url` are migrated databases. The `empty_*` variants are for the tests of the
migrations themselves."""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy.ext.asyncio import create_async_engine

from hotel_agent.channels.port import Channel
from hotel_agent.db import migrate
from hotel_agent.dialogue.port import DialogueEngine
from hotel_agent.nlu.intents import shared_classifier
from hotel_agent.runtime import Runtime
from hotel_agent.settings import Settings, normalize_database_url
from tests.support import server_missing

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# Tests run in parallel workers on a loaded machine: how long one example takes says nothing
# about the code, so no example fails for being slow (HYPOTHESIS_PROFILE=default restores the
# deadline). "ci", the default, tries 50 examples a property (Hypothesis' default is 100):
# every run of every property draws new ones, and a failure found is kept in .hypothesis/ and
# replayed first. "thorough" (1,000) is for hunting, say after changing a parser; "no-deadline"
# is Hypothesis' 100. A property that asks for more (`tests.support.examples`) scales with these.
hypothesis_settings.register_profile("ci", deadline=None, max_examples=50)
hypothesis_settings.register_profile("no-deadline", deadline=None)
hypothesis_settings.register_profile("thorough", deadline=None, max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session", autouse=True)
def nlu_model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One trained intent model for the whole run, in a folder the xdist workers share: the
    first worker trains it (the others wait on the lock) and every process loads it, including
    CLI processes whose DATA_DIR `seed_nlu_cache` filled from here."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    cache = root / "nlu-model"
    cache.mkdir(exist_ok=True)
    with (root / "nlu-model.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        shared_classifier(cache)
    return cache


def _postgres_database_url(name: str) -> str:
    return normalize_database_url(f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}")


async def _postgres_admin(*statements: str) -> None:
    admin = await asyncpg.connect(POSTGRES_URL, timeout=5)
    try:
        for statement in statements:
            await admin.execute(statement)
    finally:
        await admin.close()


async def _migrated(url: str) -> None:
    engine = create_async_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


async def _wait_until_unused(name: str) -> None:
    """A template must have no sessions; a closed connection's backend exits a moment later."""
    admin = await asyncpg.connect(POSTGRES_URL, timeout=5)
    try:
        until = time.monotonic() + 10
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1"
        while await admin.fetchval(query, name) and time.monotonic() < until:
            await asyncio.sleep(0.02)
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of this session's migrated PostgreSQL database, copied by `postgres_url`."""
    name = f"ha_test_template_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        server_missing(f"PostgreSQL at {POSTGRES_URL}", repr(exc))
    try:
        asyncio.run(_migrated(_postgres_database_url(name)))
        asyncio.run(_wait_until_unused(name))
        yield name
    finally:
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@asynccontextmanager
async def _postgres_database(template: str | None) -> AsyncIterator[str]:
    name = f"ha_test_{uuid.uuid4().hex[:12]}"
    create = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    try:
        await _postgres_admin(create)
    except (OSError, asyncpg.PostgresError) as exc:
        server_missing(f"PostgreSQL at {POSTGRES_URL}", repr(exc))
    yield _postgres_database_url(name)
    await _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def postgres_url(postgres_template: str) -> AsyncIterator[str]:
    """A migrated database of its own on the real PostgreSQL server, dropped afterwards."""
    async with _postgres_database(postgres_template) as url:
        yield url


@pytest.fixture
async def empty_postgres_url() -> AsyncIterator[str]:
    """An empty (never migrated) database of its own on the real PostgreSQL server."""
    async with _postgres_database(None) as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This session's migrated SQLite file, copied by `sqlite_url`."""
    path = tmp_path_factory.mktemp("sqlite_template") / "hotel_agent.db"
    asyncio.run(_migrated(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite file of the test's own."""
    path = tmp_path / "hotel_agent.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def empty_sqlite_url(tmp_path: Path) -> str:
    """A SQLite file of the test's own, not created yet."""
    return f"sqlite+aiosqlite:///{tmp_path / 'hotel_agent.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run the test on both supported databases (migrated)."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest) -> str:
    """Run the test on both supported databases (empty)."""
    url: str = request.getfixturevalue(f"empty_{request.param}_url")
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
