"""Messages the agent sends unprompted: the offer after a booking, the pre-arrival message and
the post-stay thanks (docs/whatsapp-templates.md).

Workers run `ProactiveMessages.run` beside the turn workers. Each round, in transactions of its
own: confirmed bookings of WhatsApp guests never asked get the offer (preferences.py records
the answer); then due messages are claimed (row locks; PostgreSQL skips rows another worker
holds) and queued in the outbox IN THE SAME TRANSACTION that marks them sent. So a message is
queued once whatever restarts or runs twice, and nothing is sent to a guest who opted out or
about a booking that was cancelled. Outside the 24-hour window the hotel's approved template
for the purpose is sent; without one the row fails with the reason, for staff to see.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from datetime import datetime, timedelta

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.port import Button, Channel, OutboundMessage, reply_window_closed
from hotel_agent.conversations.outbound import guest_address, queue_outbound
from hotel_agent.conversations.preferences import OFFER_NO, OFFER_YES, due_time, hotel_today
from hotel_agent.conversations.templates import MissingTemplate, guest_language, template_message
from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import (
    BookingRecord,
    BookingRecordStatus,
    Conversation,
    Guest,
    Hotel,
    Message,
    ScheduledKind,
    ScheduledMessage,
    ScheduledStatus,
)
from hotel_agent.db.repositories.scheduled_messages import ScheduledMessageRepository
from hotel_agent.db.types import utcnow
from hotel_agent.dialogue.responses import say_for
from hotel_agent.inbox.signals import Signals
from hotel_agent.knowledge import HotelKnowledge
from hotel_agent.knowledge.templates import TemplatePurpose
from hotel_agent.settings import ProactiveSettings

log = structlog.get_logger(__name__)
BATCH = 20
# A due time later than this (the booking's dates changed) moves the message, unsent.
_EARLY = timedelta(minutes=5)
_PURPOSE = {
    ScheduledKind.PRE_ARRIVAL: TemplatePurpose.PRE_ARRIVAL,
    ScheduledKind.POST_STAY: TemplatePurpose.POST_STAY,
}


class ProactiveMessages:
    def __init__(
        self,
        sessions: SessionFactory,
        channels: Mapping[str, Channel],
        signals: Signals,
        settings: ProactiveSettings,
        knowledge: HotelKnowledge,
    ) -> None:
        self.sessions = sessions
        self.channels = channels
        self.signals = signals
        self.settings = settings
        self.knowledge = knowledge

    async def run(self, stop: asyncio.Event) -> None:
        log.info("proactive.started")
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("proactive.loop_error")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.settings.poll_seconds)
        log.info("proactive.stopped")

    async def run_once(self, now: datetime | None = None) -> int:
        """One round: offers, then due messages. How many messages were queued."""
        now = now or utcnow()
        queued = await self.offer_new(now) + await self.send_due(now)
        if queued:
            self.signals.wake_outbox()
        return queued

    async def offer_new(self, now: datetime) -> int:
        """Ask the guests of newly confirmed bookings (on channels with a reply window, i.e.
        WhatsApp) whether they want the messages."""
        channels = [n for n, c in self.channels.items() if c.reply_window_seconds is not None]
        if not channels:
            return 0
        try:
            async with self.sessions() as session, session.begin():
                return await self._offer(session, channels, now)
        except IntegrityError:
            # Another worker offered the same booking first; its offer stands.
            log.info("proactive.offer_raced")
            return 0

    async def _offer(self, session: AsyncSession, channels: list[str], now: datetime) -> int:
        scheduled = ScheduledMessageRepository(session)
        today = now.date() - timedelta(days=1)  # any time zone's today is on or after this
        found = await scheduled.bookings_to_offer(channels=channels, today=today, limit=BATCH)
        queued = 0
        for booking, conversation in found:
            status, message_id = ScheduledStatus.SKIPPED, None
            window = self.channels[conversation.channel]
            if not reply_window_closed(window, conversation.last_inbound_at, now):
                say = say_for(await guest_language(session, conversation))
                offer = OutboundMessage(
                    text=say("proactive.offer"),
                    buttons=[
                        Button(id=OFFER_YES, title=say("proactive.button_yes")),
                        Button(id=OFFER_NO, title=say("proactive.button_no")),
                    ],
                )
                message = await self._queue(session, conversation, offer, now)
                status, message_id, queued = ScheduledStatus.ASKED, message.id, queued + 1
            scheduled.add(
                booking=booking,
                conversation_id=conversation.id,
                kind=ScheduledKind.OFFER,
                status=status,
                due_at=now,
                message_id=message_id,
            )
            await session.flush()
        return queued

    async def send_due(self, now: datetime) -> int:
        async with self.sessions() as session, session.begin():
            scheduled = ScheduledMessageRepository(session)
            queued = 0
            for row in await scheduled.claim_due(now, BATCH):
                with structlog.contextvars.bound_contextvars(
                    scheduled_id=row.id, conversation_id=row.conversation_id
                ):
                    queued += await self._send(session, scheduled, row, now)
            return queued

    async def _send(
        self,
        session: AsyncSession,
        scheduled: ScheduledMessageRepository,
        row: ScheduledMessage,
        now: datetime,
    ) -> int:
        kind = ScheduledKind(row.kind)
        booking = await scheduled.booking(row.booking_record_id)
        conversation = await session.get(Conversation, row.conversation_id)
        # Deleting the booking or the conversation deletes the row (cascades).
        assert booking is not None
        assert conversation is not None
        guest = await session.get(Guest, conversation.guest_id)
        hotel = await session.get(Hotel, conversation.hotel_id)
        if guest is not None and guest.messages_opt_out_at is not None:
            return await _finish(scheduled, row, ScheduledStatus.CANCELLED, "the guest opted out")
        if booking.status != BookingRecordStatus.CONFIRMED:
            return await _finish(
                scheduled, row, ScheduledStatus.CANCELLED, f"the booking is {booking.status}"
            )
        due = due_time(kind, booking, hotel.timezone if hotel else "UTC", self.settings)
        if due > now + _EARLY:
            row.due_at = due  # the stay moved: so does its message
            return 0
        if kind == ScheduledKind.PRE_ARRIVAL and booking.check_in < hotel_today(hotel, now):
            return await _finish(scheduled, row, ScheduledStatus.SKIPPED, "the stay has begun")
        channel = self.channels.get(conversation.channel)
        if channel is None:
            return await _finish(
                scheduled, row, ScheduledStatus.FAILED, f"{conversation.channel} not configured"
            )
        try:
            content = await self._content(session, conversation, booking, kind, channel, now)
        except MissingTemplate as missing:
            log.warning("proactive.no_template", purpose=missing.purpose, language=missing.language)
            return await _finish(scheduled, row, ScheduledStatus.FAILED, missing.detail)
        if content is None:
            detail = "no review_url in the knowledge file"
            return await _finish(scheduled, row, ScheduledStatus.FAILED, detail)
        if not await scheduled.finish(row, ScheduledStatus.SENT):
            return 0  # another round sent it
        message = await self._queue(session, conversation, content, now)
        row.message_id = message.id
        log.info("proactive.queued", kind=kind, template=content.template is not None)
        return 1

    async def _content(
        self,
        session: AsyncSession,
        conversation: Conversation,
        booking: BookingRecord,
        kind: ScheduledKind,
        channel: Channel,
        now: datetime,
    ) -> OutboundMessage | None:
        """The message: free-form within the window, else the hotel's template (raises
        MissingTemplate); None when the post-stay thanks has no review link to give."""
        language = await guest_language(session, conversation)
        say = say_for(language)
        knowledge = self.knowledge
        hotel = await session.get(Hotel, conversation.hotel_id)
        values = {
            "guest_name": booking.guest_name.split()[0] if booking.guest_name.strip() else "",
            "hotel": hotel.name if hotel else (knowledge.hotel_name or ""),
            "arrival_date": say.day(booking.check_in, today=hotel_today(hotel, now)),
            "reference": booking.reference or "",
            "check_in": knowledge.answer("check_in", language) or "",
            "directions": knowledge.answer("location", language) or "",
            "review_url": knowledge.review_url or "",
        }
        if kind == ScheduledKind.POST_STAY and not knowledge.review_url:
            return None
        if reply_window_closed(channel, conversation.last_inbound_at, now):
            filled = {name: value for name, value in values.items() if value}
            return await template_message(
                session, conversation, knowledge.templates, _PURPOSE[kind], filled
            )
        return OutboundMessage(text=say(f"proactive.{kind}", **values))

    async def _queue(
        self,
        session: AsyncSession,
        conversation: Conversation,
        content: OutboundMessage,
        now: datetime,
    ) -> Message:
        message = await queue_outbound(
            session,
            conversation,
            content,
            author="bot",
            recipient=await guest_address(session, conversation),
            now=now,
        )
        await session.flush()
        return message


async def _finish(
    scheduled: ScheduledMessageRepository,
    row: ScheduledMessage,
    status: ScheduledStatus,
    detail: str,
) -> int:
    await scheduled.finish(row, status, detail=detail)
    log.info("proactive.not_sent", status=status, detail=detail)
    return 0
