"""The simulator's own tables (prefixed `pms_sim_`): a small PMS living in the app's database.

Only the simulator package reads or writes them; the agent sees them through the `Pms` port.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotel_agent.db.base import Base
from hotel_agent.db.types import BigIntId, JsonDoc, UTCDateTime, utcnow


class SimHotel(Base):
    __tablename__ = "pms_sim_hotels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(100))
    check_in_time: Mapped[time] = mapped_column(Time())
    check_out_time: Mapped[time] = mapped_column(Time())
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SimRoomType(Base):
    __tablename__ = "pms_sim_room_types"
    __table_args__ = (UniqueConstraint("hotel_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("pms_sim_hotels.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)  # display order
    names: Mapped[dict[str, Any]] = mapped_column(JsonDoc)  # {"es": ..., "en": ...}
    descriptions: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    amenities: Mapped[list[Any]] = mapped_column(JsonDoc)
    max_adults: Mapped[int] = mapped_column(Integer)
    max_children: Mapped[int] = mapped_column(Integer)
    max_guests: Mapped[int] = mapped_column(Integer)
    base_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2))  # per night, before tax
    inventory: Mapped[int] = mapped_column(Integer)  # rooms of this type


class SimWeekdayRate(Base):
    __tablename__ = "pms_sim_weekday_rates"

    hotel_id: Mapped[int] = mapped_column(
        ForeignKey("pms_sim_hotels.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 = Monday night
    multiplier: Mapped[Decimal] = mapped_column(Numeric(6, 3))


class SimSeason(Base):
    __tablename__ = "pms_sim_seasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(
        ForeignKey("pms_sim_hotels.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[str] = mapped_column(String(5))  # "MM-DD", recurring every year
    ends_on: Mapped[str] = mapped_column(String(5))  # inclusive; may wrap past New Year
    multiplier: Mapped[Decimal] = mapped_column(Numeric(6, 3))


class SimOccupancy(Base):
    """Rooms of a type booked for one night: the row that reservations lock and count on."""

    __tablename__ = "pms_sim_occupancy"
    __table_args__ = (CheckConstraint("booked >= 0", name="booked_not_negative"),)

    room_type_id: Mapped[int] = mapped_column(
        ForeignKey("pms_sim_room_types.id", ondelete="CASCADE"), primary_key=True
    )
    night: Mapped[date] = mapped_column(Date(), primary_key=True)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class SimBooking(Base):
    __tablename__ = "pms_sim_bookings"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    # The first room's type; every room's type and party are in `pms_sim_booking_rooms`.
    room_type_id: Mapped[int] = mapped_column(ForeignKey("pms_sim_room_types.id"), index=True)
    check_in: Mapped[date] = mapped_column(Date())
    check_out: Mapped[date] = mapped_column(Date())
    adults: Mapped[int] = mapped_column(Integer)  # every room's, added up
    children: Mapped[int] = mapped_column(Integer)
    rooms: Mapped[int] = mapped_column(Integer)
    guest_name: Mapped[str] = mapped_column(String(200))
    guest_email: Mapped[str] = mapped_column(String(254))
    guest_phone: Mapped[str | None] = mapped_column(String(32))
    # Look-up keys: the e-mail lower-cased and the phone's digits, so "+34 600 12 34 56" and
    # the WhatsApp sender "34600123456" find the same booking.
    email_key: Mapped[str] = mapped_column(String(254), index=True)
    phone_key: Mapped[str | None] = mapped_column(String(32), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    total_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    # A digest of the original create request: a replay with the same key must be the same
    # request even after the booking itself was modified.
    request_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    room_type: Mapped[SimRoomType] = relationship(lazy="joined", innerjoin=True)
    room_lines: Mapped[list[SimBookingRoom]] = relationship(
        lazy="selectin", order_by="SimBookingRoom.position", cascade="all, delete-orphan"
    )


class SimBookingRoom(Base):
    """One room of a booking: its type and who sleeps in it (a booking may mix types)."""

    __tablename__ = "pms_sim_booking_rooms"

    booking_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("pms_sim_bookings.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # the room's place, from 0
    room_type_id: Mapped[int] = mapped_column(ForeignKey("pms_sim_room_types.id"), index=True)
    adults: Mapped[int] = mapped_column(Integer)
    children: Mapped[int] = mapped_column(Integer)
    child_ages: Mapped[list[Any]] = mapped_column(JsonDoc)  # one per child, or [] when unknown

    room_type: Mapped[SimRoomType] = relationship(lazy="joined", innerjoin=True)
