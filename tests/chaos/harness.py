"""The chaos harness: real `hotel-agent` processes, their settings, and the test's look-ups
(fixtures are in conftest.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from hotel_agent.db.engine import create_engine
from tests.fakes.chaos_proxy import ChaosProxy, proxied
from tests.fakes.qloapps import DEMO_KEY
from tests.support import (
    ACCESS_TOKEN,
    APP_SECRET,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    free_port,
    make_settings,
)

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
    "CHECK_PMS_IN_READINESS",
)


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

    async def settled(self) -> bool:
        """No turn waiting or running, no send waiting or in flight (dead letters are done)."""
        unfinished = await self.scalar(
            "SELECT (SELECT count(*) FROM inbox_events WHERE state IN ('pending', 'processing'))"
            " + (SELECT count(*) FROM outbox WHERE state IN ('pending', 'processing'))"
        )
        return unfinished == 0

    async def queues(self) -> str:
        """The unfinished rows of both queues, for a failure message."""
        inbox = await self.rows(
            "SELECT id, provider_message_id, state, attempts, lease_owner, lease_until, "
            "available_at, last_error FROM inbox_events WHERE state <> 'done' ORDER BY id"
        )
        outbox = await self.rows(
            "SELECT id, kind, state, attempts, lease_owner, lease_until, available_at, "
            "last_error FROM outbox WHERE state <> 'sent' ORDER BY id"
        )
        return f"inbox: {inbox}\noutbox: {outbox}"

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        engine = create_engine(make_settings(self.url))
        try:
            async with engine.connect() as connection:
                return list((await connection.execute(text(sql), params)).all())
        finally:
            await engine.dispose()


@dataclass
class AppProcess:
    """One `hotel-agent` process (serve or worker) with its output in a log file."""

    args: list[str]
    env: dict[str, str]
    log_file: Path
    port: int | None = None
    process: subprocess.Popen[bytes] | None = None

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
        deadline = time.monotonic() + 120  # a loaded CI machine starts slowly
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
        return self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


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


def qloapps_settings(pms_proxy: ChaosProxy, **extra: Any) -> dict[str, Any]:
    """Env for the app to reach the fake QloApps through the proxy."""
    return {
        "PMS_TYPE": "qloapps",
        "PMS_BASE_URL": f"http://{pms_proxy.address}/api",
        "PMS_API_KEY": DEMO_KEY,
        **extra,
    }


async def eventually(
    check: Any,
    *,
    timeout: float = 30,
    what: str = "condition",
    explain: Callable[[], Awaitable[str]] | None = None,
) -> Any:
    """Poll `check` (sync or async) until it returns something truthy; on timeout, fail with
    `what` and what `explain` says (the queues, say)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            detail = f"\n{await explain()}" if explain is not None else ""
            raise TimeoutError(f"{what} not reached after {timeout}s{detail}")
        await asyncio.sleep(0.1)
