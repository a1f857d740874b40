"""The worker: runs one dialogue turn at a time per conversation, in arrival order.

A turn is claimed with a lease (short transaction), the dialogue engine runs outside any
transaction, and everything the turn decided — the inbound message in the transcript, the
conversation state, the replies and their outbox rows — commits in ONE transaction, and only
if this worker still holds the lease. A worker that dies leaves a lease that expires, and the
turn is run again by another worker.

When the engine hands the conversation over, the same transaction makes staff its owner and,
with a staff webhook configured, queues the alert for staff.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

import structlog

from hotel_agent.backoff import next_attempt_at
from hotel_agent.channels.port import InboundMessage
from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import ConversationOwner, InboxEvent, OutboxKind
from hotel_agent.db.repositories.conversations import ConversationRepository
from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.db.repositories.inbox import InboxRepository
from hotel_agent.db.repositories.messages import MessageRepository
from hotel_agent.db.repositories.outbox import OutboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.dialogue.port import DialogueEngine, HotelInfo, TurnInput, TurnOutput
from hotel_agent.inbox.signals import Signals, wait_event
from hotel_agent.observability.metrics import DEAD_LETTERS, TURN_SECONDS, TURNS
from hotel_agent.settings import QueueSettings
from hotel_agent.staff.handoff import Handoff, announce, hand_to_staff, queue_alert

log = structlog.get_logger(__name__)

RICH_CHANNELS = frozenset({"whatsapp", "webchat"})
READ_RECEIPT_CHANNELS = frozenset({"whatsapp"})


class Worker:
    def __init__(
        self,
        sessions: SessionFactory,
        engine: DialogueEngine,
        signals: Signals,
        settings: QueueSettings,
        *,
        name: str | None = None,
        alert_staff: bool = False,
    ) -> None:
        self.sessions = sessions
        self.engine = engine
        self.signals = signals
        self.settings = settings
        self.name = name or f"worker-{uuid.uuid4().hex[:12]}"
        self.alert_staff = alert_staff  # queue an alert row on each handoff (webhook set)
        self.lease = timedelta(seconds=settings.lease_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        log.info("worker.started", worker=self.name)
        while not stop.is_set():
            try:
                worked = await self.process_next()
            except Exception:
                # A database outage must not kill the loop: wait and try again.
                log.exception("worker.loop_error", worker=self.name)
                worked = False
            if not worked:
                await wait_event(self.signals.inbox, self.settings.poll_interval_seconds)
        log.info("worker.stopped", worker=self.name)

    async def process_next(self) -> bool:
        """Claim and run one turn. False when nothing was claimable."""
        now = utcnow()
        async with self.sessions() as session, session.begin():
            inbox = InboxRepository(session)
            event = await inbox.claim_next(owner=self.name, now=now, lease=self.lease)
            if event is None:
                return False
            if event.attempts > self.settings.max_inbound_attempts:
                await inbox.dead_letter(
                    event, reason="too_many_attempts", detail=event.last_error or ""
                )
                DEAD_LETTERS.labels("inbox", event.channel, "too_many_attempts").inc()
                log.error("turn.dead_lettered", inbox_event_id=event.id)
                return True
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(inbox_event_id=event.id, conversation_id=None):
            try:
                outcome = await self._run_turn(event)
            except Exception as exc:
                outcome = "failed"
                log.exception("turn.failed", attempts=event.attempts)
                await self._retry_later(event, repr(exc))
        TURNS.labels(outcome).inc()
        TURN_SECONDS.observe(time.perf_counter() - started)
        await self.signals.turn_finished()
        return True

    async def _run_turn(self, event: InboxEvent) -> str:
        message = InboundMessage.model_validate(event.payload)
        async with self.sessions() as session, session.begin():
            conversations = ConversationRepository(session)
            hotel = await HotelRepository(session).get(event.hotel_id)
            if hotel is None:
                raise LookupError(f"hotel {event.hotel_id} is gone")
            conversation = await conversations.get_or_create(
                hotel_id=event.hotel_id,
                channel=message.channel,
                external_id=message.sender_id,
                alt_external_id=message.sender_alt_id,
                display_name=message.sender_name,
                phone=message.sender_id if message.channel == "whatsapp" else None,
                language=None,
            )
            guest = await conversations.get_guest(conversation.guest_id)
            hotel_info = HotelInfo(
                id=hotel.id,
                slug=hotel.slug,
                name=hotel.name,
                timezone=hotel.timezone,
                default_language=hotel.default_language,
            )
            conversation_id = conversation.id
            owner = conversation.owner
            turn = TurnInput(
                hotel=hotel_info,
                conversation_id=conversation.id,
                message=message,
                language=conversation.language,
                state=dict(conversation.state or {}),
                guest_name=guest.display_name if guest else None,
                supports_rich=message.channel in RICH_CHANNELS,
                verified_phone=(
                    "+" + message.sender_id.lstrip("+") if message.channel == "whatsapp" else None
                ),
            )
        structlog.contextvars.bind_contextvars(conversation_id=conversation_id)
        output: TurnOutput | None = None
        if owner == ConversationOwner.BOT:
            output = await self.engine.handle(turn)
        return await self._commit_turn(event, message, conversation_id, output)

    async def _commit_turn(
        self,
        event: InboxEvent,
        message: InboundMessage,
        conversation_id: int,
        output: TurnOutput | None,
    ) -> str:
        now = utcnow()
        handoff: Handoff | None = None
        async with self.sessions() as session, session.begin():
            if not await InboxRepository(session).finish(event.id, owner=self.name, now=now):
                # Our lease expired and another worker owns the turn now: drop our result.
                await session.rollback()
                log.warning("turn.lease_lost")
                return "lease_lost"
            conversation = await ConversationRepository(session).lock(conversation_id)
            assert conversation is not None
            messages = MessageRepository(session)
            outbox = OutboxRepository(session)
            inbound = messages.add_inbound(
                conversation_id=conversation_id,
                channel=message.channel,
                type_=message.type,
                body=message.text,
                payload=message.model_dump(
                    mode="json", include={"choice_id", "media", "location", "reaction_to"}
                ),
                provider_message_id=message.provider_message_id,
                inbox_event_id=event.id,
                created_at=event.received_at,
            )
            if (
                conversation.last_inbound_at is None
                or message.timestamp > conversation.last_inbound_at
            ):
                conversation.last_inbound_at = message.timestamp
            await session.flush()
            if message.channel in READ_RECEIPT_CHANNELS:
                outbox.add(
                    kind=OutboxKind.MARK_READ,
                    channel=message.channel,
                    hotel_id=event.hotel_id,
                    conversation_id=conversation_id,
                    recipient=message.sender_id,
                    payload={"provider_message_id": message.provider_message_id},
                )
            if output is None or conversation.owner != ConversationOwner.BOT:
                # Staff own it (or took it over while the engine was thinking): the bot is
                # silent, and the engine's state stays as it was.
                return "staff_owned"
            conversation.state = output.state
            if output.language:
                conversation.language = output.language
            if output.handoff:
                handoff = hand_to_staff(conversation, reason=output.handoff_reason, now=now)
                if self.alert_staff:
                    await queue_alert(
                        session,
                        handoff,
                        hotel_id=event.hotel_id,
                        last_guest_message=message.text or f"[{message.type}]",
                    )
            for reply in output.replies:
                out = messages.add_outbound(
                    conversation_id=conversation_id,
                    channel=message.channel,
                    type_=reply.type,
                    body=reply.text,
                    payload=reply.model_dump(mode="json", exclude={"text"}),
                    author="bot",
                    reply_to_message_id=inbound.id,
                    created_at=now,
                )
                await session.flush()
                outbox.add(
                    kind=OutboxKind.MESSAGE,
                    channel=message.channel,
                    hotel_id=event.hotel_id,
                    conversation_id=conversation_id,
                    recipient=message.sender_id,
                    message_id=out.id,
                )
        if handoff is not None:
            announce(handoff)
        self.signals.wake_outbox()
        return "replied"

    async def _retry_later(self, event: InboxEvent, error: str) -> None:
        now = utcnow()
        when = next_attempt_at(
            now,
            event.attempts,
            base=self.settings.retry_base_seconds,
            cap=self.settings.retry_max_seconds,
        )
        try:
            async with self.sessions() as session, session.begin():
                await InboxRepository(session).retry_later(
                    event.id, owner=self.name, available_at=when, error=error
                )
        except Exception:
            # The lease will expire and the turn will be retried anyway.
            log.exception("turn.retry_schedule_failed")
