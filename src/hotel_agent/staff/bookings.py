"""The bookings the agent made (its booking ledger), each with its status read live from the
PMS: a guest may have cancelled at the front desk or on the hotel's website since.

The PMS may be down: then the page still lists the ledger, saying the PMS is unreachable, and
stops asking after the first failure (an open breaker or a dead host fails every call alike).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.repositories.booking_records import BookingRecordRepository
from hotel_agent.pms.errors import BookingNotFound
from hotel_agent.pms.port import BookingStatus, Pms
from hotel_agent.staff.schemas import GuestBooking

log = structlog.get_logger(__name__)
# Concurrent PMS reads for one page: enough to list a day's bookings quickly, few enough not
# to load a small hotel's PMS.
PMS_READS_AT_ONCE = 4
# What the PMS says of a booking: its own status, or why there is none to show.
LiveStatus = Literal[
    "confirmed", "cancelled", "completed", "not_in_pms", "not_booked", "unreachable"
]

_LIVE: dict[BookingStatus, LiveStatus] = {
    BookingStatus.CONFIRMED: "confirmed",
    BookingStatus.CANCELLED: "cancelled",
    BookingStatus.COMPLETED: "completed",
}


class AgentBooking(GuestBooking):
    """A booking of the ledger (`status`: the agent's record) and what the PMS says now."""

    conversation_id: int | None
    guest_name: str
    pms_id: str | None
    live_status: LiveStatus = "not_booked"


async def ledger(
    session: AsyncSession,
    *,
    stays_from: date | None,
    stays_to: date | None,
    limit: int = 100,
    hotel_id: int | None = None,
) -> list[AgentBooking]:
    """The agent's booking records whose stay touches the range, by check-in; live status not
    read yet (see `with_live_status`)."""
    records = await BookingRecordRepository(session).in_stay_range(
        stays_from=stays_from, stays_to=stays_to, limit=limit, hotel_id=hotel_id
    )
    return [AgentBooking.model_validate(r) for r in records]


async def with_live_status(pms: Pms, bookings: list[AgentBooking]) -> list[AgentBooking]:
    """The bookings with the PMS's own status of each one the PMS holds."""
    gate = asyncio.Semaphore(PMS_READS_AT_ONCE)
    down = asyncio.Event()

    async def live(booking: AgentBooking) -> AgentBooking:
        if booking.pms_id is None:
            return booking
        async with gate:
            if down.is_set():
                return booking.model_copy(update={"live_status": "unreachable"})
            try:
                found = await pms.get_booking(booking.pms_id)
            except BookingNotFound:
                return booking.model_copy(update={"live_status": "not_in_pms"})
            except Exception as exc:
                # Unavailable, refused credentials, a timeout: nothing more to learn today.
                if not down.is_set():
                    log.warning("console.pms_unreachable", error=repr(exc)[:300])
                down.set()
                return booking.model_copy(update={"live_status": "unreachable"})
        return booking.model_copy(update={"live_status": _LIVE[found.status]})

    return list(await asyncio.gather(*(live(b) for b in bookings)))
