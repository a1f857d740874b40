"""A guest's turn through the conversation layer on real databases: what the engine is told,
and what one commit writes (transcript, state, read receipt, replies, handoff and its alert)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import select

from hotel_agent.channels.port import InboundMessage, OutboundMessage
from hotel_agent.conversations.turns import (
    CommittedTurn,
    ConversationTurns,
    LoadedTurn,
    commit_turn,
    load_turn,
)
from hotel_agent.db.models import (
    Conversation,
    ConversationOwner,
    InboxEvent,
    Message,
    OutboxItem,
)
from hotel_agent.db.repositories.inbox import InboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.dialogue.port import TurnOutput
from hotel_agent.inbox.worker import Lease
from hotel_agent.runtime import Runtime
from tests.integration.inbox.helpers import EchoEngine, whatsapp_text
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]
GUEST = "34611111111"


def webchat_text(session_id: str, text: str) -> InboundMessage:
    return InboundMessage(
        channel="webchat",
        provider_message_id=f"{session_id}:{text}",
        sender_id=session_id,
        type="text",
        text=text,
        timestamp=utcnow(),
    )


async def queued(runtime: Runtime, message: InboundMessage) -> InboxEvent:
    [accepted] = await runtime.ingest.accept(runtime.hotels.default_hotel_id, [message])
    async with runtime.sessions() as session:
        event = await session.get(InboxEvent, accepted.event_id)
    assert event is not None
    return event


async def loaded(runtime: Runtime, message: InboundMessage) -> tuple[InboxEvent, LoadedTurn]:
    """Queue the message, and load its turn as the worker would."""
    event = await queued(runtime, message)
    async with runtime.sessions() as session, session.begin():
        return event, await load_turn(session, event, message)


async def committed_turn(
    runtime: Runtime,
    event: InboxEvent,
    message: InboundMessage,
    conversation_id: int,
    output: TurnOutput | None,
) -> CommittedTurn:
    async with runtime.sessions() as session, session.begin():
        return await commit_turn(
            session, event, message, conversation_id, output, alert_staff=True, now=utcnow()
        )


async def claimed(runtime: Runtime, owner: str) -> InboxEvent:
    async with runtime.sessions() as session, session.begin():
        event = await InboxRepository(session).claim_next(
            owner=owner, now=utcnow(), lease=timedelta(minutes=1)
        )
    assert event is not None
    return event


async def test_the_engine_is_told_what_the_channel_proves_and_can_show(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    on_whatsapp = whatsapp_text("wamid.T1", GUEST, "hola")
    on_webchat = webchat_text("browser-session-1", "hello")

    events = [await queued(runtime, on_whatsapp), await queued(runtime, on_webchat)]
    async with runtime.sessions() as session, session.begin():
        whatsapp = await load_turn(session, events[0], on_whatsapp)
        webchat = await load_turn(session, events[1], on_webchat)

    assert whatsapp.bot_answers and webchat.bot_answers
    assert whatsapp.conversation_id != webchat.conversation_id
    assert whatsapp.input.verified_phone == "+34611111111"
    assert whatsapp.input.guest_name == "Ana Ruiz"
    assert whatsapp.input.supports_rich
    assert whatsapp.input.hotel.id == runtime.hotels.default_hotel_id
    assert (whatsapp.input.language, whatsapp.input.state) == (None, {})
    assert webchat.input.verified_phone is None, "anyone can type any number in a web chat"
    assert webchat.input.supports_rich
    assert webchat.input.inline_choices and not whatsapp.input.inline_choices


async def test_one_commit_writes_transcript_state_receipt_and_replies(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(database_url))
    message = whatsapp_text("wamid.T2", GUEST, "hola")
    event, turn = await loaded(runtime, message)
    output = TurnOutput(
        replies=[OutboundMessage(text="¡Hola!"), OutboundMessage(text="¿En qué le ayudo?")],
        state={"asked": "dates"},
        language="es",
    )

    committed = await committed_turn(runtime, event, message, turn.conversation_id, output)

    assert (committed.outcome, committed.handoff) == ("replied", None)
    async with runtime.sessions() as session:
        conversation = await session.get(Conversation, turn.conversation_id)
        messages = (await session.scalars(select(Message).order_by(Message.id))).all()
        outbox = (await session.scalars(select(OutboxItem).order_by(OutboxItem.id))).all()
    assert conversation is not None
    assert (conversation.state, conversation.language) == ({"asked": "dates"}, "es")
    assert conversation.last_inbound_at is not None
    assert [(m.direction, m.author, m.body) for m in messages] == [
        ("in", "guest", "hola"),
        ("out", "bot", "¡Hola!"),
        ("out", "bot", "¿En qué le ayudo?"),
    ]
    assert {m.reply_to_message_id for m in messages[1:]} == {messages[0].id}
    assert [(o.kind, o.recipient) for o in outbox] == [
        ("mark_read", GUEST),
        ("message", GUEST),
        ("message", GUEST),
    ]
    assert [o.message_id for o in outbox[1:]] == [m.id for m in messages[1:]]


async def test_a_handoff_commits_the_owner_and_the_alert_with_the_reply(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    message = webchat_text("browser-session-2", "quiero hablar con una persona")
    event, turn = await loaded(runtime, message)
    output = TurnOutput(
        replies=[OutboundMessage(text="Le paso con recepción.")],
        handoff=True,
        handoff_reason="requested",
    )

    committed = await committed_turn(runtime, event, message, turn.conversation_id, output)

    assert committed.handoff is not None
    assert (committed.handoff.channel, committed.handoff.reason) == ("webchat", "requested")
    async with runtime.sessions() as session:
        conversation = await session.get(Conversation, turn.conversation_id)
        outbox = (await session.scalars(select(OutboxItem).order_by(OutboxItem.id))).all()
    assert conversation is not None
    assert (conversation.owner, conversation.handoff_reason) == ("staff", "requested")
    # No read receipt on the web chat; the alert for staff and the reply.
    assert [(o.kind, o.channel) for o in outbox] == [
        ("alert", "staff_webhook"),
        ("message", "webchat"),
    ]
    assert outbox[0].payload["last_message"] == "quiero hablar con una persona"


async def test_while_staff_own_it_the_message_is_only_recorded(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    _, turn = await loaded(runtime, whatsapp_text("wamid.T3", GUEST, "hola"))
    async with runtime.sessions() as session, session.begin():
        conversation = await session.get(Conversation, turn.conversation_id)
        assert conversation is not None
        conversation.owner = ConversationOwner.STAFF.value
        conversation.state = {"kept": True}
    message = whatsapp_text("wamid.T4", GUEST, "¿siguen ahí?")
    event, again = await loaded(runtime, message)
    assert again.conversation_id == turn.conversation_id
    assert not again.bot_answers

    committed = await committed_turn(runtime, event, message, again.conversation_id, None)

    assert (committed.outcome, committed.handoff) == ("staff_owned", None)
    async with runtime.sessions() as session:
        conversation = await session.get(Conversation, turn.conversation_id)
        messages = (await session.scalars(select(Message))).all()
        kinds = (await session.scalars(select(OutboxItem.kind))).all()
    assert conversation is not None
    assert conversation.state == {"kept": True}
    assert [(m.direction, m.body) for m in messages] == [("in", "¿siguen ahí?")]
    # The guest still sees the message read; staff are told the guest wrote (no reply).
    assert kinds == ["mark_read", "alert"]


async def test_a_turn_whose_lease_was_lost_writes_nothing(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    engine = EchoEngine()
    turns = ConversationTurns(runtime.sessions, engine, runtime.signals)
    await queued(runtime, whatsapp_text("wamid.T5", GUEST, "hola"))
    event = await claimed(runtime, owner="worker-that-took-over")

    outcome = await turns(event, Lease(event.id, owner="worker-whose-lease-expired"))

    assert outcome == "lease_lost"
    assert engine.turns == [(GUEST, "hola")], "the engine ran; its result was dropped"
    async with runtime.sessions() as session:
        assert (await session.scalars(select(Message))).all() == []
        assert (await session.scalars(select(OutboxItem))).all() == []
        fresh = await session.get(InboxEvent, event.id)
    assert fresh is not None
    assert (fresh.state, fresh.lease_owner) == ("processing", "worker-that-took-over")


async def test_the_lease_holder_commits_the_turn(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    turns = ConversationTurns(runtime.sessions, EchoEngine(), runtime.signals)
    await queued(runtime, whatsapp_text("wamid.T6", GUEST, "hola"))
    event = await claimed(runtime, owner="worker-1")

    assert await turns(event, Lease(event.id, owner="worker-1")) == "replied"

    async with runtime.sessions() as session:
        bodies = (await session.scalars(select(Message.body).order_by(Message.id))).all()
        fresh = await session.get(InboxEvent, event.id)
    assert bodies == ["hola", "echo: hola"]
    assert fresh is not None and fresh.state == "done"
