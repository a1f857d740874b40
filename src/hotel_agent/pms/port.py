"""The PMS port: plain data types and the `Pms` protocol every adapter implements.

Prices are `Decimal` with tax included, for the whole party (all rooms). Room type ids are
strings (QloApps uses numbers, the simulator codes); the agent never interprets them.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, Field


class HotelProfile(BaseModel):
    id: str
    name: str
    address: str | None = None
    city: str | None = None
    check_in_time: time
    check_out_time: time
    currency: str
    timezone: str | None = None
    # What this PMS refuses a booking without, so the agent asks before booking.
    phone_required: bool = False
    last_name_required: bool = False
    child_ages_required: bool = False


class RoomType(BaseModel):
    id: str
    names: dict[str, str]  # by language code ("es", "en"); at least one entry
    descriptions: dict[str, str] = Field(default_factory=dict)
    max_adults: int
    max_children: int
    max_guests: int
    amenities: list[str] = Field(default_factory=list)

    def name(self, language: str) -> str:
        return self.names.get(language) or next(iter(self.names.values()))

    def fits(self, adults: int, children: int) -> bool:
        """Whether one room of this type holds this party."""
        return (
            adults <= self.max_adults
            and children <= self.max_children
            and adults + children <= self.max_guests
        )


class Stay(BaseModel):
    check_in: date
    check_out: date
    adults: int
    children: int = 0
    rooms: int = 1
    child_ages: list[int] = Field(default_factory=list)  # one per child, when known

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days


class Offer(BaseModel):
    room_type: RoomType
    stay: Stay
    nightly_price: Decimal  # average per night, tax included, all rooms
    total_price: Decimal  # whole stay, tax included, all rooms
    currency: str
    rooms_left: int


class GuestDetails(BaseModel):
    name: str
    email: str
    phone: str | None = None

    @property
    def first_name(self) -> str:
        return self.name.strip().split()[0]

    @property
    def last_name(self) -> str:
        """Empty for a one-word name: never the first name again ("Cher Cher")."""
        parts = self.name.strip().split(maxsplit=1)
        return parts[1] if len(parts) > 1 else ""


class BookingRequest(BaseModel):
    stay: Stay
    room_type_id: str
    guest: GuestDetails
    idempotency_key: str  # the same key never creates two bookings
    notes: str | None = None


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class Booking(BaseModel):
    pms_id: str
    reference: str  # what the guest can quote
    status: BookingStatus
    stay: Stay
    room_type_id: str
    guest: GuestDetails
    total_price: Decimal
    currency: str
    created_at: datetime | None = None


class StayChange(BaseModel):
    """New dates and/or occupancy; None keeps the current value."""

    check_in: date | None = None
    check_out: date | None = None
    adults: int | None = None
    children: int | None = None
    child_ages: list[int] | None = None


class PmsHealth(BaseModel):
    ok: bool
    detail: str
    hotel: str | None = None
    room_types: int | None = None


class Pms(Protocol):
    """A hotel's property-management system, as the agent uses it."""

    async def hotel(self) -> HotelProfile:
        """The hotel's name, address, check-in/out times and currency."""
        ...

    async def room_types(self) -> list[RoomType]:
        """Every bookable room type with its capacity."""
        ...

    async def search(self, stay: Stay) -> list[Offer]:
        """Room types that fit the party and have enough rooms free, with live prices."""
        ...

    async def create_booking(self, request: BookingRequest) -> Booking:
        """Book; raises RoomUnavailable if the room went meanwhile, PmsOutcomeUnknown if the
        answer was lost."""
        ...

    async def find_booking_for(self, request: BookingRequest) -> Booking | None:
        """The booking a create with this request already made, if any (after an unknown
        outcome, before any retry)."""
        ...

    async def get_booking(self, pms_id: str) -> Booking:
        """One booking; raises BookingNotFound."""
        ...

    async def find_bookings(
        self,
        *,
        reference: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> list[Booking]:
        """Bookings matching ALL the criteria given (a reference the guest quotes, their e-mail,
        their phone); none given → []. Combining narrows: a reference plus the e-mail it was
        booked with is how a guest proves a booking is theirs."""
        ...

    async def modify_booking(self, pms_id: str, change: StayChange) -> Booking:
        """Change dates and/or occupancy, re-checking availability."""
        ...

    async def cancel_booking(self, pms_id: str) -> Booking:
        """Cancel; the rooms become available again."""
        ...

    async def health(self) -> PmsHealth:
        """Can we talk to the PMS with our credentials?"""
        ...
