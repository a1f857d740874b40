"""What a turn did to bookings: the ledger's successful writes, noted as they happen.

The dialogue runs each turn with its ledger wrapped in a `RecordingLedger`; what it noted
becomes the turn's booking e-mails, committed with the turn. A retried turn asks the ledger
again with the same idempotency key, gets the same booking back and notes it again, and only
one attempt's commit ever lands (the inbox lease): one e-mail per booking, change or
cancellation, whatever is retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hotel_agent.bookings.port import BookingLedger
from hotel_agent.pms.port import Booking, BookingRequest, BookingStatus, StayChange


class EffectKind(StrEnum):
    BOOKED = "booked"
    CHANGED = "changed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class BookingEffect:
    kind: EffectKind
    booking: Booking  # as the PMS answered after the write


@dataclass
class RecordingLedger:
    """A `BookingLedger` that passes every call on and notes each write that took effect."""

    ledger: BookingLedger
    effects: list[BookingEffect] = field(default_factory=list)

    async def book(
        self, request: BookingRequest, *, hotel_id: int, conversation_id: int | None = None
    ) -> Booking:
        booking = await self.ledger.book(
            request, hotel_id=hotel_id, conversation_id=conversation_id
        )
        self._note(EffectKind.BOOKED, booking)
        return booking

    async def modify(self, pms_id: str, change: StayChange, *, idempotency_key: str) -> Booking:
        booking = await self.ledger.modify(pms_id, change, idempotency_key=idempotency_key)
        self._note(EffectKind.CHANGED, booking)
        return booking

    async def cancel(self, pms_id: str, *, idempotency_key: str) -> Booking:
        booking = await self.ledger.cancel(pms_id, idempotency_key=idempotency_key)
        self._note(EffectKind.CANCELLED, booking)
        return booking

    async def change_made(self, idempotency_key: str) -> Booking | None:
        # A rerun of a turn whose change is in effect: it is reported, so it is mailed too.
        booking = await self.ledger.change_made(idempotency_key)
        if booking is not None:
            cancelled = booking.status is BookingStatus.CANCELLED
            self._note(EffectKind.CANCELLED if cancelled else EffectKind.CHANGED, booking)
        return booking

    def _note(self, kind: EffectKind, booking: Booking) -> None:
        # Once per booking and kind: a flow that asks twice in one turn still sends one.
        if not any(e.kind is kind and e.booking.pms_id == booking.pms_id for e in self.effects):
            self.effects.append(BookingEffect(kind, booking))
