"""The PMS port: plain data types and the `Pms` protocol every adapter implements.

Prices are `Decimal` with tax included, for the whole party (all rooms). Room type ids are
strings (QloApps uses numbers, the simulator codes); the agent never interprets them.

A booking is made of rooms (`RoomLine`: a room type and who sleeps there), possibly of several
types ("a double and a single"), under one reference. A request naming one room type and a
party (`room_type_id` + `stay`) means `stay.rooms` rooms of that type with the party spread
evenly, so callers that book one type need not know about lines.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, Field, model_validator


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


class RoomLine(BaseModel):
    """One room of a booking: its type and the guests who sleep in it."""

    room_type_id: str
    adults: int
    children: int = 0
    child_ages: list[int] = Field(default_factory=list)  # one per child, when known


def even_rooms(stay: Stay, room_type_id: str) -> list[RoomLine]:
    """`stay.rooms` rooms of one type, the party spread as evenly as it goes, fuller rooms
    first; the children's ages follow their children when every age is known."""
    rooms = max(stay.rooms, 1)
    ages = iter(stay.child_ages if len(stay.child_ages) == stay.children else [])
    lines = []
    for index in range(rooms):
        adults = stay.adults // rooms + (index < stay.adults % rooms)
        children = stay.children // rooms + (index < stay.children % rooms)
        lines.append(
            RoomLine(
                room_type_id=room_type_id,
                adults=adults,
                children=children,
                child_ages=[age for _, age in zip(range(children), ages, strict=False)],
            )
        )
    return lines


def party_of(check_in: date, check_out: date, lines: list[RoomLine]) -> Stay:
    """The stay of a set of rooms: its dates and the whole party."""
    ages = [age for line in lines for age in line.child_ages]
    children = sum(line.children for line in lines)
    return Stay(
        check_in=check_in,
        check_out=check_out,
        adults=sum(line.adults for line in lines),
        children=children,
        rooms=len(lines),
        child_ages=ages if len(ages) == children else [],
    )


class BookingRequest(BaseModel):
    stay: Stay  # the dates and the whole party
    room_type_id: str  # the type of every room, or of the first one when `room_lines` is given
    guest: GuestDetails
    idempotency_key: str  # the same key never creates two bookings
    notes: str | None = None
    # Each room with its party, when the rooms differ; empty means `even_rooms`.
    room_lines: list[RoomLine] = Field(default_factory=list)

    @model_validator(mode="after")
    def _lines_match_the_stay(self) -> BookingRequest:
        if not self.room_lines:
            return self
        whole = party_of(self.stay.check_in, self.stay.check_out, self.room_lines)
        fields = ("adults", "children", "rooms")
        if any(getattr(whole, name) != getattr(self.stay, name) for name in fields):
            raise ValueError("the stay's party must be the sum of its rooms")
        if self.room_type_id != self.room_lines[0].room_type_id:
            raise ValueError("room_type_id must be the first room's type")
        return self

    @classmethod
    def for_rooms(
        cls,
        *,
        check_in: date,
        check_out: date,
        rooms: list[RoomLine],
        guest: GuestDetails,
        idempotency_key: str,
        notes: str | None = None,
    ) -> BookingRequest:
        """A booking of these rooms, of one type or several, under one reference."""
        if not rooms:
            raise ValueError("a booking needs at least one room")
        return cls(
            stay=party_of(check_in, check_out, rooms),
            room_type_id=rooms[0].room_type_id,
            guest=guest,
            idempotency_key=idempotency_key,
            notes=notes,
            room_lines=rooms,
        )

    def lines(self) -> list[RoomLine]:
        """Every room asked for, one line each."""
        return list(self.room_lines) or even_rooms(self.stay, self.room_type_id)


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class Booking(BaseModel):
    pms_id: str
    reference: str  # what the guest can quote
    status: BookingStatus
    stay: Stay  # the dates and the whole party
    room_type_id: str  # the first room's type (every room's, unless `mixed`)
    guest: GuestDetails
    total_price: Decimal
    currency: str
    created_at: datetime | None = None
    room_lines: list[RoomLine] = Field(default_factory=list)  # every room, one line each

    @property
    def room_type_ids(self) -> list[str]:
        """The booking's room types, each once, in the order its rooms are listed."""
        types = [line.room_type_id for line in self.room_lines] or [self.room_type_id]
        return list(dict.fromkeys(types))

    @property
    def mixed(self) -> bool:
        """Whether the booking holds rooms of more than one type."""
        return len(self.room_type_ids) > 1


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
        """Book every room of the request (`request.lines()`) as one booking with one
        reference; raises RoomUnavailable if a room went meanwhile (then nothing is booked),
        PmsOutcomeUnknown if the answer was lost."""
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
        """Change dates and/or occupancy, re-checking availability. New dates move every room
        of the booking; an occupancy change of a booking with several rooms may be refused
        (InvalidStay, reason `occupancy_not_changeable`): which room the guests join or leave
        is not the agent's to guess."""
        ...

    async def cancel_booking(self, pms_id: str) -> Booking:
        """Cancel; the rooms become available again."""
        ...

    async def health(self) -> PmsHealth:
        """Can we talk to the PMS with our credentials?"""
        ...
