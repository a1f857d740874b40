"""The whole app over real HTTP: uvicorn in a thread, embedded SQLite, in-process worker."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.browser import chromium_browser, new_page  # noqa: F401  (fixtures)
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.server import ThreadedServer
from tests.support import ACCESS_TOKEN, make_settings

from hotel_agent.app import create_app
from hotel_agent.db import migrate
from hotel_agent.db.engine import create_engine
from hotel_agent.settings import Settings


@pytest.fixture
def fake_graph() -> Iterator[FakeGraphApi]:
    with FakeGraphApi(access_token=ACCESS_TOKEN) as fake:
        yield fake


@pytest.fixture
def e2e_settings(tmp_path: Path, fake_graph: FakeGraphApi) -> Settings:
    return make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}", graph_base_url=fake_graph.base_url
    )


@pytest.fixture
def live_server_url(e2e_settings: Settings) -> Iterator[str]:
    """The real app, migrated, serving on a free port; worker and sender run in-process."""

    async def apply_migrations() -> None:
        engine = create_engine(e2e_settings)
        await migrate.upgrade(engine)
        await engine.dispose()

    asyncio.run(apply_migrations())
    with ThreadedServer(create_app(e2e_settings)) as server:
        yield server.origin
