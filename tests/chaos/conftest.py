"""Chaos tests: the real `hotel-agent serve` and `hotel-agent worker` processes, each on a
database of its own, with a fault-injecting proxy (tests/fakes/chaos_proxy.py) between them
and PostgreSQL, Redis, the PMS (fake QloApps) and the Graph API (fake). The shared servers are
never stopped: the proxy is the fault.

Run with `make chaos-test` (everything) or `make chaos-db` (the database scenarios)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from sqlalchemy import text

from hotel_agent.db import migrate
from hotel_agent.db.engine import create_engine
from hotel_agent.nlu.pipeline import Understander
from tests.fakes.chaos_proxy import ChaosProxy
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.qloapps import DEMO_KEY, FakeQloApps
from tests.support import (
    ACCESS_TOKEN,
    APP_SECRET,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    free_port,
    make_settings,
)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
_OWN_ENV_PREFIXES = (
    "DATABASE_",
    "POSTGRES_",
    "DB_",
    "REDIS_",
    "WHATSAPP_",
    "PMS_",
    "QUEUE_",
    "STAFF_",
    "LLM_",
    "HTTP_",
    "WEBCHAT_",
    "HOTEL_",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test here starts real processes: give them room beyond the default 120 s.
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(300))


def proxied(url: str, proxy: ChaosProxy) -> str:
    """`url` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"{netloc[0]}@{proxy.address}" if len(netloc) == 2 else proxy.address
    return urlunsplit(parts._replace(netloc=host))


def _upstream(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 0


@pytest.fixture(scope="session")
def nlu_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DATA_DIR whose intent model is trained once: each process then loads it in ~2 s."""
    data_dir = tmp_path_factory.mktemp("chaos-data")
    Understander(model_cache=data_dir / "nlu").warm_up()
    return data_dir


@dataclass
class ChaosDatabase:
    url: str  # the real server, for the test's own look-ups
    proxy: ChaosProxy  # what the app goes through

    @property
    def app_url(self) -> str:
        return proxied(self.url, self.proxy)

    async def scalar(self, sql: str, **params: Any) -> Any:
        engine = create_engine(make_settings(self.url))
        try:
            async with engine.connect() as connection:
                return (await connection.execute(text(sql), params)).scalar()
        finally:
            await engine.dispose()

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        engine = create_engine(make_settings(self.url))
        try:
            async with engine.connect() as connection:
                return list((await connection.execute(text(sql), params)).all())
        finally:
            await engine.dispose()


@pytest.fixture
async def chaos_db(postgres_url: str) -> Any:
    """A migrated database of the test's own, reached by the app through a chaos proxy."""
    engine = create_engine(make_settings(postgres_url))
    await migrate.upgrade(engine)
    await engine.dispose()
    with ChaosProxy(*_upstream(postgres_url)) as proxy:
        yield ChaosDatabase(postgres_url, proxy)


@pytest.fixture
def redis_proxy() -> Iterator[ChaosProxy]:
    with ChaosProxy(*_upstream(REDIS_URL)) as proxy:
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
    with ChaosProxy(*_upstream(fake_qloapps.origin)) as proxy:
        yield proxy


@dataclass
class AppProcess:
    """One `hotel-agent` process (serve or worker) with its output in a log file."""

    args: list[str]
    env: dict[str, str]
    log_file: Path
    port: int | None = None
    process: subprocess.Popen[bytes] | None = None
    restarts: int = field(default=0)

    @property
    def base_url(self) -> str:
        assert self.port is not None, "a worker has no HTTP port"
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppProcess:
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "hotel_agent", *self.args],
                env=self.env,
                cwd=self.log_file.parent,  # no developer .env is read
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if self.port is not None:
            self._wait_live()
        return self

    def _wait_live(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.args[0]} exited; see {self.log_file}")
            try:
                if httpx.get(f"{self.base_url}/health/live", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.args[0]} did not start; see {self.log_file}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, leases and open transactions are abandoned."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def restart(self) -> AppProcess:
        self.kill()
        self.restarts += 1
        return self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")


@dataclass
class Stack:
    """What a test configures, and the processes it started (stopped at the end)."""

    tmp_path: Path
    data_dir: Path
    processes: list[AppProcess] = field(default_factory=list)

    def env(self, **settings: str | float | bool) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_ENV_PREFIXES)}
        env.update(
            ENVIRONMENT="test",
            DATA_DIR=str(self.data_dir),
            LOG_LEVEL="INFO",
            LOG_JSON="true",
            WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN,
            WHATSAPP_APP_SECRET=APP_SECRET,
            WHATSAPP_ACCESS_TOKEN=ACCESS_TOKEN,
            WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
            WHATSAPP_TIMEOUT_SECONDS="5",
            QUEUE_POLL_INTERVAL_SECONDS="0.05",
            QUEUE_RETRY_BASE_SECONDS="0.05",
            QUEUE_RETRY_MAX_SECONDS="1",
        )
        env.update(
            {
                key.upper(): str(value).lower() if isinstance(value, bool) else str(value)
                for key, value in settings.items()
            }
        )
        return env

    def serve(self, **settings: str | float | bool) -> AppProcess:
        port = free_port()
        return self._start(["serve", "--port", str(port)], settings, port=port)

    def worker(self, **settings: str | float | bool) -> AppProcess:
        return self._start(["worker", "--concurrency", "2", "--senders", "1"], settings)

    def _start(
        self, args: list[str], settings: dict[str, Any], *, port: int | None = None
    ) -> AppProcess:
        name = f"{args[0]}-{len(self.processes)}"
        process = AppProcess(args, self.env(**settings), self.tmp_path / f"{name}.log", port=port)
        self.processes.append(process)
        return process.start()


@pytest.fixture
def stack(tmp_path: Path, nlu_data_dir: Path) -> Iterator[Stack]:
    started = Stack(tmp_path, nlu_data_dir)
    try:
        yield started
    finally:
        for process in started.processes:
            process.stop()


def qloapps_settings(pms_proxy: ChaosProxy, **extra: Any) -> dict[str, Any]:
    """Env for the app to reach the fake QloApps through the proxy."""
    return {
        "PMS_TYPE": "qloapps",
        "PMS_BASE_URL": f"http://{pms_proxy.address}/api",
        "PMS_API_KEY": DEMO_KEY,
        **extra,
    }


async def eventually(check: Any, *, timeout: float = 30, what: str = "condition") -> Any:
    """Poll `check` (sync or async) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached after {timeout}s")
        await asyncio.sleep(0.1)
