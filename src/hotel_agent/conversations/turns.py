"""A guest's turn: load it, let the dialogue engine think, commit what it decided.

The engine runs outside any transaction; everything the turn decided — the inbound message in
the transcript, the conversation state, the replies and their outbox rows, the booking e-mails,
a handoff and its alert — commits in ONE transaction, and only if the worker still holds the
turn's lease. While staff own the conversation the engine is not asked: the message is only
recorded. A voice note is first turned into text (`voice_notes`), and what came of it saved in
the inbox event, so a retried turn does not transcribe it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.port import InboundMessage, OutboundMessage
from hotel_agent.channels.traits import traits_for
from hotel_agent.conversations.handoff import (
    Handoff,
    announce,
    hand_to_staff,
    queue_alert,
    signal_owner,
)
from hotel_agent.conversations.outbound import (
    guest_email,
    guest_phone,
    queue_email,
    queue_outbound,
    queue_read_receipt,
)
from hotel_agent.conversations.preferences import (
    Preference,
    answer_offer,
    may_answer_offer,
    opt_out,
    preference_of,
)
from hotel_agent.conversations.staff_notices import queue_staff_emails
from hotel_agent.conversations.voice_notes import VoiceNotes, needs_transcript
from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import ConversationEventKind, ConversationOwner, Hotel, InboxEvent
from hotel_agent.db.repositories.conversation_events import ConversationEventRepository
from hotel_agent.db.repositories.conversations import ConversationRepository
from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.db.repositories.inbox import InboxRepository
from hotel_agent.db.repositories.messages import MessageRepository
from hotel_agent.db.repositories.scheduled_messages import ScheduledMessageRepository
from hotel_agent.db.types import utcnow
from hotel_agent.dialogue.port import DialogueEngine, HotelInfo, TurnInput, TurnOutput
from hotel_agent.inbox.signals import Signals
from hotel_agent.inbox.worker import Lease, Worker
from hotel_agent.nlu.language import detect_language
from hotel_agent.settings import ProactiveSettings, QueueSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class LoadedTurn:
    conversation_id: int
    bot_answers: bool  # False while staff own the conversation: the engine is not asked
    input: TurnInput


@dataclass(frozen=True)
class CommittedTurn:
    outcome: str  # replied or staff_owned (the turns metric's label)
    handoff: Handoff | None  # to announce once the transaction has committed


async def load_turn(
    session: AsyncSession, event: InboxEvent, message: InboundMessage
) -> LoadedTurn:
    """The conversation the message belongs to (opened on the guest's first message) and what
    the engine needs to answer it."""
    conversations = ConversationRepository(session)
    hotel = await HotelRepository(session).get(event.hotel_id)
    if hotel is None:
        raise LookupError(f"hotel {event.hotel_id} is gone")
    traits = traits_for(message.channel)
    conversation = await conversations.get_or_create(
        hotel_id=event.hotel_id,
        channel=message.channel,
        external_id=message.sender_id,
        alt_external_id=message.sender_alt_id,
        display_name=message.sender_name,
        # Stored as the provider gives it (the staff views mask it in that form).
        phone=message.sender_id if traits.verified_phone else None,
        language=None,
    )
    guest = await conversations.get_guest(conversation.guest_id)
    turn = TurnInput(
        hotel=HotelInfo(
            id=hotel.id,
            slug=hotel.slug,
            name=hotel.name,
            timezone=hotel.timezone,
            default_language=hotel.default_language,
            knowledge_version=hotel.knowledge_version,
        ),
        conversation_id=conversation.id,
        message=message,
        language=conversation.language,
        state=dict(conversation.state or {}),
        guest_name=guest.display_name if guest else None,
        supports_rich=traits.rich_replies,
        inline_choices=traits.inline_choices,
        verified_phone=guest_phone(message),
        sender_email=guest_email(message),
    )
    return LoadedTurn(
        conversation_id=conversation.id,
        bot_answers=conversation.owner == ConversationOwner.BOT,
        input=turn,
    )


async def commit_turn(
    session: AsyncSession,
    event: InboxEvent,
    message: InboundMessage,
    conversation_id: int,
    output: TurnOutput | None,
    *,
    alert_staff: bool,
    now: datetime,
    staff_emails: Sequence[str] = (),
) -> CommittedTurn:
    """Record the guest's message and what the engine decided, in the caller's transaction.
    `output` None: the engine was not asked (staff own the conversation). `staff_emails`:
    the addresses told by e-mail of a handoff, and of a guest writing again to staff
    (`alert_staff`: so is the webhook)."""
    conversation = await ConversationRepository(session).lock(conversation_id)
    assert conversation is not None
    messages = MessageRepository(session)
    # A burst of guest messages is one thing to tell staff, not one e-mail each.
    guest_spoke_last = await messages.last_is_inbound(conversation_id)
    inbound = await messages.add_inbound(
        conversation_id=conversation_id,
        channel=message.channel,
        type_=message.type,
        body=message.text,
        payload=message.model_dump(
            mode="json",
            include={"choice_id", "media", "location", "reaction_to", "thread", "attachments"},
        ),
        provider_message_id=message.provider_message_id,
        inbox_event_id=event.id,
        created_at=event.received_at,
    )
    if conversation.last_inbound_at is None or message.timestamp > conversation.last_inbound_at:
        conversation.last_inbound_at = message.timestamp
    await session.flush()
    queue_read_receipt(session, conversation, message)
    said = message.text or f"[{message.type}]"
    if output is None or conversation.owner != ConversationOwner.BOT:
        # Staff own it (or took it over while the engine was thinking): the bot is silent,
        # and the engine's state stays as it was.
        if not guest_spoke_last:
            if alert_staff:
                await queue_alert(
                    session,
                    Handoff.of(conversation),
                    hotel_id=event.hotel_id,
                    last_guest_message=said,
                    event="guest_wrote",
                )
            if staff_emails:
                await queue_staff_emails(
                    session,
                    conversation,
                    await _hotel(session, event.hotel_id),
                    staff_emails,
                    "guest_wrote",
                    last_guest_message=said,
                )
        return CommittedTurn("staff_owned", None)
    conversation.state = output.state
    if output.language:
        conversation.language = output.language
    if output.guest_name:
        await _remember_name(session, conversation.guest_id, output.guest_name)
    if output.checked_availability:
        ConversationEventRepository(session).add(
            conversation, ConversationEventKind.AVAILABILITY_CHECKED, now=now
        )
    handoff: Handoff | None = None
    if output.handoff:
        handoff = hand_to_staff(session, conversation, reason=output.handoff_reason, now=now)
        await signal_owner(session, conversation)
        if alert_staff:
            await queue_alert(session, handoff, hotel_id=event.hotel_id, last_guest_message=said)
        await queue_staff_emails(
            session,
            conversation,
            await _hotel(session, event.hotel_id),
            staff_emails,
            "handoff",
            last_guest_message=said,
        )
    for reply in _as_sent(output.replies, message.channel):
        await queue_outbound(
            session,
            conversation,
            reply,
            author="bot",
            recipient=message.sender_id,
            now=now,
            reply_to_message_id=inbound.id,
        )
    for email in output.emails:
        queue_email(session, conversation, email)
    return CommittedTurn("replied", handoff)


async def _hotel(session: AsyncSession, hotel_id: int) -> Hotel:
    hotel = await HotelRepository(session).get(hotel_id)
    if hotel is None:
        raise LookupError(f"hotel {hotel_id} is gone")
    return hotel


async def _remember_name(session: AsyncSession, guest_id: int, name: str) -> None:
    """The name the guest gave, for a guest whose channel gave none (the web chat): staff see
    it in the console and alerts instead of "guest". A channel's name is left as it is."""
    guest = await ConversationRepository(session).get_guest(guest_id)
    if guest is not None and not guest.display_name:
        guest.display_name = name.strip()[:200] or None


def _as_sent(replies: list[OutboundMessage], channel: str) -> list[OutboundMessage]:
    """The replies as the channel sends them: one message of them all where the channel
    wants one per guest message (in its plain-text form: such a channel has no buttons)."""
    if len(replies) < 2 or not traits_for(channel).one_reply_per_message:
        return replies
    return [OutboundMessage(text="\n\n".join(reply.plain_text() for reply in replies))]


class ConversationTurns:
    """The turn handler the inbox worker runs: one guest message, start to commit."""

    def __init__(
        self,
        sessions: SessionFactory,
        dialogue: DialogueEngine,
        signals: Signals,
        *,
        alert_staff: bool = False,
        staff_emails: Sequence[str] = (),
        proactive: ProactiveSettings | None = None,
        voice_notes: VoiceNotes | None = None,
    ) -> None:
        self.sessions = sessions
        self.dialogue = dialogue
        self.signals = signals
        # Queue an alert row on each handoff and guest writing again to staff (webhook set).
        self.alert_staff = alert_staff
        self.staff_emails = tuple(staff_emails)  # e-mailed on handoffs (SMTP set)
        # Set when proactive messages are on: the guest's answers to the offer are handled
        # here (preferences.py), not by the dialogue; so is an opt-out, always.
        self.proactive = proactive
        self.voice_notes = voice_notes

    async def __call__(self, event: InboxEvent, lease: Lease) -> str:
        message = InboundMessage.model_validate(event.payload)
        if self.voice_notes is not None and needs_transcript(message):
            message = await self.voice_notes.transcribe(message)
            async with self.sessions() as session, session.begin():
                saved = await InboxRepository(session).save_payload(
                    event.id, message.model_dump(mode="json"), owner=lease.owner
                )
            if not saved:
                log.warning("turn.lease_lost")
                return "lease_lost"
        async with self.sessions() as session, session.begin():
            loaded = await load_turn(session, event, message)
            offer_open = (
                self.proactive is not None
                and may_answer_offer(message)
                and await ScheduledMessageRepository(session).offer_is_last_word(
                    loaded.conversation_id
                )
            )
        structlog.contextvars.bind_contextvars(conversation_id=loaded.conversation_id)
        preference = preference_of(message, offer_open=offer_open)
        if preference is not Preference.STOP and self.proactive is None:
            preference = None  # the offer's buttons, pressed after the messages were turned off
        language = loaded.input.language or loaded.input.hotel.default_language
        output: TurnOutput | None = None
        if preference is not None:
            # "No more messages" as a first message is answered in English, not the hotel's
            # language (the dialogue, which would tell, is not asked).
            language = detect_language(
                message.text, previous=loaded.input.language, default=language
            )
            # Only the reply matters; the preference's own reply is given below.
            output = TurnOutput(replies=[], state=loaded.input.state, language=language)
        elif loaded.bot_answers:
            output = await self.dialogue.handle(loaded.input)
        now = utcnow()
        async with self.sessions() as session, session.begin():
            if not await lease.finish(session, now=now):
                # Our lease expired and another worker owns the turn now: drop our result.
                await session.rollback()
                log.warning("turn.lease_lost")
                return "lease_lost"
            if preference is not None:
                conversation = await ConversationRepository(session).lock(loaded.conversation_id)
                assert conversation is not None
                if preference is Preference.STOP:
                    reply = await opt_out(session, conversation, language=language, now=now)
                else:
                    assert self.proactive is not None
                    reply = await answer_offer(
                        session, conversation, preference, self.proactive, language=language
                    )
                if loaded.bot_answers:  # with staff answering, they see it and reply
                    assert output is not None
                    output.replies.append(reply)
            committed = await commit_turn(
                session,
                event,
                message,
                loaded.conversation_id,
                output,
                alert_staff=self.alert_staff,
                now=now,
                staff_emails=self.staff_emails,
            )
        if committed.handoff is not None:
            announce(committed.handoff)
        # Staff-owned turns may have queued a read receipt or an e-mail to staff.
        self.signals.wake_outbox()
        return committed.outcome


def turn_worker(
    sessions: SessionFactory,
    dialogue: DialogueEngine,
    signals: Signals,
    settings: QueueSettings,
    *,
    alert_staff: bool = False,
    staff_emails: Sequence[str] = (),
    voice_notes: VoiceNotes | None = None,
    name: str | None = None,
    proactive: ProactiveSettings | None = None,
) -> Worker:
    """An inbox worker that runs guest turns through `dialogue` (voice notes heard through
    `voice_notes` first)."""
    turns = ConversationTurns(
        sessions,
        dialogue,
        signals,
        alert_staff=alert_staff,
        staff_emails=staff_emails,
        proactive=proactive,
        voice_notes=voice_notes,
    )
    return Worker(sessions, turns, signals, settings, name=name)
