"""Staff's edits of the FAQ answers, and the hotel's knowledge version they move."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import FaqAnswerEdit, Hotel


class FaqAnswerEditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_hotel(self, hotel_id: int) -> Sequence[FaqAnswerEdit]:
        rows = await self.session.scalars(
            select(FaqAnswerEdit)
            .where(FaqAnswerEdit.hotel_id == hotel_id)
            .order_by(FaqAnswerEdit.entry_id, FaqAnswerEdit.language)
        )
        return rows.all()

    async def version(self, hotel_id: int, *, lock: bool = False) -> int | None:
        """The hotel's knowledge version (None: no such hotel); `lock` holds the hotel's row
        until the transaction ends (PostgreSQL), so that edits of one hotel go one at a time."""
        query = select(Hotel.knowledge_version).where(Hotel.id == hotel_id)
        if lock:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def set_answer(
        self,
        hotel_id: int,
        entry_id: str,
        language: str,
        answer: str | None,
        *,
        by: str,
        now: datetime,
    ) -> None:
        """Replace the file's answer (None: go back to the file's own)."""
        current = await self.session.scalar(
            select(FaqAnswerEdit).where(
                FaqAnswerEdit.hotel_id == hotel_id,
                FaqAnswerEdit.entry_id == entry_id,
                FaqAnswerEdit.language == language,
            )
        )
        if answer is None:
            if current is not None:
                await self.session.execute(
                    delete(FaqAnswerEdit).where(FaqAnswerEdit.id == current.id)
                )
            return
        if current is None:
            current = FaqAnswerEdit(hotel_id=hotel_id, entry_id=entry_id, language=language)
            self.session.add(current)
        current.answer = answer
        current.edited_by = by
        current.edited_at = now

    async def bump_version(self, hotel_id: int) -> None:
        await self.session.execute(
            update(Hotel)
            .where(Hotel.id == hotel_id)
            .values(knowledge_version=Hotel.knowledge_version + 1)
        )
