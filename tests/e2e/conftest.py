"""The whole app over real HTTP: uvicorn in a thread, embedded SQLite, in-process worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.browser import chromium_browser, new_page  # noqa: F401  (fixtures)
from tests.e2e.live_app import serve_app
from tests.fakes.graph_api import FakeGraphApi
from tests.support import ACCESS_TOKEN, make_settings

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
    with serve_app(e2e_settings) as origin:
        yield origin
