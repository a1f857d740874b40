"""Proactive messages (pre-arrival, post-stay, the offer) that did not reach their guest, for
staff to see with the reason, and to try again once the cause is fixed: a template approved, a
review link added, a provider outage over."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from pydantic import BaseModel

from hotel_agent.channels.port import Channel
from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import ScheduledMessage
from hotel_agent.db.repositories.scheduled_messages import ScheduledMessageRepository
from hotel_agent.db.types import utcnow
from hotel_agent.errors import Conflict, NotFound
from hotel_agent.inbox.signals import Signals
from hotel_agent.staff import dead_letters
from hotel_agent.staff.accounts import StaffMember, record


class UndeliveredOut(BaseModel):
    id: int
    kind: str  # offer | pre_arrival | post_stay
    conversation_id: int
    booking_reference: str | None
    guest_name: str
    check_in: date
    # Why it did not go: the row's own reason (not sent at all), or the provider's refusal.
    reason: str
    dead_letter_id: int | None  # set when the send was dead-lettered: retried as a re-send
    updated_at: datetime


async def list_undelivered(sessions: SessionFactory, *, limit: int = 100) -> list[UndeliveredOut]:
    async with sessions() as session:
        rows = await ScheduledMessageRepository(session).undelivered(limit)
    result = []
    for row, booking, letter in rows:
        if letter is not None:
            code = f" ({letter.error_code})" if letter.error_code else ""
            reason = f"{letter.reason}{code}" + (f": {letter.detail}" if letter.detail else "")
        else:
            reason = row.detail or "failed"
        result.append(
            UndeliveredOut(
                id=row.id,
                kind=row.kind,
                conversation_id=row.conversation_id,
                booking_reference=booking.reference,
                guest_name=booking.guest_name,
                check_in=booking.check_in,
                reason=reason,
                dead_letter_id=letter.id if letter is not None else None,
                updated_at=row.updated_at,
            )
        )
    return result


async def retry(
    sessions: SessionFactory,
    channels: Mapping[str, Channel],
    signals: Signals,
    scheduled_id: int,
    *,
    by: StaffMember | None = None,
) -> None:
    """Try the message again: a failed one is due again at once (the workers' next round sends
    it, checking the opt-out, the booking and the template anew); a dead-lettered send is
    queued again (dead_letters.resend). Conflict when there is nothing to retry any more."""
    now = utcnow()
    async with sessions() as session, session.begin():
        scheduled = ScheduledMessageRepository(session)
        row = await session.get(ScheduledMessage, scheduled_id)
        if row is None:
            raise NotFound(f"scheduled message {scheduled_id} does not exist")
        letter = None if row.message_id is None else await scheduled.dead_letter(row.message_id)
        if letter is None:
            if not await scheduled.retry_failed(scheduled_id, now):
                raise Conflict(f"scheduled message {scheduled_id} has nothing to retry")
            if by is not None:
                record(
                    session,
                    by,
                    "retry_proactive",
                    conversation_id=row.conversation_id,
                    detail={"scheduled_id": scheduled_id},
                    now=now,
                )
            return
    await dead_letters.resend(sessions, channels, signals, letter.id, by=by)
