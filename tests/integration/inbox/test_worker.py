"""The worker on real databases: order per conversation, leases, retries, staff ownership."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import func, select, update

from hotel_agent.conversations.turns import turn_worker
from hotel_agent.db.models import (
    Conversation,
    ConversationOwner,
    DeadLetter,
    InboxEvent,
    Message,
    OutboxItem,
)
from hotel_agent.db.repositories.inbox import InboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.inbox.worker import Lease, Worker
from hotel_agent.runtime import Runtime
from tests.integration.inbox.helpers import EchoEngine, whatsapp_text
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


async def drain(worker: Worker) -> int:
    turns = 0
    while await worker.process_next():
        turns += 1
    return turns


async def test_a_turn_commits_transcript_state_and_outbox_together(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = EchoEngine()
    runtime = await make_runtime(make_settings(database_url), dialogue=engine)
    hotel = runtime.hotels.default_hotel_id
    await runtime.ingest.accept(hotel, [whatsapp_text("wamid.A1", "34611111111", "hola")])
    worker = turn_worker(runtime.sessions, engine, runtime.signals, runtime.settings.queue)

    assert await drain(worker) == 1

    async with runtime.sessions() as session:
        conversation = await session.scalar(select(Conversation))
        messages = (await session.scalars(select(Message).order_by(Message.id))).all()
        outbox = (await session.scalars(select(OutboxItem).order_by(OutboxItem.id))).all()
    assert conversation is not None
    assert conversation.state == {"count": 1}
    assert conversation.language == "es"
    assert conversation.last_inbound_at is not None
    assert [(m.direction, m.body) for m in messages] == [("in", "hola"), ("out", "echo: hola")]
    assert messages[1].reply_to_message_id == messages[0].id
    # A read receipt for the guest's message, then the reply.
    assert [o.kind for o in outbox] == ["mark_read", "message"]
    assert outbox[1].message_id == messages[1].id


async def test_two_workers_keep_each_conversations_order(
    postgres_url: str, make_runtime: MakeRuntime
) -> None:
    engine = EchoEngine(delay=0.01)
    runtime = await make_runtime(make_settings(postgres_url), dialogue=engine)
    hotel = runtime.hotels.default_hotel_id
    guests = ["34600000001", "34600000002", "34600000003"]
    expected = {g: [f"{g}-{n}" for n in range(8)] for g in guests}
    batch = [whatsapp_text(f"wamid.{g}.{n}", g, f"{g}-{n}") for n in range(8) for g in guests]
    for message in batch:  # one delivery per message, interleaved between guests
        await runtime.ingest.accept(hotel, [message])
    workers = [
        turn_worker(runtime.sessions, engine, runtime.signals, runtime.settings.queue)
        for _ in range(2)
    ]

    counts = await asyncio.gather(*(drain(w) for w in workers))

    assert sum(counts) == len(batch)
    assert all(count > 0 for count in counts), "both workers should have taken turns"
    assert engine.overlaps == 0, "a conversation ran two turns at once"
    for guest in guests:
        assert [text for sender, text in engine.turns if sender == guest] == expected[guest]


async def test_a_dead_workers_turn_is_retaken_after_its_lease_expires(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = EchoEngine()
    settings = make_settings(database_url)
    runtime = await make_runtime(settings, dialogue=engine)
    hotel = runtime.hotels.default_hotel_id
    await runtime.ingest.accept(hotel, [whatsapp_text("wamid.L1", "34611111111", "hola")])
    # A worker claims the message and dies before finishing.
    async with runtime.sessions() as session, session.begin():
        claimed = await InboxRepository(session).claim_next(
            owner="dead-worker", now=utcnow(), lease=timedelta(minutes=5)
        )
    assert claimed is not None
    survivor = turn_worker(runtime.sessions, engine, runtime.signals, settings.queue)
    assert not await survivor.process_next(), "the lease still protects the claimed turn"

    # The lease runs out (moved into the past rather than waited for: a loaded machine must
    # not decide which side of it the survivor's first look falls on).
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(InboxEvent).values(lease_until=utcnow() - timedelta(seconds=1))
        )
    assert await survivor.process_next()

    assert engine.turns == [("34611111111", "hola")]
    async with runtime.sessions() as session:
        event = await session.scalar(select(InboxEvent))
    assert event is not None and event.state == "done" and event.attempts == 2
    # The dead worker's late result is refused: the turn belongs to the survivor now.
    async with runtime.sessions() as session, session.begin():
        assert not await InboxRepository(session).finish(
            event.id, owner="dead-worker", now=utcnow()
        )


async def test_a_crashing_turn_is_retried_then_dead_lettered(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = EchoEngine(fail_times=1)
    settings = make_settings(database_url, queue={"retry_base_seconds": 0.01})
    runtime = await make_runtime(settings, dialogue=engine)
    hotel = runtime.hotels.default_hotel_id
    await runtime.ingest.accept(hotel, [whatsapp_text("wamid.C1", "34611111111", "hola")])
    worker = turn_worker(runtime.sessions, engine, runtime.signals, settings.queue)

    await worker.process_next()  # crashes, rescheduled
    await asyncio.sleep(0.05)
    await drain(worker)
    assert engine.turns == [("34611111111", "hola")], "the retry ran the turn once"

    poisoned = EchoEngine(fail_times=100)
    runtime2 = await make_runtime(
        make_settings(database_url, queue={"retry_base_seconds": 0.001, "max_inbound_attempts": 2}),
        dialogue=poisoned,
    )
    await runtime2.ingest.accept(hotel, [whatsapp_text("wamid.C2", "34611111111", "boom")])
    worker2 = turn_worker(runtime2.sessions, poisoned, runtime2.signals, runtime2.settings.queue)
    for _ in range(6):
        await worker2.process_next()
        await asyncio.sleep(0.01)
    async with runtime2.sessions() as session:
        event = await session.scalar(
            select(InboxEvent).where(InboxEvent.provider_message_id == "wamid.C2")
        )
        dead = (await session.scalars(select(DeadLetter))).all()
    assert event is not None and event.state == "dead"
    assert [(d.source, d.reason) for d in dead] == [("inbox", "too_many_attempts")]


async def test_staff_owned_conversations_get_no_bot_reply(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = EchoEngine()
    runtime = await make_runtime(make_settings(database_url), dialogue=engine)
    hotel = runtime.hotels.default_hotel_id
    worker = turn_worker(runtime.sessions, engine, runtime.signals, runtime.settings.queue)
    await runtime.ingest.accept(hotel, [whatsapp_text("wamid.S1", "34611111111", "hola")])
    await drain(worker)
    async with runtime.sessions() as session, session.begin():
        conversation = await session.scalar(select(Conversation))
        assert conversation is not None
        conversation.owner = ConversationOwner.STAFF.value

    await runtime.ingest.accept(hotel, [whatsapp_text("wamid.S2", "34611111111", "¿hola?")])
    await drain(worker)

    assert engine.turns == [("34611111111", "hola")]
    async with runtime.sessions() as session:
        inbound = await session.scalar(
            select(func.count()).select_from(Message).where(Message.direction == "in")
        )
        outbound = await session.scalar(
            select(func.count()).select_from(Message).where(Message.direction == "out")
        )
    assert (inbound, outbound) == (2, 1), "the guest's message is kept for staff; no bot reply"


async def test_the_queue_runs_whatever_turn_handler_it_is_given(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    """Order, leases and the finishing commit are the queue's; what a turn does is not."""
    runtime = await make_runtime(make_settings(sqlite_url))
    seen: list[tuple[str | None, str]] = []

    async def handler(event: InboxEvent, lease: Lease) -> str:
        seen.append((event.provider_message_id, lease.owner))
        async with runtime.sessions() as session, session.begin():
            assert await lease.finish(session, now=utcnow())
        return "handled"

    worker = Worker(
        runtime.sessions, handler, runtime.signals, runtime.settings.queue, name="worker-x"
    )
    hotel = runtime.hotels.default_hotel_id
    await runtime.ingest.accept(
        hotel,
        [
            whatsapp_text("wamid.H1", "34611111111", "uno"),
            whatsapp_text("wamid.H2", "34611111111", "dos"),
        ],
    )

    assert await drain(worker) == 2

    assert seen == [("wamid.H1", "worker-x"), ("wamid.H2", "worker-x")]
    async with runtime.sessions() as session:
        states = (await session.scalars(select(InboxEvent.state).order_by(InboxEvent.id))).all()
        messages = await session.scalar(select(func.count()).select_from(Message))
    assert states == ["done", "done"]
    assert messages == 0, "the queue itself writes no transcript"
