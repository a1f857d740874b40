"""The agent's booking records."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import BookingRecord


class BookingRecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_key(self, idempotency_key: str) -> BookingRecord | None:
        return await self.session.scalar(
            select(BookingRecord).where(BookingRecord.idempotency_key == idempotency_key)
        )

    async def by_pms_id(self, pms_type: str, pms_id: str) -> BookingRecord | None:
        return await self.session.scalar(
            select(BookingRecord).where(
                BookingRecord.pms_type == pms_type, BookingRecord.pms_id == pms_id
            )
        )

    async def recent(self, limit: int = 50) -> Sequence[BookingRecord]:
        result = await self.session.scalars(
            select(BookingRecord).order_by(BookingRecord.id.desc()).limit(limit)
        )
        return result.all()

    def add(self, record: BookingRecord) -> None:
        self.session.add(record)
