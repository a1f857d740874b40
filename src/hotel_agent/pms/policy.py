"""The agent's own booking policy, checked before any PMS call.

QloApps applies no date policy at all (past dates and dates years ahead are accepted), so the
agent decides what a guest may book; the simulator applies the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hotel_agent.pms.errors import InvalidStay
from hotel_agent.pms.port import GuestDetails, RoomLine, RoomType, Stay, StayChange

# Deliberately simple: one @, a dot in the domain, no spaces. Full RFC 5322 would accept
# addresses no hotel can write back to.
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


@dataclass(frozen=True)
class StayPolicy:
    max_nights: int = 30
    horizon_days: int = 365
    max_rooms: int = 5


def validate_stay(stay: Stay, *, today: date, policy: StayPolicy) -> None:
    """Raise InvalidStay with a clear reason when no PMS could accept this stay."""
    if stay.check_out <= stay.check_in:
        raise InvalidStay(
            "the check-out date must be after the check-in date", reason="check_out_not_after"
        )
    if stay.check_in < today:
        raise InvalidStay(f"the check-in date {stay.check_in} is in the past", reason="past")
    if (stay.check_in - today).days > policy.horizon_days:
        raise InvalidStay(
            f"bookings open only {policy.horizon_days} days ahead",
            reason="beyond_horizon",
            params={"days": policy.horizon_days},
        )
    if stay.nights > policy.max_nights:
        raise InvalidStay(
            f"a stay can last at most {policy.max_nights} nights",
            reason="too_long",
            params={"nights": policy.max_nights},
        )
    if stay.adults < 1:
        raise InvalidStay("at least one adult must stay", reason="no_adult")
    if stay.children < 0:
        raise InvalidStay("the number of children cannot be negative", reason="no_adult")
    if not 1 <= stay.rooms <= policy.max_rooms:
        raise InvalidStay(
            f"between 1 and {policy.max_rooms} rooms can be booked at once",
            reason="rooms",
            params={"rooms": policy.max_rooms},
        )


def party_fits(stay: Stay, room_type: RoomType) -> bool:
    """Whether rooms of this type hold the party in the rooms asked for (larger rooms first)."""
    adults = -(-stay.adults // stay.rooms)  # per room, rounded up
    children = -(-stay.children // stay.rooms) if stay.children else 0
    return room_type.fits(adults, children)


def validate_party_fits(stay: Stay, room_types: list[RoomType]) -> None:
    """Raise InvalidStay when no room type can hold the party in the rooms asked for."""
    if not any(party_fits(stay, room_type) for room_type in room_types):
        # Adults and children have limits of their own: "the largest takes 4" is no answer to
        # 3 adults when every room takes 2 adults and 2 children.
        max_adults = max((rt.max_adults for rt in room_types), default=0)
        max_children = max((rt.max_children for rt in room_types), default=0)
        raise InvalidStay(
            f"no room holds {stay.adults} adult(s) and {stay.children} child(ren) in "
            f"{stay.rooms} room(s); a room takes at most {max_adults} adults and "
            f"{max_children} children",
            reason="party_too_big",
            params={
                "guests": stay.adults + stay.children,
                "max_adults": max_adults,
                "max_children": max_children,
                "rooms_needed": rooms_needed(stay, room_types),
            },
        )


def validate_rooms(lines: list[RoomLine], room_types: list[RoomType]) -> None:
    """Raise InvalidStay unless every room has a known type, an adult, and fits its party."""
    by_id = {room_type.id: room_type for room_type in room_types}
    for line in lines:
        room_type = by_id.get(line.room_type_id)
        if room_type is None:
            raise InvalidStay(f"there is no room type '{line.room_type_id}'")
        if line.adults < 1 or line.children < 0:
            # QloApps books no room without an adult; the simulator keeps the same rule.
            raise InvalidStay("each room needs at least one adult", reason="no_adult")
        if not room_type.fits(line.adults, line.children):
            raise InvalidStay(
                f"a {room_type.name('en')} room does not hold {line.adults} adult(s) and "
                f"{line.children} child(ren)",
                reason="room_too_small",
                params={
                    "room_type": room_type.id,
                    "adults": line.adults,
                    "children": line.children,
                    "max_adults": room_type.max_adults,
                    "max_children": room_type.max_children,
                    "max_guests": room_type.max_guests,
                },
            )


def rooms_needed(stay: Stay, room_types: list[RoomType]) -> int:
    """The fewest rooms of one type that hold the party (0 when none up to one per adult)."""
    for rooms in range(1, stay.adults + 1):
        adults = -(-stay.adults // rooms)
        children = -(-stay.children // rooms) if stay.children else 0
        if any(room_type.fits(adults, children) for room_type in room_types):
            return rooms
    return 0


def validate_guest(guest: GuestDetails) -> None:
    if not guest.name.strip():
        raise InvalidStay("the guest's name is missing", reason="name")
    if not _EMAIL.match(guest.email.strip()):
        raise InvalidStay(f"'{guest.email}' is not a valid e-mail address", reason="email")
    if guest.phone is not None and not _PHONE.match(guest.phone.strip()):
        raise InvalidStay(f"'{guest.phone}' is not a valid phone number", reason="phone")


def apply_change(stay: Stay, change: StayChange) -> Stay:
    """The stay after a change (validate the result with `validate_stay`)."""
    update = {key: value for key, value in change.model_dump().items() if value is not None}
    if change.children is not None and change.child_ages is None:
        update["child_ages"] = []  # the old ages were of other children
    return stay.model_copy(update=update)
