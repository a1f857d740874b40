"""The agent's records of booking changes and cancellations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import BookingChange, BookingChangeStatus
from hotel_agent.db.repositories._dialect import insert_unless_exists


class BookingChangeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_key(self, idempotency_key: str) -> BookingChange | None:
        return await self.session.scalar(
            select(BookingChange).where(BookingChange.idempotency_key == idempotency_key)
        )

    async def claim(self, idempotency_key: str, **values: Any) -> BookingChange | None:
        """The earlier record of this key, or None after recording this attempt as pending
        (INSERT … ON CONFLICT DO NOTHING: one of two concurrent attempts inserts)."""
        values.update(idempotency_key=idempotency_key, status=BookingChangeStatus.PENDING.value)
        inserted = await insert_unless_exists(
            self.session, BookingChange, "idempotency_key", values
        )
        if inserted:
            return None
        return await self.by_key(idempotency_key)

    async def mark(
        self, idempotency_key: str, status: BookingChangeStatus, error: str | None
    ) -> None:
        await self.session.execute(
            update(BookingChange)
            .where(BookingChange.idempotency_key == idempotency_key)
            .values(status=status.value, error=error[:2000] if error else None)
        )
