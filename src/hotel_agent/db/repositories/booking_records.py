"""The agent's booking records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import BookingRecord, BookingRecordStatus
from hotel_agent.db.repositories._dialect import insert_unless_exists


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

    async def in_stay_range(
        self,
        *,
        stays_from: date | None,
        stays_to: date | None,
        limit: int,
        hotel_id: int | None = None,
    ) -> Sequence[BookingRecord]:
        """Records whose stay touches [stays_from, stays_to] (either end open), by check-in;
        of one hotel only when `hotel_id` is given."""
        query = select(BookingRecord)
        if hotel_id is not None:
            query = query.where(BookingRecord.hotel_id == hotel_id)
        if stays_from is not None:
            query = query.where(BookingRecord.check_out > stays_from)
        if stays_to is not None:
            query = query.where(BookingRecord.check_in <= stays_to)
        result = await self.session.scalars(
            query.order_by(BookingRecord.check_in, BookingRecord.id).limit(limit)
        )
        return result.all()

    async def of_conversation(
        self, conversation_id: int, limit: int = 20
    ) -> Sequence[BookingRecord]:
        """The bookings the agent asked for in a conversation, newest first."""
        result = await self.session.scalars(
            select(BookingRecord)
            .where(BookingRecord.conversation_id == conversation_id)
            .order_by(BookingRecord.id.desc())
            .limit(limit)
        )
        return result.all()

    async def claim(self, idempotency_key: str, **values: Any) -> tuple[BookingRecord, bool]:
        """The record of this key, and whether this call created it (as pending). INSERT … ON
        CONFLICT DO NOTHING: of two concurrent attempts with one key exactly one inserts, and
        the other waits for it and reads its row."""
        values.update(idempotency_key=idempotency_key, status=BookingRecordStatus.PENDING.value)
        inserted = await insert_unless_exists(
            self.session, BookingRecord, "idempotency_key", values
        )
        record = await self.by_key(idempotency_key)
        if record is None:  # pragma: no cover - the row was just inserted or found
            raise LookupError(idempotency_key)
        return record, inserted

    async def update_by_key(self, idempotency_key: str, /, **values: Any) -> None:
        await self.session.execute(
            update(BookingRecord)
            .where(BookingRecord.idempotency_key == idempotency_key)
            .values(**values)
        )

    async def update_by_pms_id(self, pms_type: str, pms_id: str, /, **values: Any) -> None:
        await self.session.execute(
            update(BookingRecord)
            .where(BookingRecord.pms_type == pms_type, BookingRecord.pms_id == pms_id)
            .values(**values)
        )

    async def mark(self, idempotency_key: str, status: BookingRecordStatus, error: str) -> None:
        """Record a failed or uncertain attempt; a confirmed booking stays confirmed."""
        await self.session.execute(
            update(BookingRecord)
            .where(
                BookingRecord.idempotency_key == idempotency_key,
                BookingRecord.status != BookingRecordStatus.CONFIRMED.value,
            )
            .values(status=status.value, error=error[:2000])
        )
