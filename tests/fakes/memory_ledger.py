"""`MemoryLedger`: the `BookingLedger` port in memory, for engine and flow tests.

One record per idempotency key, as the database ledger keeps: a key that booked, changed or
cancelled returns what it did instead of writing again. What the PMS refuses leaves no record,
so a new "yes" may try again. (Lost answers and their reconciliation are the database ledger's
own tests: tests/integration/bookings.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hotel_agent.pms.port import Booking, BookingRequest, Pms, StayChange


@dataclass
class MemoryLedger:
    pms: Pms
    # Idempotency key → the PMS id of the booking it created.
    booked: dict[str, str] = field(default_factory=dict)
    # Idempotency key → the PMS id of the booking it changed or cancelled.
    changed: dict[str, str] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)  # "book:<key>", "modify:<key>", …: in order

    async def book(
        self, request: BookingRequest, *, hotel_id: int, conversation_id: int | None = None
    ) -> Booking:
        key = request.idempotency_key
        if key in self.booked:
            return await self.pms.get_booking(self.booked[key])
        booking = await self.pms.create_booking(request)
        self.booked[key] = booking.pms_id
        self.writes.append(f"book:{key}")
        return booking

    async def modify(self, pms_id: str, change: StayChange, *, idempotency_key: str) -> Booking:
        if idempotency_key in self.changed:
            return await self.pms.get_booking(self.changed[idempotency_key])
        booking = await self.pms.modify_booking(pms_id, change)
        self.changed[idempotency_key] = pms_id
        self.writes.append(f"modify:{idempotency_key}")
        return booking

    async def cancel(self, pms_id: str, *, idempotency_key: str) -> Booking:
        if idempotency_key in self.changed:
            return await self.pms.get_booking(self.changed[idempotency_key])
        booking = await self.pms.cancel_booking(pms_id)
        self.changed[idempotency_key] = pms_id
        self.writes.append(f"cancel:{idempotency_key}")
        return booking

    async def change_made(self, idempotency_key: str) -> Booking | None:
        pms_id = self.changed.get(idempotency_key)
        return await self.pms.get_booking(pms_id) if pms_id is not None else None
