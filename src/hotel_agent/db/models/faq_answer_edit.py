"""Staff's edits of the hotel's FAQ answers, made in the console: they replace the knowledge
file's answer of one entry in one language until edited back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import UTCDateTime, utcnow


class FaqAnswerEdit(Base):
    __tablename__ = "faq_answer_edits"
    __table_args__ = (UniqueConstraint("hotel_id", "entry_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"))
    # The knowledge file's entry id; an edit of an entry the file no longer has is ignored.
    entry_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    # Blank: the language is left unwritten (the guest gets another language's answer).
    answer: Mapped[str] = mapped_column(Text)
    # Copied like the audit's: the page still says who after the account is gone.
    edited_by: Mapped[str] = mapped_column(String(64))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
