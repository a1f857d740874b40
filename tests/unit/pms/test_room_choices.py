"""Which rooms to offer a party that needs several: the cheapest mix of types first, then
each single type that holds everybody, never more rooms of a type than are free."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hotel_agent.pms.port import Offer, Stay
from hotel_agent.pms.rooms import RoomParty, cheapest_choices
from tests.unit.pms.test_policy import room

CHECK_IN, CHECK_OUT = date(2027, 3, 1), date(2027, 3, 3)
DOUBLE, SINGLE, FAMILY = room(2, 0, 2, "DBL"), room(1, 0, 1, "SGL"), room(2, 2, 4, "FAM")
PRICE = {"DBL": Decimal("100.00"), "SGL": Decimal("60.00"), "FAM": Decimal("180.00")}


def offers(left: dict[str, int]) -> dict[tuple[int, int], list[Offer]]:
    """One room for each party the tests use, of every type that holds it."""
    found: dict[tuple[int, int], list[Offer]] = {}
    for party in [(2, 0), (1, 0), (2, 2)]:
        stay = Stay(check_in=CHECK_IN, check_out=CHECK_OUT, adults=party[0], children=party[1])
        found[party] = [
            Offer(
                room_type=room_type,
                stay=stay,
                nightly_price=PRICE[room_type.id] / 2,
                total_price=PRICE[room_type.id],
                currency="EUR",
                rooms_left=left[room_type.id],
            )
            for room_type in (DOUBLE, SINGLE, FAMILY)
            if room_type.fits(*party) and left[room_type.id]
        ]
    return found


def choices(parties: list[RoomParty], left: dict[str, int]) -> list[tuple[list[str], Decimal]]:
    found = cheapest_choices(CHECK_IN, CHECK_OUT, parties, offers(left))
    return [(sorted(r.line.room_type_id for r in q.rooms), q.total_price) for q in found]


def test_a_couple_and_a_single_traveller_get_the_cheapest_mix_then_one_type() -> None:
    parties = [RoomParty(adults=2), RoomParty(adults=1)]
    assert choices(parties, {"DBL": 5, "SGL": 5, "FAM": 1}) == [
        (["DBL", "SGL"], Decimal("160.00")),
        (["DBL", "DBL"], Decimal("200.00")),
    ]


def test_never_more_rooms_of_a_type_than_are_free() -> None:
    parties = [RoomParty(adults=1), RoomParty(adults=1)]
    assert choices(parties, {"DBL": 5, "SGL": 1, "FAM": 2}) == [
        (["DBL", "SGL"], Decimal("160.00")),
        (["DBL", "DBL"], Decimal("200.00")),
        (["FAM", "FAM"], Decimal("360.00")),
    ]


def test_a_family_and_grandparents_keep_their_party_and_the_ages() -> None:
    family = RoomParty(adults=2, children=2, child_ages=[4, 9])
    [cheapest] = cheapest_choices(
        CHECK_IN,
        CHECK_OUT,
        [family, RoomParty(adults=2)],
        offers({"DBL": 1, "SGL": 0, "FAM": 1}),
    )
    assert [(r.line.room_type_id, r.line.adults, r.line.child_ages) for r in cheapest.rooms] == [
        ("FAM", 2, [4, 9]),
        ("DBL", 2, []),
    ]
    assert cheapest.total_price == Decimal("280.00") and cheapest.currency == "EUR"


def test_no_choice_when_a_party_has_no_room_free() -> None:
    parties = [RoomParty(adults=2, children=2), RoomParty(adults=2)]
    assert choices(parties, {"DBL": 5, "SGL": 5, "FAM": 0}) == []
