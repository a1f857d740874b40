"""What the QloApps adapter sends and how it reads QloApps' answers back (no I/O)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hotel_agent.pms.errors import InvalidStay
from hotel_agent.pms.port import (
    Booking,
    BookingStatus,
    GuestDetails,
    RoomLine,
    Stay,
    even_rooms,
)
from hotel_agent.pms.qloapps import payloads as wire

STAY = Stay(
    check_in=date(2027, 1, 10),
    check_out=date(2027, 1, 12),
    adults=3,
    children=3,
    rooms=2,
    child_ages=[4, 9, 12],
)


def entries(stay: Stay, services: dict[str, list[int]]) -> list[dict[str, object]]:
    return wire.stay_entries(stay.check_in, stay.check_out, even_rooms(stay, "2"), services)


def test_each_room_gets_its_childrens_ages_and_the_automatic_services() -> None:
    [entry] = entries(STAY, {"2": [5, 6]})

    assert entry["number_of_rooms"] == 2
    assert [(r["adult"], r["child"], r.get("child_ages")) for r in entry["rooms"]] == [
        (2, 2, [4, 9]),
        (1, 1, [12]),
    ]
    assert all(r["services"] == [{"id_service": 5}, {"id_service": 6}] for r in entry["rooms"])


def test_rooms_of_several_types_are_one_entry_per_type_in_one_booking() -> None:
    lines = [
        RoomLine(room_type_id="3", adults=2, children=2, child_ages=[5, 8]),
        RoomLine(room_type_id="1", adults=2),
        RoomLine(room_type_id="3", adults=1),
    ]
    sent = wire.stay_entries(STAY.check_in, STAY.check_out, lines, {"1": [5]})

    assert [(e["id_room_type"], e["number_of_rooms"]) for e in sent] == [(3, 2), (1, 1)]
    assert sent[0]["rooms"] == [
        {"adult": 2, "child": 2, "child_ages": [5, 8]},
        {"adult": 1, "child": 0},
    ]
    assert sent[1]["rooms"] == [{"adult": 2, "child": 0, "services": [{"id_service": 5}]}]
    assert all(e["checkin_date"] == "2027-01-10" for e in sent)


def test_children_without_their_ages_are_refused_before_sending() -> None:
    with pytest.raises(InvalidStay) as refused:
        entries(STAY.model_copy(update={"child_ages": [4]}), {})
    assert refused.value.reason == "child_ages"


def test_a_booking_stored_otherwise_than_asked_is_noticed() -> None:
    stored = Booking(
        pms_id="7",
        reference="ABC",
        status=BookingStatus.CONFIRMED,
        stay=STAY.model_copy(update={"children": 0, "child_ages": []}),
        room_type_id="2",
        room_lines=[RoomLine(room_type_id="2", adults=2), RoomLine(room_type_id="2", adults=1)],
        guest=GuestDetails(name="Ana Ruiz", email="ana@example.com"),
        total_price=Decimal("100.00"),
        currency="USD",
    )
    without_children = STAY.model_copy(update={"children": 0, "child_ages": []})
    assert not wire.same_booking(STAY, even_rooms(STAY, "2"), stored)
    assert wire.same_booking(without_children, even_rooms(without_children, "2"), stored)
    assert not wire.same_booking(without_children, even_rooms(without_children, "3"), stored)


@pytest.mark.parametrize(("stored", "ages"), [("[4, 9]", [4, 9]), ("[]", []), ("", []), ("x", [])])
def test_ages_as_qloapps_stores_them(stored: str, ages: list[int]) -> None:
    assert wire.ages(stored) == ages
