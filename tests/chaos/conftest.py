"""Chaos tests: the real `hotel-agent serve` and `hotel-agent worker` processes, each on a
database of its own, with a fault-injecting proxy (tests/fakes/chaos_proxy.py) between them
and PostgreSQL, Redis, the PMS (fake QloApps) and the Graph API (fake). The shared servers are
never stopped: the proxy is the fault.

Run with `make chaos-test` (everything) or `make chaos-db` (the database scenarios)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotel_agent.db import migrate
from hotel_agent.db.engine import create_engine
from hotel_agent.nlu.pipeline import Understander
from tests.chaos.harness import ChaosDatabase, Stack
from tests.fakes.chaos_proxy import ChaosProxy, upstream
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.qloapps import FakeQloApps
from tests.support import ACCESS_TOKEN, make_settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test here starts real processes: give them room beyond the default 120 s.
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(300))


@pytest.fixture(scope="session")
def nlu_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DATA_DIR whose intent model is trained once: each process then loads it in ~2 s."""
    data_dir = tmp_path_factory.mktemp("chaos-data")
    Understander(model_cache=data_dir / "nlu").warm_up()
    return data_dir


@pytest.fixture
async def chaos_db(postgres_url: str) -> Any:
    """A migrated database of the test's own, reached by the app through a chaos proxy."""
    engine = create_engine(make_settings(postgres_url))
    await migrate.upgrade(engine)
    await engine.dispose()
    with ChaosProxy(*upstream(postgres_url)) as proxy:
        yield ChaosDatabase(postgres_url, proxy)


@pytest.fixture
def redis_proxy() -> Iterator[ChaosProxy]:
    with ChaosProxy(*upstream(REDIS_URL)) as proxy:
        yield proxy


@pytest.fixture
def fake_graph() -> Iterator[FakeGraphApi]:
    with FakeGraphApi(access_token=ACCESS_TOKEN) as fake:
        yield fake


@pytest.fixture
def fake_qloapps() -> Iterator[FakeQloApps]:
    with FakeQloApps() as fake:
        yield fake


@pytest.fixture
def pms_proxy(fake_qloapps: FakeQloApps) -> Iterator[ChaosProxy]:
    with ChaosProxy(*upstream(fake_qloapps.origin)) as proxy:
        yield proxy


@pytest.fixture
def stack(tmp_path: Path, nlu_data_dir: Path) -> Iterator[Stack]:
    started = Stack(tmp_path, nlu_data_dir)
    try:
        yield started
    finally:
        for process in started.processes:
            process.stop()
