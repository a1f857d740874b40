from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import BigIntId, JsonDoc, UTCDateTime, utcnow


class QueueState(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    DEAD = "dead"


UNFINISHED_SQL = text("state IN ('pending', 'processing')")


class InboxEvent(Base):
    """A guest message as received, stored once before the webhook is acknowledged.

    The webhook only inserts this row (one INSERT, deduplicated by the unique key on the
    provider's message id); the worker resolves the guest and conversation later.
    """

    __tablename__ = "inbox_events"
    __table_args__ = (
        UniqueConstraint("channel", "provider_message_id"),
        # Partial indexes over the few unfinished rows: the claim query stays fast however
        # many handled events pile up, and needs no planner statistics to be planned well.
        Index("ix_inbox_events_unfinished", "id", postgresql_where=UNFINISHED_SQL,
              sqlite_where=UNFINISHED_SQL),
        Index("ix_inbox_events_unfinished_key", "conversation_key", "id",
              postgresql_where=UNFINISHED_SQL, sqlite_where=UNFINISHED_SQL),
        # The retention job removes handled payloads by age.
        Index("ix_inbox_events_received_at", "received_at"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    provider_message_id: Mapped[str] = mapped_column(String(255))
    # hotel + channel + sender: the unit of ordering (one turn at a time per key).
    conversation_key: Mapped[str] = mapped_column(String(200))
    sender_id: Mapped[str] = mapped_column(String(128))
    message_type: Mapped[str] = mapped_column(String(24))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default=QueueState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
