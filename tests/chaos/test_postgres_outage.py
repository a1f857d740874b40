"""PostgreSQL goes away in the middle of a webhook burst (the proxy refuses new connections
and resets the open ones), then comes back. The API and the worker are real processes that
are NOT restarted."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.chaos.harness import ChaosDatabase, Stack, eventually
from tests.chaos.whatsapp import deliver, deliver_until_acknowledged, text_delivery
from tests.fakes.graph_api import FakeGraphApi

pytestmark = pytest.mark.chaos_db

GUESTS = 45


def _burst() -> dict[str, bytes]:
    return {
        f"wamid.CHAOS-PG-{n:03d}": text_delivery(
            f"3460000{n:04d}", f"wamid.CHAOS-PG-{n:03d}", "hola"
        )
        for n in range(GUESTS)
    }


async def test_webhooks_answer_503_never_200_unstored_and_intake_recovers_without_restart(
    chaos_db: ChaosDatabase, fake_graph: FakeGraphApi, stack: Stack
) -> None:
    common = {"DATABASE_URL": chaos_db.app_url, "WHATSAPP_API_BASE_URL": fake_graph.base_url}
    api = stack.serve(**common, QUEUE_IN_PROCESS_WORKER=False)
    stack.worker(**common)
    deliveries = _burst()
    statuses: dict[str, int] = {}

    async with httpx.AsyncClient(base_url=api.base_url, timeout=15) as client:
        # Warm the pools first: the connections the outage will kill.
        warm_up = text_delivery("34699999999", "wamid.CHAOS-PG-WARM", "hola")
        assert await deliver(client, warm_up) == 200
        await fake_graph.wait_for_messages_async(1, timeout=60)

        async def send(message_id: str, body: bytes) -> None:
            statuses[message_id] = await deliver(client, body)

        ids = list(deliveries)
        # The burst: concurrent deliveries; the database vanishes a third of the way in and
        # comes back at two thirds, while requests are in flight.
        third = GUESTS // 3
        for start, fault in ((0, chaos_db.proxy.down), (third, chaos_db.proxy.restore)):
            batch = ids[start : start + third]
            tasks = [asyncio.create_task(send(i, deliveries[i])) for i in batch]
            await asyncio.sleep(0.05)
            await asyncio.to_thread(fault)
            await asyncio.gather(*tasks)
        # Down again for the last third, decided while nothing is in flight: all must be 503.
        await asyncio.to_thread(chaos_db.proxy.down)
        last = ids[2 * third :]
        await asyncio.gather(*(send(i, deliveries[i]) for i in last))
        readiness_down = (await client.get("/health/ready")).status_code

        # Before anything is redelivered: everything acknowledged is stored, nothing else is.
        # (The check reads the real server, not through the proxy.)
        stored = {
            row[0]
            for row in await chaos_db.rows(
                "SELECT provider_message_id FROM inbox_events WHERE provider_message_id LIKE "
                "'wamid.CHAOS-PG-%'"
            )
        }
        acknowledged = {i for i, status in statuses.items() if status == 200}

        await asyncio.to_thread(chaos_db.proxy.restore)
        # Meta redelivers every failed delivery until it gets a 200, and some acknowledged ones
        # too: each must be processed exactly once. Same processes, no restart.
        redelivered = [await deliver_until_acknowledged(client, deliveries[i]) for i in ids]
        readiness_up = (await client.get("/health/ready")).status_code

    assert set(statuses.values()) <= {200, 503, 0}, f"200 or 503, never 500: {statuses}"
    # 0: no answer within the client's 15 s. Seen for 1 of the ~15 requests in flight when the
    # connections are reset, in some runs (cause not found yet: DEVELOPERS.md). Meta treats it
    # as a failed delivery and retries, so nothing is lost; never for a request sent while
    # the database is plainly down (below).
    assert list(statuses.values()).count(0) <= 1, statuses
    assert all(statuses[i] == 503 for i in last), "the database was down: 503, Meta retries"
    assert acknowledged <= stored, f"acknowledged but not stored: {acknowledged - stored}"
    assert readiness_down == 503
    assert redelivered == [200] * GUESTS, "intake recovered without a restart"
    assert readiness_up == 200

    # Exactly once: one inbox event, one transcript row and one turn's replies per message.
    expected = GUESTS + 1  # the warm-up message too

    await eventually(
        chaos_db.settled,
        timeout=120,
        what="every turn run and every reply sent",
        explain=chaos_db.queues,
    )
    assert await chaos_db.scalar("SELECT count(*) FROM inbox_events") == expected
    inbound = await chaos_db.rows(
        "SELECT provider_message_id, count(*) FROM messages WHERE direction = 'in' "
        "GROUP BY provider_message_id"
    )
    assert len(inbound) == expected and all(n == 1 for _, n in inbound)
    outbound_ids = [
        row[0]
        for row in await chaos_db.rows(
            "SELECT provider_message_id FROM messages WHERE direction = 'out'"
        )
    ]
    sent = fake_graph.sent
    assert len(sent) == len(outbound_ids), "one Graph API send per reply, no duplicate"
    assert sorted(r.wamid for r in sent) == sorted(outbound_ids)
    per_guest = {r.body["to"] for r in sent}
    assert len(per_guest) == expected, "every guest was answered"
