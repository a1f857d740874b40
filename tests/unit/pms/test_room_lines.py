"""Bookings made of rooms: a one-type request spread over its rooms, a mixed request's party,
and the per-room rules every PMS applies."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from hotel_agent.pms.errors import InvalidStay
from hotel_agent.pms.policy import validate_rooms
from hotel_agent.pms.port import BookingRequest, GuestDetails, RoomLine, Stay, even_rooms
from tests.unit.pms.test_policy import room

CHECK_IN, CHECK_OUT = date(2027, 2, 10), date(2027, 2, 12)
GUEST = GuestDetails(name="Ana Ruiz", email="ana@example.com")


def test_one_type_spreads_the_party_fuller_rooms_first_with_the_ages() -> None:
    stay = Stay(
        check_in=CHECK_IN, check_out=CHECK_OUT, adults=5, children=2, rooms=3, child_ages=[4, 9]
    )
    assert even_rooms(stay, "DBL") == [
        RoomLine(room_type_id="DBL", adults=2, children=1, child_ages=[4]),
        RoomLine(room_type_id="DBL", adults=2, children=1, child_ages=[9]),
        RoomLine(room_type_id="DBL", adults=1, children=0),
    ]


def test_ages_that_are_not_all_known_are_not_guessed_onto_rooms() -> None:
    stay = Stay(
        check_in=CHECK_IN, check_out=CHECK_OUT, adults=2, children=2, rooms=2, child_ages=[4]
    )
    assert [line.child_ages for line in even_rooms(stay, "DBL")] == [[], []]


def test_a_request_of_mixed_rooms_carries_the_whole_party() -> None:
    family = RoomLine(room_type_id="FAM", adults=2, children=2, child_ages=[5, 8])
    grandparents = RoomLine(room_type_id="DBL", adults=2)
    request = BookingRequest.for_rooms(
        check_in=CHECK_IN,
        check_out=CHECK_OUT,
        rooms=[family, grandparents],
        guest=GUEST,
        idempotency_key="k",
    )
    assert request.room_type_id == "FAM"
    assert (request.stay.adults, request.stay.children, request.stay.rooms) == (4, 2, 2)
    assert request.stay.child_ages == [5, 8]
    assert request.lines() == [family, grandparents]


def test_a_one_type_request_lists_its_rooms() -> None:
    stay = Stay(check_in=CHECK_IN, check_out=CHECK_OUT, adults=3, rooms=2)
    request = BookingRequest(stay=stay, room_type_id="DBL", guest=GUEST, idempotency_key="k")
    assert [(line.room_type_id, line.adults) for line in request.lines()] == [
        ("DBL", 2),
        ("DBL", 1),
    ]


@pytest.mark.parametrize(
    ("first_type", "second"),
    [
        ("DBL", RoomLine(room_type_id="SGL", adults=2)),  # 4 adults in rooms, 3 in the stay
        ("SGL", RoomLine(room_type_id="SGL", adults=1)),  # the first room is a DBL
    ],
)
def test_rooms_that_disagree_with_the_request_are_refused(
    first_type: str, second: RoomLine
) -> None:
    stay = Stay(check_in=CHECK_IN, check_out=CHECK_OUT, adults=3, rooms=2)
    with pytest.raises(ValidationError):
        BookingRequest(
            stay=stay,
            room_type_id=first_type,
            guest=GUEST,
            idempotency_key="k",
            room_lines=[RoomLine(room_type_id="DBL", adults=2), second],
        )


def test_each_room_must_fit_its_party_and_have_an_adult() -> None:
    catalogue = [room(2, 1, 3, "DBL"), room(1, 0, 1, "SGL")]
    validate_rooms(
        [
            RoomLine(room_type_id="DBL", adults=2, children=1),
            RoomLine(room_type_id="SGL", adults=1),
        ],
        catalogue,
    )
    with pytest.raises(InvalidStay) as too_small:
        validate_rooms([RoomLine(room_type_id="SGL", adults=2)], catalogue)
    assert too_small.value.reason == "room_too_small"
    assert too_small.value.params["room_type"] == "SGL"
    with pytest.raises(InvalidStay) as no_adult:
        validate_rooms([RoomLine(room_type_id="DBL", adults=0, children=1)], catalogue)
    assert no_adult.value.reason == "no_adult"
    with pytest.raises(InvalidStay):
        validate_rooms([RoomLine(room_type_id="PENTHOUSE", adults=1)], catalogue)
