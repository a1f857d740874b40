"""Scheduled messages (pre-arrival, post-stay, the offer after booking) and guests' opt-outs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import (
    BookingRecord,
    BookingRecordStatus,
    Conversation,
    DeadLetter,
    Direction,
    Guest,
    Message,
    OutboxItem,
    QueueState,
    ScheduledKind,
    ScheduledMessage,
    ScheduledStatus,
)


class ScheduledMessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def bookings_to_offer(
        self, *, channels: Sequence[str], today: date, limit: int
    ) -> Sequence[tuple[BookingRecord, Conversation]]:
        """Confirmed bookings of guests on `channels` who were never asked (no offer row), whose
        stay has not ended, whose guest has not opted out, and whose confirmation reply is
        already in the transcript (the offer must come after it)."""
        offered = exists().where(
            ScheduledMessage.booking_record_id == BookingRecord.id,
            ScheduledMessage.kind == ScheduledKind.OFFER,
        )
        confirmed_reply = exists().where(
            Message.conversation_id == BookingRecord.conversation_id,
            Message.author == "bot",
            Message.created_at >= BookingRecord.updated_at,
        )
        result = await self.session.execute(
            select(BookingRecord, Conversation)
            .join(Conversation, Conversation.id == BookingRecord.conversation_id)
            .join(Guest, Guest.id == Conversation.guest_id)
            .where(
                BookingRecord.status == BookingRecordStatus.CONFIRMED,
                BookingRecord.check_out >= today,
                Conversation.channel.in_(channels),
                Guest.messages_opt_out_at.is_(None),
                ~offered,
                confirmed_reply,
            )
            .order_by(BookingRecord.id)
            .limit(limit)
        )
        return [(booking, conversation) for booking, conversation in result.all()]

    def add(
        self,
        *,
        booking: BookingRecord,
        conversation_id: int,
        kind: ScheduledKind,
        status: ScheduledStatus,
        due_at: datetime,
        message_id: int | None = None,
        detail: str | None = None,
    ) -> ScheduledMessage:
        row = ScheduledMessage(
            hotel_id=booking.hotel_id,
            booking_record_id=booking.id,
            conversation_id=conversation_id,
            kind=kind,
            status=status,
            due_at=due_at,
            message_id=message_id,
            detail=detail,
        )
        self.session.add(row)
        return row

    async def open_offers(self, conversation_id: int) -> Sequence[ScheduledMessage]:
        """Offers sent in the conversation that the guest has not answered yet."""
        result = await self.session.scalars(
            select(ScheduledMessage).where(
                ScheduledMessage.conversation_id == conversation_id,
                ScheduledMessage.kind == ScheduledKind.OFFER,
                ScheduledMessage.status == ScheduledStatus.ASKED,
            )
        )
        return result.all()

    async def offer_is_last_word(self, conversation_id: int) -> bool:
        """Whether an unanswered offer is the agent's last message in the conversation (a
        typed "yes" then answers it; after anything the agent said since, it means that)."""
        last_bot = (
            select(func.max(Message.id))
            .where(
                Message.conversation_id == conversation_id,
                Message.direction == Direction.OUTBOUND.value,
                Message.author == "bot",
            )
            .scalar_subquery()
        )
        found = await self.session.scalar(
            select(
                exists().where(
                    ScheduledMessage.conversation_id == conversation_id,
                    ScheduledMessage.kind == ScheduledKind.OFFER,
                    ScheduledMessage.status == ScheduledStatus.ASKED,
                    ScheduledMessage.message_id == last_bot,
                )
            )
        )
        return bool(found)

    async def booking(self, booking_record_id: int) -> BookingRecord | None:
        return await self.session.get(BookingRecord, booking_record_id)

    async def claim_due(self, now: datetime, limit: int) -> Sequence[ScheduledMessage]:
        """Pending messages due by `now`, locked (PostgreSQL: skipping rows another worker
        holds) until the caller's transaction ends."""
        result = await self.session.scalars(
            select(ScheduledMessage)
            .where(
                ScheduledMessage.status == ScheduledStatus.PENDING,
                ScheduledMessage.due_at <= now,
            )
            .order_by(ScheduledMessage.due_at, ScheduledMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return result.all()

    async def finish(
        self,
        row: ScheduledMessage,
        status: ScheduledStatus,
        *,
        message_id: int | None = None,
        detail: str | None = None,
    ) -> bool:
        """Move a pending row to `status`; False when it was no longer pending (another run
        finished it first), and then the caller must not send anything."""
        result = await self.session.execute(
            update(ScheduledMessage)
            .where(
                ScheduledMessage.id == row.id,
                ScheduledMessage.status == ScheduledStatus.PENDING,
            )
            .values(status=status, message_id=message_id, detail=detail)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def opt_out(self, guest_id: int, now: datetime) -> int:
        """Record the guest's opt-out and cancel what was scheduled for them; how many."""
        guest = await self.session.get(Guest, guest_id)
        if guest is not None and guest.messages_opt_out_at is None:
            guest.messages_opt_out_at = now
        of_guest = select(Conversation.id).where(Conversation.guest_id == guest_id)
        result = await self.session.execute(
            update(ScheduledMessage)
            .where(
                ScheduledMessage.conversation_id.in_(of_guest),
                ScheduledMessage.status.in_([ScheduledStatus.PENDING, ScheduledStatus.ASKED]),
            )
            .values(status=ScheduledStatus.CANCELLED, detail="the guest opted out")
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def of_conversation(self, conversation_id: int) -> Sequence[ScheduledMessage]:
        result = await self.session.scalars(
            select(ScheduledMessage)
            .where(ScheduledMessage.conversation_id == conversation_id)
            .order_by(ScheduledMessage.id)
        )
        return result.all()

    async def undelivered(
        self, limit: int
    ) -> Sequence[tuple[ScheduledMessage, BookingRecord, DeadLetter | None]]:
        """Messages that did not reach their guest, newest first: rows that failed (their
        `detail` says why) and rows queued whose outbox send was dead-lettered (with its last
        dead letter)."""
        dead_send = exists().where(
            OutboxItem.message_id == ScheduledMessage.message_id,
            OutboxItem.state == QueueState.DEAD,
        )
        result = await self.session.execute(
            select(ScheduledMessage, BookingRecord)
            .join(BookingRecord, BookingRecord.id == ScheduledMessage.booking_record_id)
            .where(
                or_(
                    ScheduledMessage.status == ScheduledStatus.FAILED,
                    and_(
                        ScheduledMessage.status.in_([ScheduledStatus.SENT, ScheduledStatus.ASKED]),
                        dead_send,
                    ),
                )
            )
            .order_by(ScheduledMessage.updated_at.desc(), ScheduledMessage.id.desc())
            .limit(limit)
        )
        rows = []
        for row, booking in result.all():
            letter = None if row.message_id is None else await self.dead_letter(row.message_id)
            rows.append((row, booking, letter))
        return rows

    async def dead_letter(self, message_id: int) -> DeadLetter | None:
        """The last dead letter of the message's outbox send, while that send is dead."""
        return await self.session.scalar(
            select(DeadLetter)
            .join(OutboxItem, OutboxItem.id == DeadLetter.source_id)
            .where(
                DeadLetter.source == "outbox",
                OutboxItem.message_id == message_id,
                OutboxItem.state == QueueState.DEAD,
            )
            .order_by(DeadLetter.id.desc())
            .limit(1)
        )

    async def retry_failed(self, scheduled_id: int, now: datetime) -> bool:
        """A failed row due again now (the next round checks it all again: opt-out, booking,
        template); False when it is not failed (retried already, or never failed)."""
        result = await self.session.execute(
            update(ScheduledMessage)
            .where(
                ScheduledMessage.id == scheduled_id,
                ScheduledMessage.status == ScheduledStatus.FAILED,
            )
            .values(status=ScheduledStatus.PENDING, due_at=now, detail=None)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
