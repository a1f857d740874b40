from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import UTCDateTime, utcnow


class BookingChangeKind(StrEnum):
    MODIFY = "modify"
    CANCEL = "cancel"


class BookingChangeStatus(StrEnum):
    PENDING = "pending"  # asked the PMS; no answer recorded yet
    DONE = "done"
    FAILED = "failed"  # the PMS said no: nothing changed


class BookingChange(Base):
    """The agent's record of a change or cancellation it asked a PMS for.

    Written BEFORE the PMS call with the idempotency key of the guest's "yes" (unique), so a
    retried turn finds it and tells the guest the change was made instead of finding "nothing
    to change" in a booking that already carries it.
    """

    __tablename__ = "booking_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    pms_type: Mapped[str] = mapped_column(String(16))
    pms_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    # The stay asked for (a modification); None where unchanged.
    check_in: Mapped[date | None] = mapped_column(Date)
    check_out: Mapped[date | None] = mapped_column(Date)
    adults: Mapped[int | None] = mapped_column(Integer)
    children: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
