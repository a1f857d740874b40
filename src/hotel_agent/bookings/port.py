"""What the dialogue needs from the booking ledger: PMS writes made once per idempotency key.

Every write carries the key of the guest's "yes" (`Turn.write_key`); the ledger keeps a record
per key, so a retried turn, a duplicate message or a crash between the PMS call and its answer
never books, changes or cancels twice. The dialogue depends on this protocol only: the database
ledger in production (`bookings/ledger.py`), an in-memory one in the unit tests.
"""

from __future__ import annotations

from typing import Protocol

from hotel_agent.pms.port import Booking, BookingRequest, StayChange


class BookingLedger(Protocol):
    async def book(
        self, request: BookingRequest, *, hotel_id: int, conversation_id: int | None = None
    ) -> Booking:
        """Create the booking once per `request.idempotency_key`, whatever retries happen."""
        ...

    async def modify(self, pms_id: str, change: StayChange, *, idempotency_key: str) -> Booking:
        """Change the booking once per idempotency key, whatever retries happen."""
        ...

    async def cancel(self, pms_id: str, *, idempotency_key: str) -> Booking:
        """Cancel the booking once per idempotency key, whatever retries happen."""
        ...

    async def change_made(self, idempotency_key: str) -> Booking | None:
        """The booking as the change asked with this key left it, when that change is in
        effect: a retried turn reports it instead of asking the PMS again."""
        ...
