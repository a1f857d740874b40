"""What happened in a conversation that the manager's dashboard counts: a handoff to staff
(with its reason), a hand back to the bot, a live availability check. Written in the same
transaction as the change it records, so a rolled-back turn leaves no event."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import BigIntId, UTCDateTime, utcnow


class ConversationEventKind(StrEnum):
    HANDOFF = "handoff"
    HAND_BACK = "hand_back"
    AVAILABILITY_CHECKED = "availability_checked"


class ConversationEvent(Base):
    __tablename__ = "conversation_events"
    # The dashboard reads a period of one kind; the response times look up a conversation's
    # events after a handoff.
    __table_args__ = (
        Index("ix_conversation_events_kind_created_at", "kind", "created_at"),
        Index("ix_conversation_events_conversation_id_created_at", "conversation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    # Copied from the conversation, so the dashboard groups by channel without a join.
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(24))
    # A handoff's reason (handoff.REASON_MAX_CHARS); None for the other kinds.
    reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
