"""The Graph API fails: unreachable for a while (the proxy refuses and resets), then 500s, a
429 and a connection closed mid-answer; and a permanent refusal. Transient failures are
retried with backoff until each reply is delivered once, in the conversation's order; a
permanent one is dead-lettered for staff and the conversation goes on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.chaos.harness import ChaosDatabase, Stack, eventually
from tests.chaos.whatsapp import WhatsAppGuest, assert_each_reply_sent_once
from tests.fakes.chaos_proxy import ChaosProxy, upstream
from tests.fakes.graph_api import FakeGraphApi


@pytest.fixture
def graph_proxy(fake_graph: FakeGraphApi) -> Iterator[ChaosProxy]:
    with ChaosProxy(*upstream(fake_graph.origin)) as proxy:
        yield proxy


@pytest.fixture
async def guest(
    chaos_db: ChaosDatabase, fake_graph: FakeGraphApi, graph_proxy: ChaosProxy, stack: Stack
) -> AsyncIterator[WhatsAppGuest]:
    settings = {
        "DATABASE_URL": chaos_db.app_url,
        "WHATSAPP_API_BASE_URL": f"http://{graph_proxy.address}/{fake_graph.version}",
    }
    api = stack.serve(**settings, QUEUE_IN_PROCESS_WORKER=False)
    stack.worker(**settings)
    async with httpx.AsyncClient(base_url=api.base_url, timeout=15) as client:
        yield WhatsAppGuest(client, fake_graph, chaos_db, "34630000001")


async def test_transient_failures_are_retried_and_each_reply_delivered_once_in_order(
    guest: WhatsAppGuest,
    chaos_db: ChaosDatabase,
    fake_graph: FakeGraphApi,
    graph_proxy: ChaosProxy,
) -> None:
    graph_proxy.down()  # Meta unreachable: connections refused
    for text in ("hola", "¿a qué hora es el check-in?", "¿tenéis parking?"):
        await guest.says(text, wait=False)

    async def retrying() -> bool:
        retried = await chaos_db.scalar("SELECT count(*) FROM outbox WHERE attempts > 0")
        return bool(retried)

    await eventually(retrying, what="sends failing and retried")
    assert fake_graph.sent == []
    # Back, but flaky: two 500s, a 429, and a connection closed before the answer.
    fake_graph.fail_next(500, times=2)
    fake_graph.fail_next(429)
    fake_graph.drop_next()
    graph_proxy.restore()
    for n in (1, 2, 3):
        await guest.answered(f"wamid.CHAOS-{guest.wa_id}-{n:03d}", timeout=90)

    assert len({r.body["to"] for r in fake_graph.sent}) == 1
    assert len(fake_graph.sent) >= 3, "each question answered"
    await assert_each_reply_sent_once(chaos_db, fake_graph, in_order=True)
    dead = await chaos_db.scalar("SELECT count(*) FROM dead_letters")
    assert dead == 0, "nothing transient was given up on"


async def test_a_permanent_refusal_is_dead_lettered_and_the_conversation_goes_on(
    guest: WhatsAppGuest, chaos_db: ChaosDatabase, fake_graph: FakeGraphApi
) -> None:
    assert await guest.says("hola")
    fake_graph.delay_next(0.01)  # the read receipt goes first, and through
    fake_graph.fail_next(
        400,
        {
            "error": {
                "message": "(#131026) Message Undeliverable",
                "code": 131026,
                "type": "OAuthException",
            }
        },
    )
    await guest.says("¿a qué hora es el check-in?")
    later = await guest.says("¿tenéis parking?")

    [(reason, source)] = await chaos_db.rows("SELECT reason, source FROM dead_letters")
    assert (reason, source) == ("undeliverable", "outbox")
    assert later, "the next answer is delivered"
    dead = await chaos_db.scalar("SELECT count(*) FROM messages WHERE status = 'dead'")
    assert dead == 1, "the transcript shows staff which reply never arrived"
    await assert_each_reply_sent_once(chaos_db, fake_graph, in_order=True)
