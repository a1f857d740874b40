from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import BigIntId, JsonDoc, UTCDateTime, utcnow


class ConversationOwner(StrEnum):
    BOT = "bot"
    STAFF = "staff"


class Conversation(Base):
    """One long-lived thread per guest identity (as WhatsApp shows it to the guest)."""

    __tablename__ = "conversations"
    # The staff inbox lists conversations by latest message, newest first, of everyone, of
    # one owner (staff: those waiting for them) or of one hotel: each order is one index read
    # backwards, whatever page it is. The retention job clears the state of conversations
    # idle for long.
    __table_args__ = (
        Index("ix_conversations_last_message_id_id", "last_message_id", "id"),
        Index("ix_conversations_owner_last_message_id_id", "owner", "last_message_id", "id"),
        Index("ix_conversations_hotel_id_last_message_id_id", "hotel_id", "last_message_id", "id"),
        Index("ix_conversations_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"))
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id", ondelete="CASCADE"), index=True)
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("guest_identities.id", ondelete="CASCADE"), unique=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str] = mapped_column(String(16), default=ConversationOwner.BOT.value)
    language: Mapped[str | None] = mapped_column(String(8))
    # The dialogue engine's state (current flow, collected slots); opaque to everything else.
    state: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    # Why and since when staff own the conversation (None while the bot owns it).
    handoff_reason: Mapped[str | None] = mapped_column(String(64))
    handoff_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The staff member answering it, when one took it in the console (None: nobody yet).
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    # The id of the conversation's latest message, 0 before the first: set where messages are
    # appended (MessageRepository) and when the retention job deletes it. Not a foreign key:
    # 0 is no message, and messages already point at their conversation.
    last_message_id: Mapped[int] = mapped_column(BigIntId, default=0, server_default="0")
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_outbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
