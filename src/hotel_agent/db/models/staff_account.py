"""Staff accounts of the console, their login sessions and the audit of what they did."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import BigIntId, JsonDoc, UTCDateTime, utcnow


class StaffRole(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"


class StaffUser(Base):
    """One person at the front desk. Never deleted while audit rows name them: disabled."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # argon2id, in the PHC string format (parameters and salt included).
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=StaffRole.STAFF.value)
    # The hotel whose conversations, bookings and dead letters this member sees and acts on;
    # None: every hotel (administrators, a single-hotel deployment).
    hotel_id: Mapped[int | None] = mapped_column(ForeignKey("hotels.id"), index=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Consecutive wrong passwords; the lockout grows with them (reset by a good login).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class StaffSession(Base):
    """A console login. The cookie holds a random token; only its SHA-256 is stored, so a
    copy of the database does not let anyone in."""

    __tablename__ = "staff_sessions"
    # Expired sessions are looked up and removed by age.
    __table_args__ = (Index("ix_staff_sessions_expires_at", "expires_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    # Sent back with every form and state-changing request (the synchroniser token).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StaffSeen(Base):
    """The latest message one member has seen in one conversation: later guest messages are
    unread for that member only (a colleague's opening does not clear them)."""

    __tablename__ = "staff_seen"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed: retention deletes conversations, and with them these rows.
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    message_id: Mapped[int] = mapped_column(BigIntId)


class StaffAuditEntry(Base):
    """Who did what, when: logins, takeovers, replies, handbacks. The username is copied so
    the record still reads right after the account is renamed or gone."""

    __tablename__ = "staff_audit"
    __table_args__ = (Index("ix_staff_audit_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), index=True
    )
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    # No foreign key: the record outlives the conversation (retention deletes those).
    conversation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
