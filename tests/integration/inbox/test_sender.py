"""The sender on real databases: retries, dead letters, the reply window, order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import select

from hotel_agent.channels.port import SendError
from hotel_agent.conversations.turns import turn_worker
from hotel_agent.db.models import Conversation, DeadLetter, Message, OutboxItem
from hotel_agent.db.types import utcnow
from hotel_agent.inbox.sender import Sender
from hotel_agent.runtime import Runtime
from tests.fakes.collecting_channel import CollectingChannel
from tests.integration.inbox.helpers import EchoEngine, whatsapp_text
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


async def setup(
    url: str, make_runtime: MakeRuntime, texts: list[str], **queue: float
) -> tuple[Runtime, CollectingChannel, Sender]:
    channel = CollectingChannel()
    settings = make_settings(url, queue={"retry_base_seconds": 0.001, **queue})
    engine = EchoEngine()
    runtime = await make_runtime(settings, dialogue=engine, channels={"whatsapp": channel})
    hotel = runtime.hotels.default_hotel_id
    for n, text in enumerate(texts):
        await runtime.ingest.accept(hotel, [whatsapp_text(f"wamid.IN{n}", "34611111111", text)])
    worker = turn_worker(runtime.sessions, engine, runtime.signals, settings.queue)
    while await worker.process_next():
        pass
    return (
        runtime,
        channel,
        Sender(runtime.sessions, runtime.channels, runtime.signals, settings.queue),
    )


async def send_all(sender: Sender, rounds: int = 50) -> None:
    import asyncio

    for _ in range(rounds):
        if not await sender.send_next():
            await asyncio.sleep(0.005)


async def test_replies_go_out_in_order_with_provider_ids(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, channel, sender = await setup(database_url, make_runtime, ["uno", "dos", "tres"])

    await send_all(sender)

    assert [m.text for _, m in channel.sent] == ["echo: uno", "echo: dos", "echo: tres"]
    assert {r for r, _ in channel.sent} == {"34611111111"}
    assert channel.read == ["wamid.IN0", "wamid.IN1", "wamid.IN2"]
    async with runtime.sessions() as session:
        out = (
            await session.scalars(
                select(Message).where(Message.direction == "out").order_by(Message.id)
            )
        ).all()
    assert [m.status for m in out] == ["sent"] * 3
    assert all(
        m.provider_message_id and m.provider_message_id.startswith("wamid.TEST") for m in out
    )


async def test_transient_errors_are_retried_until_sent(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, channel, sender = await setup(database_url, make_runtime, ["hola"])
    channel.failures = [
        SendError("network", retryable=True),
        SendError("rate_limited", retryable=True, code=130429),
    ]

    await send_all(sender)

    assert [m.text for _, m in channel.sent] == ["echo: hola"]
    async with runtime.sessions() as session:
        item = await session.scalar(select(OutboxItem).where(OutboxItem.kind == "message"))
        dead = (await session.scalars(select(DeadLetter))).all()
    assert item is not None and item.state == "sent" and item.attempts == 3
    assert dead == []


async def test_permanent_errors_are_dead_lettered_with_the_reason(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, channel, sender = await setup(database_url, make_runtime, ["hola", "otra"])
    channel.failures = [SendError("token_expired", retryable=False, code=190, detail="expired")]

    await send_all(sender)

    # The first reply is dead; the conversation is not stuck behind it.
    assert [m.text for _, m in channel.sent] == ["echo: otra"]
    async with runtime.sessions() as session:
        dead = (await session.scalars(select(DeadLetter))).all()
        first = await session.scalar(select(Message).where(Message.body == "echo: hola"))
    assert [(d.source, d.reason, d.error_code) for d in dead] == [("outbox", "token_expired", 190)]
    assert first is not None and first.status == "dead" and first.error_code == 190


async def test_retries_stop_after_the_configured_attempts(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, channel, sender = await setup(
        database_url, make_runtime, ["hola"], max_send_attempts=3
    )
    channel.failures = [SendError("server_error", retryable=True, code=500)] * 5

    await send_all(sender)

    assert channel.sent == []
    async with runtime.sessions() as session:
        dead = (await session.scalars(select(DeadLetter))).all()
    assert [d.reason for d in dead] == ["server_error"]


async def test_an_outage_longer_than_the_old_eight_attempts_loses_nothing(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    # Issue 9: 8 attempts with a 1 s base dead-lettered replies after a one-minute outage.
    runtime, channel, sender = await setup(
        database_url, make_runtime, ["uno", "dos"], retry_max_seconds=0.005
    )
    channel.failures = [SendError("server_error", retryable=True, code=500)] * 30

    for _ in range(40):  # up to 400 rounds, stopping once both are out (each round queries)
        await send_all(sender, rounds=10)
        if len(channel.sent) == 2:
            break

    assert [m.text for _, m in channel.sent] == ["echo: uno", "echo: dos"], "order kept"
    async with runtime.sessions() as session:
        dead = (await session.scalars(select(DeadLetter))).all()
    assert dead == []


async def test_a_provider_outage_holds_the_whole_channel_not_just_the_failed_row(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, channel, sender = await setup(
        database_url, make_runtime, ["uno"], retry_base_seconds=600, retry_max_seconds=600
    )
    hotel = runtime.hotels.default_hotel_id
    other = whatsapp_text("wamid.OTHER", "34622222222", "hola")
    await runtime.ingest.accept(hotel, [other])
    worker = turn_worker(runtime.sessions, EchoEngine(), runtime.signals, runtime.settings.queue)
    while await worker.process_next():
        pass
    channel.failures = [SendError("server_error", retryable=True, code=500)]

    await send_all(sender, rounds=5)

    # One send failed; the backoff holds every pending send of the channel (other guest's
    # reply and read receipts too) instead of each one probing the provider.
    assert channel.sent == [] and channel.read == ["wamid.IN0"]  # sent before the outage
    async with runtime.sessions() as session:
        items = (await session.scalars(select(OutboxItem).where(OutboxItem.state != "sent"))).all()
    assert len(items) == 3 and {i.state for i in items} == {"pending"}
    assert sum(i.attempts for i in items) == 1
    assert min(i.available_at for i in items) > utcnow() + timedelta(seconds=200)


async def test_retries_stop_when_the_time_budget_is_spent(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, channel, sender = await setup(database_url, make_runtime, ["hola"], send_retry_hours=6)
    async with runtime.sessions() as session, session.begin():
        for item in (await session.scalars(select(OutboxItem))).all():
            item.created_at = utcnow() - timedelta(hours=6, minutes=1)
    channel.failures = [SendError("server_error", retryable=True, code=500)]

    await send_all(sender)

    assert channel.sent == []
    async with runtime.sessions() as session:
        dead = (await session.scalars(select(DeadLetter))).all()
    assert [d.reason for d in dead] == ["server_error"]


async def test_nothing_free_form_is_sent_outside_the_24_hour_window(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, channel, sender = await setup(database_url, make_runtime, ["hola"])
    async with runtime.sessions() as session, session.begin():
        conversation = await session.scalar(select(Conversation))
        assert conversation is not None
        conversation.last_inbound_at = utcnow() - timedelta(hours=25)

    await send_all(sender)

    assert channel.sent == []
    async with runtime.sessions() as session:
        dead = (await session.scalars(select(DeadLetter))).all()
        reply = await session.scalar(select(Message).where(Message.direction == "out"))
    assert [d.reason for d in dead] == ["outside_window"]
    assert reply is not None and reply.status == "dead"


async def test_one_claim_sends_several_conversations_but_never_two_of_one(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    channel = CollectingChannel()
    settings = make_settings(database_url)
    engine = EchoEngine()
    runtime = await make_runtime(settings, dialogue=engine, channels={"whatsapp": channel})
    hotel = runtime.hotels.default_hotel_id
    guests = ["34611111111", "34622222222", "34633333333"]
    for n, guest in enumerate(guests):
        await runtime.ingest.accept(hotel, [whatsapp_text(f"wamid.A{n}", guest, f"hola {n}")])
    await runtime.ingest.accept(hotel, [whatsapp_text("wamid.B0", guests[0], "otra vez")])
    worker = turn_worker(runtime.sessions, engine, runtime.signals, settings.queue)
    while await worker.process_next():
        pass
    sender = Sender(runtime.sessions, runtime.channels, runtime.signals, settings.queue)

    assert await sender.send_next()

    # One claim: the first reply of each guest, never the first guest's second reply before
    # its first one is sent.
    assert sorted(m.text for _, m in channel.sent) == [
        "echo: hola 0",
        "echo: hola 1",
        "echo: hola 2",
    ]
    await send_all(sender)
    first_guest = [m.text for to, m in channel.sent if to == guests[0]]
    assert first_guest == ["echo: hola 0", "echo: otra vez"]
