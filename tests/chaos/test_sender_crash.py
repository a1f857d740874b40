"""The Graph API accepts a message and its answer never reaches the sender: because the
worker process (which runs the sender) is SIGKILLed while waiting, or because the answer
times out. The send cannot be recorded, so once the lease expires (or the send is retried)
the message goes out again. WhatsApp's /messages takes no idempotency key, so this one
duplicate is unavoidable; the test pins it to exactly the send in flight, never more
(DEVELOPERS.md, "Delivery guarantees")."""

from __future__ import annotations

import httpx
import pytest

from tests.chaos.harness import ChaosDatabase, Stack, eventually
from tests.chaos.whatsapp import deliver, text_delivery
from tests.fakes.graph_api import FakeGraphApi

GUESTS = 8


@pytest.mark.parametrize("lost_answer", ["sender_killed", "answer_timed_out"])
async def test_a_send_accepted_but_unanswered_is_sent_again_once_and_nothing_else_twice(
    chaos_db: ChaosDatabase, fake_graph: FakeGraphApi, stack: Stack, lost_answer: str
) -> None:
    settings = {
        "DATABASE_URL": chaos_db.app_url,
        "WHATSAPP_API_BASE_URL": fake_graph.base_url,
        "QUEUE_LEASE_SECONDS": 3,
        # Killed: the sender waits far longer than the test. Timed out: it gives up quickly.
        "WHATSAPP_TIMEOUT_SECONDS": 60 if lost_answer == "sender_killed" else 1,
    }
    api = stack.serve(**settings, QUEUE_IN_PROCESS_WORKER=False)
    worker = stack.worker(**settings)
    fake_graph.accept_then_hang()
    async with httpx.AsyncClient(base_url=api.base_url, timeout=15) as client:
        for n in range(GUESTS):
            wa_id = f"3462000{n:04d}"
            assert await deliver(client, text_delivery(wa_id, f"wamid.SENDER-{n}", "hola")) == 200
        await fake_graph.wait_for_messages_async(1, timeout=60)  # accepted, answer held
        if lost_answer == "sender_killed":
            worker.restart()

        async def all_answered() -> bool:
            done = await chaos_db.scalar("SELECT count(*) FROM inbox_events WHERE state = 'done'")
            return done == GUESTS and await chaos_db.settled()

        await eventually(
            all_answered, timeout=120, what="every guest answered", explain=chaos_db.queues
        )

    recorded = [
        row[0]
        for row in await chaos_db.rows(
            "SELECT provider_message_id FROM messages WHERE direction = 'out'"
        )
    ]
    sent = fake_graph.sent
    duplicates = len(sent) - len(recorded)
    assert set(recorded) <= {r.wamid for r in sent}, "every recorded reply was accepted"
    assert duplicates == 1, f"exactly the send in flight went out twice ({duplicates})"
    first = sent[0].body
    assert [r.body for r in sent].count(first) == 2, "and it is the one that lost its answer"
    assert len({r.body["to"] for r in sent}) == GUESTS, "every guest answered"
