from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import BigIntId, JsonDoc, UTCDateTime, utcnow


class Direction(StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class DeliveryStatus(StrEnum):
    RECEIVED = "received"  # inbound
    QUEUED = "queued"  # outbound, waiting in the outbox
    SENT = "sent"
    FAILED = "failed"
    DELIVERED = "delivered"
    READ = "read"
    PLAYED = "played"
    DEAD = "dead"  # dead-lettered by us: never accepted by the provider


# Status callbacks arrive out of order; the furthest state wins. A `failed` callback after
# `delivered` keeps `delivered` (the error is still recorded).
STATUS_RANK: dict[str, int] = {
    DeliveryStatus.RECEIVED: 0,
    DeliveryStatus.QUEUED: 0,
    DeliveryStatus.DEAD: 1,
    DeliveryStatus.SENT: 1,
    DeliveryStatus.FAILED: 2,
    DeliveryStatus.DELIVERED: 3,
    DeliveryStatus.READ: 4,
    DeliveryStatus.PLAYED: 5,
}


class Message(Base):
    """The transcript: every message of a conversation, in both directions."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_message_id"),
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        # The retention job removes messages by age (docs/privacy.md).
        Index("ix_messages_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(24))
    body: Mapped[str] = mapped_column(Text, default="")
    # Rich content: buttons and list rows offered, or the inbound media/location/reply details.
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    provider_message_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    status_rank: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[int | None] = mapped_column(Integer)
    error_detail: Mapped[str | None] = mapped_column(Text)
    # Inbound rows come from exactly one inbox event (re-processing cannot duplicate them).
    inbox_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_events.id", ondelete="SET NULL"), unique=True
    )
    # Outbound rows answer one inbound message (what `?wait=` returns to the web chat).
    reply_to_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    author: Mapped[str] = mapped_column(String(16), default="guest")  # guest | bot | staff
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
