"""The retention job: old transcripts, handled raw payloads, dead letters and idle
conversations' collected details go; recent data and unhandled messages stay."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import func, select

from hotel_agent.db.models import (
    Conversation,
    DeadLetter,
    InboxEvent,
    Message,
    OutboxItem,
    OutboxKind,
)
from hotel_agent.db.repositories.outbox import OutboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.privacy.retention import retention_loop, run_retention
from hotel_agent.runtime import Runtime
from hotel_agent.settings import RetentionSettings
from tests.integration.privacy.seed import seed_guest
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]
POLICY = RetentionSettings(_env_file=None, messages_days=365, inbox_days=30)


async def counts(runtime: Runtime) -> dict[str, int]:
    async with runtime.sessions() as session:
        return {
            model.__tablename__: int(
                await session.scalar(select(func.count()).select_from(model)) or 0
            )
            for model in (Message, InboxEvent, DeadLetter)
        }


async def test_old_data_goes_recent_data_stays(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(database_url))
    hotel = runtime.hotels.default_hotel_id
    old = await seed_guest(runtime.sessions, hotel, age=timedelta(days=400))
    # 40 days old: its transcript is kept (365 days), its handled payload is not (30 days).
    await seed_guest(
        runtime.sessions, hotel, wa_id="34622222222", reference="HS-2", age=timedelta(days=40)
    )
    # Old but never handled: the worker still needs it.
    await seed_guest(
        runtime.sessions,
        hotel,
        wa_id="34633333333",
        reference="HS-3",
        age=timedelta(days=400),
        handled=False,
    )

    done = await run_retention(runtime.sessions, POLICY)

    assert done == {
        "messages": 4,
        "conversation_states": 2,
        "inbox_payloads": 2,
        "sent_emails": 0,
        "dead_letters": 2,
    }
    assert await counts(runtime) == {"messages": 2, "inbox_events": 1, "dead_letters": 1}
    async with runtime.sessions() as session:
        state = await session.scalar(
            select(Conversation.state).where(Conversation.id == old.conversation_id)
        )
        pending = await session.scalar(select(InboxEvent.state))
        latest = dict(
            (await session.execute(select(Conversation.id, Conversation.last_message_id))).all()
        )
        kept = dict(
            (
                await session.execute(
                    select(Message.conversation_id, func.max(Message.id)).group_by(
                        Message.conversation_id
                    )
                )
            ).all()
        )
    assert state == {}, "the collected name and e-mail of an idle conversation are cleared"
    # The inbox lists a conversation whose transcript went as one without a message (last).
    assert latest[old.conversation_id] == 0
    assert latest == {c: kept.get(c, 0) for c in latest}
    assert pending == "pending"
    assert await run_retention(runtime.sessions, POLICY) == dict.fromkeys(done, 0), "idempotent"


async def test_zero_days_keeps_forever(sqlite_url: str, make_runtime: MakeRuntime) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    await seed_guest(runtime.sessions, runtime.hotels.default_hotel_id, age=timedelta(days=4000))
    keep = RetentionSettings(_env_file=None, messages_days=0, inbox_days=0)
    assert await run_retention(runtime.sessions, keep) == {}
    assert await counts(runtime) == {"messages": 2, "inbox_events": 1, "dead_letters": 1}


async def test_workers_run_the_job_periodically(sqlite_url: str, make_runtime: MakeRuntime) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    await seed_guest(runtime.sessions, runtime.hotels.default_hotel_id, age=timedelta(days=400))
    often = RetentionSettings(_env_file=None, interval_hours=0.0001)  # every 0.36 s
    stop = asyncio.Event()
    loop = asyncio.create_task(retention_loop(runtime.sessions, often, stop))
    try:
        gone = {"messages": 0, "inbox_events": 0, "dead_letters": 0}
        # Each kind of data goes in its own transaction: wait for all of them, not the first.
        for _ in range(200):
            if await counts(runtime) == gone:
                break
            await asyncio.sleep(0.05)
        assert await counts(runtime) == gone
    finally:
        stop.set()
        await asyncio.wait_for(loop, timeout=5)


async def test_sent_booking_emails_go_with_the_transcripts(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    hotel = runtime.hotels.default_hotel_id
    seeded = await seed_guest(runtime.sessions, hotel, age=timedelta(days=10))
    now = utcnow()
    async with runtime.sessions() as session, session.begin():
        # "discarded": a dead e-mail staff chose in the console never to send.
        old = ((400, "sent"), (400, "dead"), (400, "discarded"), (400, "pending"))
        for age, state in (*old, (10, "sent")):
            row = OutboxRepository(session).add(
                kind=OutboxKind.EMAIL,
                channel="email",
                hotel_id=hotel,
                conversation_id=seeded.conversation_id,
                recipient="ana@example.com",
                payload={"to": "ana@example.com", "subject": "Reserva confirmada"},
            )
            row.state, row.created_at = state, now - timedelta(days=age)

    done = await run_retention(runtime.sessions, POLICY)

    assert done["sent_emails"] == 3
    async with runtime.sessions() as session:
        left = await session.scalars(
            select(OutboxItem.state).where(OutboxItem.kind == OutboxKind.EMAIL)
        )
        assert sorted(left) == ["pending", "sent"], "unsent and recent e-mails stay"
