"""Redis goes away (connections refused and reset, or a black hole that swallows every byte)
under a running API with its in-process worker: the web chat and the WhatsApp webhook keep
working (rate limits fail open, the PMS cache is skipped), and once Redis is back the limits
apply again, with no restart."""

from __future__ import annotations

import httpx
import pytest

from hotel_agent.conversations.webchat import new_session_id
from tests.chaos.conftest import REDIS_URL
from tests.chaos.harness import ChaosDatabase, Stack, eventually
from tests.chaos.whatsapp import deliver, text_delivery
from tests.fakes.chaos_proxy import ChaosProxy, proxied
from tests.fakes.graph_api import FakeGraphApi
from tests.integration.dialogue.guest import future_stay, spanish_range

PER_SESSION = 3  # messages a web chat session may send per minute


async def _chat(client: httpx.AsyncClient, session_id: str, text: str) -> httpx.Response:
    return await client.post(
        "/api/webchat/messages?wait=20", json={"session_id": session_id, "text": text}
    )


async def _limited(client: httpx.AsyncClient) -> bool:
    """Whether a fresh session is refused after PER_SESSION messages: Redis counts again."""
    session = new_session_id()
    statuses = [(await _chat(client, session, "hola")).status_code for _ in range(PER_SESSION + 1)]
    return statuses[-1] == 429


@pytest.mark.parametrize("fault", ["down", "drop"])
async def test_web_chat_and_webhooks_work_without_redis_and_limits_come_back(
    chaos_db: ChaosDatabase,
    redis_proxy: ChaosProxy,
    fake_graph: FakeGraphApi,
    stack: Stack,
    fault: str,
) -> None:
    api = stack.serve(
        DATABASE_URL=chaos_db.url,
        REDIS_URL=proxied(REDIS_URL, redis_proxy),
        WHATSAPP_API_BASE_URL=fake_graph.base_url,
        QUEUE_IN_PROCESS_WORKER=True,
        WEBCHAT_RATE_LIMIT_PER_SESSION=f"{PER_SESSION}/minute",
    )
    check_in, check_out = future_stay(days_ahead=30, nights=2)
    async with httpx.AsyncClient(base_url=api.base_url, timeout=30) as client:
        assert await _limited(client), "with Redis up, the session limit applies"

        getattr(redis_proxy, fault)()
        session = new_session_id()
        during = [await _chat(client, session, "hola") for _ in range(PER_SESSION + 1)]
        search = await _chat(
            client, session, f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos"
        )
        webhook = await deliver(client, text_delivery("34640000001", "wamid.REDIS-1", "hola"))
        ready = await client.get("/health/ready")

        redis_proxy.restore()
        await eventually(
            lambda: _limited(client), timeout=60, what="the session limit applied again"
        )

    assert [r.status_code for r in during] == [200] * (PER_SESSION + 1), "limits fail open"
    assert all(r.json()["replies"] for r in during), "and the guest is answered"
    assert search.status_code == 200
    offers = [r for r in search.json()["replies"] if r.get("list")]
    assert offers, f"availability searched without the cache: {search.json()}"
    assert webhook == 200
    assert ready.status_code == 200, "Redis is optional: the service stays ready"
    await fake_graph.wait_for_messages_async(1, timeout=30)
