from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import BigIntId, JsonDoc, UTCDateTime, utcnow


class DeadLetter(Base):
    """Work we gave up on, with the reason, for staff to see and act on."""

    __tablename__ = "dead_letters"
    # The retention job removes them by age.
    __table_args__ = (Index("ix_dead_letters_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # "outbox" | "inbox"
    source_id: Mapped[int] = mapped_column(BigIntId)
    channel: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64))
    error_code: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
