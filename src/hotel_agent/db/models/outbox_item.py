from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.models.inbox_event import UNFINISHED_SQL
from hotel_agent.db.types import BigIntId, JsonDoc, UTCDateTime, utcnow


class OutboxKind(StrEnum):
    MESSAGE = "message"  # send messages.id = message_id
    MARK_READ = "mark_read"  # tell the guest we read their message (and show typing)
    ALERT = "alert"  # tell staff (their alert webhook) about a handoff; the body is `payload`
    # An e-mail to the guest (a booking's confirmation, change or cancellation): `payload` is
    # the rendered e-mail, `recipient` its address. Never waits behind the chat's messages.
    EMAIL = "email"
    # Who answers changed hands: set the conversation's status at a provider that is also
    # staff's inbox (Chatwoot's toggle_status); `payload` is {"owner": "bot" or "staff"}.
    STATUS = "status"


RECIPIENT_CHARS = 128  # a WhatsApp id, a web chat session, an e-mail address


class OutboxItem(Base):
    """Something to send through a channel, written in the same transaction as the turn."""

    __tablename__ = "outbox"
    # Partial indexes over unfinished rows only (see InboxEvent).
    __table_args__ = (
        Index("ix_outbox_unfinished", "id", postgresql_where=UNFINISHED_SQL,
              sqlite_where=UNFINISHED_SQL),
        Index("ix_outbox_unfinished_conversation", "conversation_id", "id",
              postgresql_where=UNFINISHED_SQL, sqlite_where=UNFINISHED_SQL),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True
    )
    recipient: Mapped[str] = mapped_column(String(RECIPIENT_CHARS))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
