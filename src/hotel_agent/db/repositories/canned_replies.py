"""Staff's canned replies of a hotel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import CannedReply


class CannedReplyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_hotel(self, hotel_id: int) -> Sequence[CannedReply]:
        rows = await self.session.scalars(
            select(CannedReply)
            .where(CannedReply.hotel_id == hotel_id)
            .order_by(CannedReply.language, CannedReply.title, CannedReply.id)
        )
        return rows.all()

    async def get(self, hotel_id: int, reply_id: int) -> CannedReply | None:
        return await self.session.scalar(
            select(CannedReply).where(CannedReply.hotel_id == hotel_id, CannedReply.id == reply_id)
        )

    def add(
        self, hotel_id: int, *, language: str, title: str, text: str, by: str, now: datetime
    ) -> CannedReply:
        row = CannedReply(
            hotel_id=hotel_id,
            language=language,
            title=title,
            text=text,
            edited_by=by,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        return row

    async def delete(self, row: CannedReply) -> None:
        await self.session.delete(row)
