"""schemathesis over the whole published OpenAPI, on SQLite and on PostgreSQL, with every
check it has (no server errors, status codes / content types / headers / bodies as
documented, negative data refused, valid data accepted, auth not ignored, 405 with Allow...).

The app runs as `serve` runs it (its own lifespan, real HTTP on a free port); the example
count is bounded so both databases take about a minute together."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import asyncpg
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from hotel_agent.app import create_app
from hotel_agent.db import migrate
from hotel_agent.db.engine import create_engine
from hotel_agent.settings import Settings, StaffSettings, normalize_database_url
from tests.conftest import POSTGRES_URL
from tests.fakes.server import ThreadedServer
from tests.support import make_settings, server_missing

TOKEN = "fuzz-staff-token-0123456789"
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
UNLIMITED = "1000000/minute"


def _settings(database_url: str) -> Settings:
    return make_settings(
        database_url,
        # Turns are not what this fuzzes (no worker: nothing answers; `wait` stays short).
        queue={"in_process_worker": False},
        webchat={
            "rate_limit_per_client": UNLIMITED,
            "rate_limit_per_session": UNLIMITED,
            "rate_limit_poll_per_client": UNLIMITED,
            "max_wait_seconds": 0.05,
        },
        staff=StaffSettings(**{"_env_file": None}, api_token=TOKEN),
    )


async def _migrate(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


async def _create_database(name: str) -> None:
    admin = await asyncpg.connect(POSTGRES_URL, timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def _drop_database(name: str) -> None:
    admin = await asyncpg.connect(POSTGRES_URL, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def base_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app served over HTTP on a fresh, migrated database."""
    database: str | None = None
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    else:
        database = f"ha_test_{uuid.uuid4().hex[:12]}"
        try:
            asyncio.run(_create_database(database))
        except (OSError, asyncpg.PostgresError) as exc:
            server_missing(f"PostgreSQL at {POSTGRES_URL}", repr(exc))
        url = normalize_database_url(f"{POSTGRES_URL.rsplit('/', 1)[0]}/{database}")
    settings = _settings(url)
    asyncio.run(_migrate(settings))
    try:
        with ThreadedServer(create_app(settings)) as server:
            yield server.origin
    finally:
        if database is not None:
            asyncio.run(_drop_database(database))


# The published document, built without I/O (the app builds nothing until its lifespan runs).
schema = schemathesis.openapi.from_dict(create_app(_settings("sqlite+aiosqlite://")).openapi())
schema.config.generation.update(
    modes=list(schemathesis.GenerationMode),
    max_examples=MAX_EXAMPLES,
    # Unknown query parameters are ignored, as HTTP APIs usually do (cache busters, tracking
    # tags); everything the document declares is fuzzed, valid and invalid.
    allow_extra_parameters=False,
)


@schema.auth()
class StaffToken:
    """The staff API's bearer token, left out when a case tests a missing Authorization."""

    def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> str:
        return TOKEN

    def set(self, case: schemathesis.Case, data: str, context: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: schemathesis.Case, base_url: str) -> None:
    case.call_and_validate(base_url=base_url)
