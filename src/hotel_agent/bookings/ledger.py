"""The database booking ledger: a record of each booking, and no booking ever made twice.

The record is written with the idempotency key BEFORE the PMS call and committed, so whatever
happens next — a crash, a retried turn, a duplicate message — the next attempt with the same
key finds it: a confirmed record is returned as is, an uncertain one is reconciled with the PMS
(`find_booking_for`) before anything is created again.

Changes and cancellations get the same treatment (`booking_changes`): a retried "yes" finds
its record and, when the booking already carries the change, the guest hears it was made
rather than "nothing to change".

All SQL is in the repositories, which claim a key with INSERT … ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog

from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import (
    BookingChange,
    BookingChangeKind,
    BookingChangeStatus,
    BookingRecord,
    BookingRecordStatus,
)
from hotel_agent.db.repositories.booking_changes import BookingChangeRepository
from hotel_agent.db.repositories.booking_records import BookingRecordRepository
from hotel_agent.pms.errors import (
    InvalidStay,
    PmsAuthError,
    PmsError,
    PmsOutcomeUnknown,
    PmsUnavailable,
    RoomUnavailable,
)
from hotel_agent.pms.port import (
    Booking,
    BookingRequest,
    BookingStatus,
    Pms,
    RoomLine,
    StayChange,
)

log = structlog.get_logger(__name__)

# Answers that prove the PMS booked nothing (PmsUnavailable: the request never got through).
NOTHING_BOOKED = (RoomUnavailable, InvalidStay, PmsAuthError, PmsUnavailable)


class DatabaseBookingLedger:
    """The `BookingLedger` of production: its records in the agent's database, committed in
    their own transactions so that they outlive whatever happens to the turn."""

    def __init__(self, sessions: SessionFactory, pms: Pms, *, pms_type: str) -> None:
        self.sessions = sessions
        self.pms = pms
        self.pms_type = pms_type

    async def book(
        self, request: BookingRequest, *, hotel_id: int, conversation_id: int | None = None
    ) -> Booking:
        """Create the booking once per idempotency key, whatever retries happen."""
        record, created = await self._claim(request, hotel_id, conversation_id)
        if not created:
            if record.pms_id:
                return await self.pms.get_booking(record.pms_id)
            if record.status != BookingRecordStatus.FAILED:
                # A previous attempt may have booked it: look before creating anything.
                existing = await self._lookup(request)
                if existing is not None:
                    await self._confirm(request.idempotency_key, existing)
                    return existing
        try:
            booking = await self.pms.create_booking(request)
        except PmsOutcomeUnknown:
            booking = await self._resolve_unknown(request)
        except NOTHING_BOOKED as exc:
            await self._fail(request.idempotency_key, exc)
            raise
        except Exception as exc:
            # Any other error (a booking made but not read back, a bug): it may exist.
            await self._mark(request.idempotency_key, BookingRecordStatus.UNKNOWN, repr(exc))
            raise
        await self._confirm(request.idempotency_key, booking)
        return booking

    async def modify(self, pms_id: str, change: StayChange, *, idempotency_key: str) -> Booking:
        """Change the booking once per idempotency key, whatever retries happen."""
        return await self._change(BookingChangeKind.MODIFY, pms_id, change, idempotency_key)

    async def cancel(self, pms_id: str, *, idempotency_key: str) -> Booking:
        """Cancel the booking once per idempotency key, whatever retries happen."""
        return await self._change(BookingChangeKind.CANCEL, pms_id, None, idempotency_key)

    async def change_made(self, idempotency_key: str) -> Booking | None:
        """The booking as the change asked with this key left it, when that change is in
        effect: a retried turn reports it instead of asking the PMS again."""
        async with self.sessions() as session:
            record = await BookingChangeRepository(session).by_key(idempotency_key)
        if record is None or record.status == BookingChangeStatus.FAILED:
            return None
        return await self._in_effect(record)

    async def recent(self, limit: int = 50) -> Sequence[BookingRecord]:
        """The latest records, newest first (the operator's `hotel-agent pms bookings`)."""
        async with self.sessions() as session:
            return await BookingRecordRepository(session).recent(limit)

    async def _change(
        self,
        kind: BookingChangeKind,
        pms_id: str,
        change: StayChange | None,
        idempotency_key: str,
    ) -> Booking:
        async with self.sessions() as session, session.begin():
            record = await BookingChangeRepository(session).claim(
                idempotency_key,
                pms_type=self.pms_type,
                pms_id=pms_id,
                kind=kind.value,
                check_in=change.check_in if change else None,
                check_out=change.check_out if change else None,
                adults=change.adults if change else None,
                children=change.children if change else None,
            )
        if record is not None:
            made = await self._in_effect(record)
            if made is not None:
                return made
        try:
            if change is None:
                booking = await self.pms.cancel_booking(pms_id)
            else:
                booking = await self.pms.modify_booking(pms_id, change)
        except NOTHING_BOOKED as exc:
            await self._mark_change(idempotency_key, BookingChangeStatus.FAILED, repr(exc))
            raise
        # Any other error leaves the record pending: the next attempt looks at the booking.
        await self._mark_change(idempotency_key, BookingChangeStatus.DONE, None)
        async with self.sessions() as session, session.begin():
            await BookingRecordRepository(session).update_by_pms_id(
                self.pms_type, booking.pms_id, **_booked(booking)
            )
        return booking

    async def _in_effect(self, record: BookingChange) -> Booking | None:
        booking = await self.pms.get_booking(record.pms_id)
        if record.status == BookingChangeStatus.DONE:
            return booking
        if record.status == BookingChangeStatus.FAILED or not _carries(booking, record):
            return None
        # A pending record whose change the booking carries: the PMS made it, the agent
        # crashed before writing so down.
        await self._mark_change(record.idempotency_key, BookingChangeStatus.DONE, None)
        return booking

    async def _mark_change(self, key: str, status: BookingChangeStatus, error: str | None) -> None:
        async with self.sessions() as session, session.begin():
            await BookingChangeRepository(session).mark(key, status, error)

    async def _claim(
        self, request: BookingRequest, hotel_id: int, conversation_id: int | None
    ) -> tuple[BookingRecord, bool]:
        """The record for this key, and whether this call created it (as pending)."""
        stay = request.stay
        async with self.sessions() as session, session.begin():
            return await BookingRecordRepository(session).claim(
                request.idempotency_key,
                hotel_id=hotel_id,
                conversation_id=conversation_id,
                pms_type=self.pms_type,
                room_type_id=request.room_type_id,
                check_in=stay.check_in,
                check_out=stay.check_out,
                adults=stay.adults,
                children=stay.children,
                rooms=stay.rooms,
                room_lines=_lines(request.lines()),
                guest_name=request.guest.name,
                guest_email=request.guest.email,
                guest_phone=request.guest.phone,
            )

    async def _lookup(self, request: BookingRequest) -> Booking | None:
        try:
            return await self.pms.find_booking_for(request)
        except PmsError as exc:
            # We cannot tell whether it exists: creating now could book twice.
            await self._mark(request.idempotency_key, BookingRecordStatus.UNKNOWN, repr(exc))
            raise PmsOutcomeUnknown(
                "could not check whether an earlier attempt already booked this stay"
            ) from exc

    async def _resolve_unknown(self, request: BookingRequest) -> Booking:
        log.warning("booking.outcome_unknown", key=request.idempotency_key)
        existing = await self._lookup(request)
        if existing is not None:
            return existing
        # The PMS confirms nothing was booked: one more attempt is safe.
        try:
            return await self.pms.create_booking(request)
        except PmsOutcomeUnknown as exc:
            await self._mark(request.idempotency_key, BookingRecordStatus.UNKNOWN, repr(exc))
            raise
        except Exception as exc:
            # Raised inside `book`'s PmsOutcomeUnknown handler, so its own "failed" branch
            # never sees it: without this the record would stay "pending" although the PMS
            # said nothing was booked, then refused this attempt (the room went meanwhile).
            await self._fail(request.idempotency_key, exc)
            raise

    async def _confirm(self, key: str, booking: Booking) -> None:
        async with self.sessions() as session, session.begin():
            await BookingRecordRepository(session).update_by_key(
                key, error=None, **_booked(booking)
            )

    async def _fail(self, key: str, exc: Exception) -> None:
        await self._mark(key, BookingRecordStatus.FAILED, f"{type(exc).__name__}: {exc}")

    async def _mark(self, key: str, status: BookingRecordStatus, error: str) -> None:
        async with self.sessions() as session, session.begin():
            await BookingRecordRepository(session).mark(key, status, error)


def _carries(booking: Booking, record: BookingChange) -> bool:
    """Whether the booking already shows the change or cancellation the record asked for."""
    if record.kind == BookingChangeKind.CANCEL:
        return booking.status is BookingStatus.CANCELLED
    stay = booking.stay
    wanted = (
        (record.check_in, stay.check_in),
        (record.check_out, stay.check_out),
        (record.adults, stay.adults),
        (record.children, stay.children),
    )
    return booking.status is BookingStatus.CONFIRMED and all(
        asked is None or asked == now for asked, now in wanted
    )


def _lines(lines: Sequence[RoomLine]) -> list[dict[str, Any]]:
    """Rooms as a record keeps them (JSON)."""
    return [line.model_dump(mode="json") for line in lines]


def _booked(booking: Booking) -> dict[str, Any]:
    """A record's columns as the PMS answered for the booking."""
    return {
        "pms_id": booking.pms_id,
        "reference": booking.reference,
        "status": (
            BookingRecordStatus.CANCELLED.value
            if booking.status == BookingStatus.CANCELLED
            else BookingRecordStatus.CONFIRMED.value
        ),
        "check_in": booking.stay.check_in,
        "check_out": booking.stay.check_out,
        "adults": booking.stay.adults,
        "children": booking.stay.children,
        "rooms": booking.stay.rooms,
        "room_lines": _lines(booking.room_lines),
        "total_price": booking.total_price,
        "currency": booking.currency,
    }
