"""The agent's booking policy: each rule, its boundary, and the reason the guest is given."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hotel_agent.pms.errors import InvalidStay
from hotel_agent.pms.policy import (
    StayPolicy,
    apply_change,
    validate_guest,
    validate_party_fits,
    validate_stay,
)
from hotel_agent.pms.port import GuestDetails, RoomType, Stay, StayChange

TODAY = date(2026, 3, 10)
POLICY = StayPolicy(max_nights=30, horizon_days=365, max_rooms=5)


def stay(
    check_in: date = TODAY + timedelta(days=7),
    nights: int = 2,
    adults: int = 2,
    children: int = 0,
    rooms: int = 1,
) -> Stay:
    return Stay(
        check_in=check_in,
        check_out=check_in + timedelta(days=nights),
        adults=adults,
        children=children,
        rooms=rooms,
    )


def room(max_adults: int, max_children: int, max_guests: int, code: str = "R") -> RoomType:
    return RoomType(
        id=code,
        names={"en": code},
        max_adults=max_adults,
        max_children=max_children,
        max_guests=max_guests,
    )


@pytest.mark.parametrize(
    "accepted",
    [
        stay(check_in=TODAY),  # arriving today
        stay(nights=30),  # the longest stay
        stay(check_in=TODAY + timedelta(days=365)),  # the furthest arrival
        stay(adults=5, rooms=5),  # the most rooms
    ],
)
def test_stays_within_the_policy_pass(accepted: Stay) -> None:
    validate_stay(accepted, today=TODAY, policy=POLICY)


@pytest.mark.parametrize(
    ("refused", "reason"),
    [
        (stay(nights=0), "the check-out date must be after the check-in date"),
        (stay(nights=-2), "the check-out date must be after the check-in date"),
        (stay(check_in=TODAY - timedelta(days=1)), "the check-in date 2026-03-09 is in the past"),
        (stay(check_in=TODAY + timedelta(days=366)), "bookings open only 365 days ahead"),
        (stay(nights=31), "a stay can last at most 30 nights"),
        (stay(adults=0), "at least one adult must stay"),
        (stay(children=-1), "the number of children cannot be negative"),
        (stay(rooms=0), "between 1 and 5 rooms can be booked at once"),
        (stay(adults=6, rooms=6), "between 1 and 5 rooms can be booked at once"),
    ],
)
def test_each_rule_refuses_with_its_reason(refused: Stay, reason: str) -> None:
    with pytest.raises(InvalidStay) as raised:
        validate_stay(refused, today=TODAY, policy=POLICY)
    assert str(raised.value) == reason


def test_the_policy_is_configurable() -> None:
    strict = StayPolicy(max_nights=7, horizon_days=30, max_rooms=1)
    with pytest.raises(InvalidStay, match="at most 7 nights"):
        validate_stay(stay(nights=8), today=TODAY, policy=strict)
    with pytest.raises(InvalidStay, match="only 30 days ahead"):
        validate_stay(stay(check_in=TODAY + timedelta(days=31)), today=TODAY, policy=strict)
    with pytest.raises(InvalidStay, match="between 1 and 1 rooms"):
        validate_stay(stay(rooms=2), today=TODAY, policy=strict)


def test_a_party_fits_when_one_room_type_holds_each_room() -> None:
    double, family = room(2, 1, 3, "double"), room(3, 2, 4, "family")
    validate_party_fits(stay(adults=3, children=1), [double, family])
    # Five adults in three rooms: two per room at most, a double holds that.
    validate_party_fits(stay(adults=5, rooms=3), [double])
    # Three children in two rooms: two in one of them, too many for a double.
    with pytest.raises(InvalidStay):
        validate_party_fits(stay(adults=2, children=3, rooms=2), [double])
    validate_party_fits(stay(adults=2, children=3, rooms=2), [double, family])


@pytest.mark.parametrize(
    ("party", "limits", "rooms_needed"),
    [
        (stay(adults=3), "3 adult(s) and 0 child(ren) in 1 room(s)", 2),
        (stay(adults=2, children=2), "2 adult(s) and 2 child(ren) in 1 room(s)", 2),
        (stay(adults=5, rooms=2), "5 adult(s) and 0 child(ren) in 2 room(s)", 3),
    ],
)
def test_a_party_no_room_holds_is_refused_with_the_adult_and_child_limits(
    party: Stay, limits: str, rooms_needed: int
) -> None:
    with pytest.raises(InvalidStay) as raised:
        validate_party_fits(party, [room(2, 1, 3)])
    assert str(raised.value) == (
        f"no room holds {limits}; a room takes at most 2 adults and 1 children"
    )
    # 3 adults is no "3 guests, the largest takes 3": the limit is 2 adults, so two rooms.
    assert raised.value.params["rooms_needed"] == rooms_needed


def test_no_room_types_hold_nobody() -> None:
    with pytest.raises(InvalidStay, match="at most 0 adults") as raised:
        validate_party_fits(stay(adults=1), [])
    assert raised.value.params["rooms_needed"] == 0


@pytest.mark.parametrize(
    "guest",
    [
        GuestDetails(name="Ana García", email="ana.garcia@example.com"),
        GuestDetails(name="Ana", email=" ana+hotel@mail.example.es ", phone="+34 600 12 34 56"),
        GuestDetails(name="O'Neil", email="o'neil@example.co.uk", phone="(0034) 600-123-456"),
    ],
)
def test_valid_guests_pass(guest: GuestDetails) -> None:
    validate_guest(guest)


@pytest.mark.parametrize(
    ("guest", "reason"),
    [
        (GuestDetails(name="  ", email="ana@example.com"), "the guest's name is missing"),
        (
            GuestDetails(name="Ana", email="ana@example"),
            "'ana@example' is not a valid e-mail address",
        ),
        (
            GuestDetails(name="Ana", email="ana garcia@example.com"),
            "'ana garcia@example.com' is not a valid e-mail address",
        ),
        (
            GuestDetails(name="Ana", email="@example.com"),
            "'@example.com' is not a valid e-mail address",
        ),
        (
            GuestDetails(name="Ana", email="ana@example.com", phone="12345"),
            "'12345' is not a valid phone number",
        ),
        (
            GuestDetails(name="Ana", email="ana@example.com", phone="call me"),
            "'call me' is not a valid phone number",
        ),
    ],
)
def test_invalid_guests_are_refused_with_the_reason(guest: GuestDetails, reason: str) -> None:
    with pytest.raises(InvalidStay) as raised:
        validate_guest(guest)
    assert str(raised.value) == reason


def test_a_change_replaces_only_what_it_names() -> None:
    current = stay(adults=2, children=1, rooms=2)
    later = current.check_out + timedelta(days=3)
    assert apply_change(current, StayChange(check_out=later)) == current.model_copy(
        update={"check_out": later}
    )
    assert apply_change(current, StayChange(adults=3, children=0)) == current.model_copy(
        update={"adults": 3, "children": 0}
    )
    assert apply_change(current, StayChange()) == current
