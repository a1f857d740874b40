"""A PostgreSQL restart under a running API: 503 + Retry-After while the server is away,
readiness says so, and every pool recovers by itself once it is back (no process restart).

Runs on a PRIVATE PostgreSQL server that the test starts and stops itself."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest
from sqlalchemy import func, select

from hotel_agent.conversations.turns import turn_worker
from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.db.models import InboxEvent
from hotel_agent.runtime import Runtime
from tests.integration.inbox.helpers import EchoEngine
from tests.private_postgres import PrivatePostgres, create_private_postgres, remove_private_postgres
from tests.support import asgi_client, make_settings, signed_headers, whatsapp_fixture

MakeRuntime = Callable[..., Awaitable[Runtime]]
SESSION = new_session_id()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = create_private_postgres()
    try:
        yield server
    finally:
        remove_private_postgres(server)


def _webhook(message_id: str) -> bytes:
    payload = whatsapp_fixture("text_es")
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = message_id
    return json.dumps(payload).encode()


async def _deliver(client: httpx.AsyncClient, message_id: str) -> httpx.Response:
    body = _webhook(message_id)
    return await client.post("/webhooks/whatsapp", content=body, headers=signed_headers(body))


async def _webchat(client: httpx.AsyncClient, n: int) -> httpx.Response:
    return await client.post(
        "/api/webchat/messages",
        json={"session_id": SESSION, "text": f"hola {n}", "client_message_id": f"m{n}"},
    )


@pytest.mark.parametrize("stop_mode", ["fast", "immediate"])
async def test_intake_answers_503_while_postgres_is_down_and_recovers_without_a_restart(
    private_postgres: PrivatePostgres, make_runtime: MakeRuntime, stop_mode: str
) -> None:
    engine = EchoEngine()
    runtime = await make_runtime(make_settings(private_postgres.url), dialogue=engine)
    async with asgi_client(runtime) as client:
        # Warm both pools: the connections that will be dead after the restart.
        for n in range(3):
            assert (await _deliver(client, f"wamid.before{n}")).status_code == 200
            assert (await _webchat(client, n)).status_code == 202
        assert (await client.get("/health/ready")).status_code == 200
        worker = turn_worker(
            runtime.sessions, runtime.dialogue, runtime.signals, runtime.settings.queue
        )
        assert await worker.process_next(), "the worker's pool is warm too"

        private_postgres.stop(stop_mode)
        during = [await _deliver(client, f"wamid.during{n}") for n in range(3)]
        during += [await _webchat(client, 10 + n) for n in range(3)]
        ready_down = await client.get("/health/ready")

        private_postgres.start()
        # The very first requests after the server is back succeed: no 500, no stale pool.
        after_webhook = await _deliver(client, "wamid.after")
        after_webchat = await _webchat(client, 99)
        ready_up = await client.get("/health/ready")
        # The worker's first claim after the restart succeeds too, and drains the inbox.
        turns = 0
        while await worker.process_next():
            turns += 1

    assert [r.status_code for r in during] == [503] * 6, [r.text for r in during]
    assert all(r.headers.get("Retry-After") for r in during)
    assert ready_down.status_code == 503 and "database" in ready_down.json()["failing"]
    assert after_webhook.status_code == 200, after_webhook.text
    assert after_webchat.status_code == 202, after_webchat.text
    assert ready_up.status_code == 200, ready_up.json()
    async with runtime.sessions() as session:
        stored = await session.scalar(select(func.count()).select_from(InboxEvent))
    assert stored == 3 + 3 + 2, "everything acknowledged was stored, nothing else"
    assert turns == stored - 1
    assert len(engine.turns) == stored
