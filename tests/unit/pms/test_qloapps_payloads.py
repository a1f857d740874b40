"""What the QloApps adapter sends and how it reads QloApps' answers back (no I/O)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hotel_agent.pms.errors import InvalidStay
from hotel_agent.pms.port import Booking, BookingStatus, GuestDetails, Stay
from hotel_agent.pms.qloapps import payloads as wire

STAY = Stay(
    check_in=date(2027, 1, 10),
    check_out=date(2027, 1, 12),
    adults=3,
    children=3,
    rooms=2,
    child_ages=[4, 9, 12],
)


def test_each_room_gets_its_childrens_ages_and_the_automatic_services() -> None:
    entry = wire.stay_entry("2", STAY, [5, 6])

    assert entry["number_of_rooms"] == 2
    assert [(r["adult"], r["child"], r.get("child_ages")) for r in entry["rooms"]] == [
        (2, 2, [4, 9]),
        (1, 1, [12]),
    ]
    assert all(r["services"] == [{"id_service": 5}, {"id_service": 6}] for r in entry["rooms"])


def test_children_without_their_ages_are_refused_before_sending() -> None:
    with pytest.raises(InvalidStay) as refused:
        wire.stay_entry("2", STAY.model_copy(update={"child_ages": [4]}), [])
    assert refused.value.reason == "child_ages"


def test_a_booking_stored_otherwise_than_asked_is_noticed() -> None:
    stored = Booking(
        pms_id="7",
        reference="ABC",
        status=BookingStatus.CONFIRMED,
        stay=STAY.model_copy(update={"children": 0, "child_ages": []}),
        room_type_id="2",
        guest=GuestDetails(name="Ana Ruiz", email="ana@example.com"),
        total_price=Decimal("100.00"),
        currency="USD",
    )
    assert not wire.same_booking(STAY, "2", stored)
    assert wire.same_booking(STAY.model_copy(update={"children": 0, "child_ages": []}), "2", stored)
    assert not wire.same_booking(STAY.model_copy(update={"children": 0}), "3", stored)


@pytest.mark.parametrize(("stored", "ages"), [("[4, 9]", [4, 9]), ("[]", []), ("", []), ("x", [])])
def test_ages_as_qloapps_stores_them(stored: str, ages: list[int]) -> None:
    assert wire.ages(stored) == ages
