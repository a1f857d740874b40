"""PostgreSQL restart under load: what clients see while the database is away and how soon
the API answers again, without restarting it.

A PRIVATE PostgreSQL server (initdb + pg_ctl, temporary directory, free port; never the
shared one) backs the app, served in-process. Signed WhatsApp webhooks and web chat messages
are sent back to back; the server is stopped (`pg_ctl stop -m fast`, then `-m immediate`),
kept down, and started again. Figures, per stop mode: answers by status during the outage
(503 expected, never 500), readiness during the outage, and the seconds from `pg_ctl start`
returning to the first 200/202, counted in requests too.

    .venv/bin/python bench/db_restart.py [--quick]
"""

from __future__ import annotations

import asyncio
import collections
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.inbox.helpers import EchoEngine
from tests.private_postgres import (
    PrivatePostgres,
    create_private_postgres,
    remove_private_postgres,
)
from tests.support import asgi_client, make_settings, signed_headers, whatsapp_fixture

from _common import main, progress
from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.db import migrate
from hotel_agent.runtime import Runtime


class Load:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.sent = 0
        self.log: list[tuple[float, str, int]] = []  # (time, kind, status)
        self.stop = asyncio.Event()
        self.sessions = [new_session_id() for _ in range(50)]

    async def _one(self) -> None:
        self.sent += 1
        n = self.sent
        if n % 2:
            payload = whatsapp_fixture("text_es")
            payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = f"wamid.bench{n}"
            body = json.dumps(payload).encode()
            answer = await self.client.post(
                "/webhooks/whatsapp", content=body, headers=signed_headers(body)
            )
            self.log.append((time.monotonic(), "webhook", answer.status_code))
        else:
            answer = await self.client.post(
                "/api/webchat/messages",
                json={"session_id": self.sessions[n % 50], "text": f"hola {n}"},
            )
            self.log.append((time.monotonic(), "webchat", answer.status_code))

    async def run(self) -> None:
        while not self.stop.is_set():
            await self._one()
            await asyncio.sleep(0.01)


async def _round(
    server: PrivatePostgres, runtime: Runtime, mode: str, down: float
) -> dict[str, Any]:
    async with asgi_client(runtime) as client:
        load = Load(client)
        task = asyncio.create_task(load.run())
        await asyncio.sleep(1.0)
        stopped_at = time.monotonic()
        await asyncio.to_thread(server.stop, mode)
        await asyncio.sleep(down / 2)
        ready_down = (await client.get("/health/ready")).status_code
        await asyncio.sleep(down / 2)
        await asyncio.to_thread(server.start)
        started_at = time.monotonic()
        await asyncio.sleep(3.0)
        load.stop.set()
        await task
        ready_up = (await client.get("/health/ready")).status_code
    outage = [s for t, _, s in load.log if stopped_at <= t < started_at]
    after = [(t, s) for t, _, s in load.log if t >= started_at]
    first_ok = next(((t, i) for i, (t, s) in enumerate(after) if s in (200, 202)), None)
    return {
        "stop_mode": mode,
        "down_seconds": round(started_at - stopped_at, 2),
        "requests": len(load.log),
        "during_outage_by_status": dict(collections.Counter(outage)),
        "after_restart_by_status": dict(collections.Counter(s for _, s in after)),
        "server_errors_500": sum(1 for _, _, s in load.log if s == 500),
        "seconds_to_first_success_after_start": (
            round(first_ok[0] - started_at, 3) if first_ok else None
        ),
        "failed_requests_after_start": first_ok[1] if first_ok else None,
        "readiness_during_outage": ready_down,
        "readiness_after": ready_up,
    }


async def _run(quick: bool) -> dict[str, Any]:
    server = create_private_postgres()
    try:
        unlimited = "1000000/minute"  # rate limits are not what this measures
        settings = make_settings(
            server.url,
            webchat={"rate_limit_per_client": unlimited, "rate_limit_per_session": unlimited},
            log_level="WARNING",
        )
        runtime = Runtime.build(settings, dialogue=EchoEngine())
        try:
            await migrate.upgrade(runtime.engine)
            await runtime.load_hotels()
            rounds = []
            for mode in ("fast", "immediate"):
                progress(f"db_restart: pg_ctl stop -m {mode}")
                rounds.append(await _round(server, runtime, mode, down=2.0 if quick else 5.0))
        finally:
            await runtime.close()
    finally:
        remove_private_postgres(server)
    return {"deployment": "in-process app, private PostgreSQL 15", "rounds": rounds}


def run(*, quick: bool = False) -> dict[str, Any]:
    return asyncio.run(_run(quick))


if __name__ == "__main__":
    main(run, __doc__.splitlines()[0])
