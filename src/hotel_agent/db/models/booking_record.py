from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import JsonDoc, UTCDateTime, utcnow


class BookingRecordStatus(StrEnum):
    PENDING = "pending"  # asked the PMS; no answer recorded yet
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    FAILED = "failed"  # the PMS said no (room gone, invalid stay): nothing was booked
    UNKNOWN = "unknown"  # the PMS may have booked it: reconcile before anything else


class BookingRecord(Base):
    """The agent's own record of every booking it asked a PMS for.

    Written BEFORE the PMS call with the idempotency key (unique), so a retried turn or a
    duplicate message finds it and never books twice.
    """

    __tablename__ = "booking_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    pms_type: Mapped[str] = mapped_column(String(16))
    pms_id: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    room_type_id: Mapped[str] = mapped_column(String(64))
    check_in: Mapped[date] = mapped_column(Date)
    check_out: Mapped[date] = mapped_column(Date)
    adults: Mapped[int] = mapped_column(Integer)
    children: Mapped[int] = mapped_column(Integer, default=0)
    rooms: Mapped[int] = mapped_column(Integer, default=1)
    # Every room asked for (type, adults, children, child ages), so that a booking of several
    # rooms, of one type or several, is recorded whole and not as its first room's type.
    room_lines: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)
    guest_name: Mapped[str] = mapped_column(String(200))
    guest_email: Mapped[str] = mapped_column(String(254))
    guest_phone: Mapped[str | None] = mapped_column(String(32))
    total_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    error: Mapped[str | None] = mapped_column(Text)
    # Indexed: the manager's dashboard counts the bookings of a period.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
