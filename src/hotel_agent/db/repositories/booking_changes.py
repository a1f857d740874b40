"""The agent's records of booking changes and cancellations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import BookingChange


class BookingChangeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_key(self, idempotency_key: str) -> BookingChange | None:
        return await self.session.scalar(
            select(BookingChange).where(BookingChange.idempotency_key == idempotency_key)
        )

    def add(self, record: BookingChange) -> None:
        self.session.add(record)
