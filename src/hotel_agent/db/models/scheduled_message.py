from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import BigIntId, UTCDateTime, utcnow


class ScheduledKind(StrEnum):
    OFFER = "offer"  # asking the guest, after booking, whether they want these messages
    PRE_ARRIVAL = "pre_arrival"
    POST_STAY = "post_stay"


class ScheduledStatus(StrEnum):
    PENDING = "pending"  # due at `due_at` (pre_arrival, post_stay)
    ASKED = "asked"  # an offer sent, waiting for the guest's answer
    ACCEPTED = "accepted"  # an offer the guest said yes to
    DECLINED = "declined"  # an offer the guest said no to
    SENT = "sent"  # queued in the outbox (message_id), once
    CANCELLED = "cancelled"  # the guest opted out, or the booking was cancelled
    SKIPPED = "skipped"  # too late (the stay began or the window closed before the offer)
    FAILED = "failed"  # could not be sent: `detail` says why (no template, say)


class ScheduledMessage(Base):
    """A message the agent sends a guest unprompted, about one booking: durable, so it is
    sent once whatever restarts, and never after the guest opted out."""

    __tablename__ = "scheduled_messages"
    __table_args__ = (
        # One of each kind per booking: planning twice cannot schedule twice.
        UniqueConstraint("booking_record_id", "kind"),
        Index("ix_scheduled_messages_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"))
    booking_record_id: Mapped[int] = mapped_column(
        ForeignKey("booking_records.id", ondelete="CASCADE")
    )
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("messages.id", ondelete="SET NULL")
    )
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
