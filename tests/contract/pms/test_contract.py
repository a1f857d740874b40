"""What the agent relies on from any PMS, checked against every adapter (see conftest.py).

Nothing here assumes one hotel's data: room types, capacities and rooms left are discovered
through the port. Stays start a week or more ahead, so the hotel's time zone never matters.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from hotel_agent.pms.errors import BookingNotFound, InvalidStay, RoomUnavailable
from hotel_agent.pms.policy import StayPolicy
from hotel_agent.pms.port import (
    Booking,
    BookingRequest,
    BookingStatus,
    GuestDetails,
    Offer,
    Pms,
    RoomType,
    Stay,
    StayChange,
)

# Every test has guests of its own: a live PMS keeps the bookings of earlier tests and runs.
_RUN = {"tag": ""}


@pytest.fixture(autouse=True)
async def _fresh_guests(pms: Pms) -> AsyncIterator[None]:
    _RUN["tag"] = uuid.uuid4().hex[:10]
    yield
    # A live PMS keeps what a test booked: its rooms are given back so the suite runs again.
    for template in (LUCIA, ANA):
        for booking in await pms.find_bookings(email=email_of(template)):
            if booking.status is BookingStatus.CONFIRMED:
                await pms.cancel_booking(booking.pms_id)


def email_of(template: str) -> str:
    """ "lucia.martin{tag}@example.com" → this test's own address."""
    return template.format(tag="." + _RUN["tag"])


LUCIA = "lucia.martin{tag}@example.com"
ANA = "ana.lopez{tag}@example.com"
POLICY = StayPolicy()  # the subjects' policy: 30 nights, 365 days ahead, 5 rooms
CENT = Decimal("0.01")


def stay(days_ahead: int, nights: int, adults: int = 1, children: int = 0, rooms: int = 1) -> Stay:
    check_in = date.today() + timedelta(days=days_ahead)
    return Stay(
        check_in=check_in,
        check_out=check_in + timedelta(days=nights),
        adults=adults,
        children=children,
        rooms=rooms,
    )


def request(the_stay: Stay, room_type_id: str, *, email: str = LUCIA) -> BookingRequest:
    return BookingRequest(
        stay=the_stay,
        room_type_id=room_type_id,
        guest=GuestDetails(name="Lucía Martín", email=email_of(email), phone="+34 600 111 222"),
        idempotency_key=uuid.uuid4().hex,
    )


def per_room(the_stay: Stay) -> tuple[int, int]:
    """The party in each room, larger rooms first (the policy's rule)."""
    return -(-the_stay.adults // the_stay.rooms), -(-the_stay.children // the_stay.rooms)


def offer_for(offers: list[Offer], room_type_id: str) -> Offer | None:
    return next((offer for offer in offers if offer.room_type.id == room_type_id), None)


async def scarcest_offer(pms: Pms, the_stay: Stay) -> Offer:
    offers = await pms.search(the_stay)
    assert offers, "the subject hotel must have rooms free"
    return min(offers, key=lambda offer: offer.rooms_left)


async def book_out(pms: Pms, room_type_id: str, check_in: date, check_out: date) -> list[Booking]:
    """Book every room of a type still free over these nights, in policy-sized bookings."""
    window = Stay(check_in=check_in, check_out=check_out, adults=1)
    offer = offer_for(await pms.search(window), room_type_id)
    assert offer is not None
    bookings, left = [], offer.rooms_left
    while left:
        rooms = min(left, POLICY.max_rooms)
        chunk = window.model_copy(update={"adults": rooms, "rooms": rooms})
        bookings.append(await pms.create_booking(request(chunk, room_type_id)))
        left -= rooms
    return bookings


async def test_hotel_profile(pms: Pms) -> None:
    hotel = await pms.hotel()
    assert hotel.name.strip()
    assert len(hotel.currency) == 3
    assert hotel.check_in_time != hotel.check_out_time


async def test_room_types_have_names_and_capacities(pms: Pms) -> None:
    room_types = await pms.room_types()
    assert room_types
    assert len({room_type.id for room_type in room_types}) == len(room_types)
    for room_type in room_types:
        assert all(name.strip() for name in room_type.names.values()) and room_type.names
        assert room_type.max_adults >= 1 and room_type.max_guests >= 1
        assert room_type.max_children >= 0


async def test_offers_are_priced_and_available(pms: Pms) -> None:
    hotel = await pms.hotel()
    the_stay = stay(20, 3)
    offers = await pms.search(the_stay)
    assert offers
    for offer in offers:
        assert offer.stay == the_stay
        assert offer.currency == hotel.currency
        assert offer.total_price > 0 and offer.nightly_price > 0
        assert abs(offer.nightly_price * 3 - offer.total_price) <= 3 * CENT
        assert offer.rooms_left >= 1


async def test_two_rooms_cost_twice_one_and_splitting_a_stay_never_costs_less(pms: Pms) -> None:
    whole = {offer.room_type.id: offer.total_price for offer in await pms.search(stay(40, 2))}
    first = {offer.room_type.id: offer.total_price for offer in await pms.search(stay(40, 1))}
    second = {offer.room_type.id: offer.total_price for offer in await pms.search(stay(41, 1))}
    two_rooms = {
        o.room_type.id: o.total_price for o in await pms.search(stay(40, 2, adults=2, rooms=2))
    }
    for room_type_id, total in whole.items():
        # A PMS may charge some things once per booking (QloApps' "Internet Handling
        # Charges"), so two bookings of one night each cost at least the two-night stay.
        # Rounding per night is the PMS's choice: allow a cent per night.
        assert first[room_type_id] + second[room_type_id] >= total - 2 * CENT
        assert abs(two_rooms[room_type_id] - 2 * total) <= 4 * CENT


@pytest.mark.parametrize(
    ("adults", "children", "rooms"), [(1, 0, 1), (2, 0, 1), (2, 1, 1), (3, 0, 2), (4, 2, 2)]
)
async def test_search_offers_exactly_the_room_types_that_fit(
    pms: Pms, adults: int, children: int, rooms: int
) -> None:
    room_types = await pms.room_types()
    the_stay = stay(30, 2, adults=adults, children=children, rooms=rooms)
    fitting = {rt.id for rt in room_types if rt.fits(*per_room(the_stay))}
    if not fitting:
        with pytest.raises(InvalidStay):
            await pms.search(the_stay)
        return
    assert {offer.room_type.id for offer in await pms.search(the_stay)} == fitting


async def test_a_party_no_room_holds_is_refused(pms: Pms) -> None:
    room_types = await pms.room_types()
    too_many = max(rt.max_guests for rt in room_types) + 1
    with pytest.raises(InvalidStay):
        await pms.search(stay(30, 2, adults=too_many))
    too_many_adults = max(rt.max_adults for rt in room_types) + 1
    with pytest.raises(InvalidStay):
        await pms.search(stay(30, 2, adults=too_many_adults))
    # The same adults in two rooms fit: the rule is per room.
    split = await pms.search(stay(30, 2, adults=too_many_adults, rooms=2))
    assert split and all(o.room_type.fits(*per_room(o.stay)) for o in split)


async def test_booking_a_room_type_too_small_for_the_party_is_refused(pms: Pms) -> None:
    smallest = min(await pms.room_types(), key=lambda rt: rt.max_adults)
    too_big = request(stay(30, 2, adults=smallest.max_adults + 1), smallest.id)
    with pytest.raises(InvalidStay):
        await pms.create_booking(too_big)
    assert await pms.find_booking_for(too_big) is None


async def test_book_get_and_find(pms: Pms) -> None:
    offer = (await pms.search(stay(25, 2, adults=2)))[0]
    booking_request = request(offer.stay, offer.room_type.id, email="Ana.Lopez{tag}@Example.com")
    booking = await pms.create_booking(booking_request)
    assert booking.status is BookingStatus.CONFIRMED
    assert booking.stay == offer.stay and booking.room_type_id == offer.room_type.id
    assert booking.total_price == offer.total_price and booking.currency == offer.currency
    assert booking.reference

    assert await pms.get_booking(booking.pms_id) == booking
    assert await pms.find_booking_for(booking_request) == booking
    by_email = await pms.find_bookings(email=email_of(ANA))
    assert [found.pms_id for found in by_email] == [booking.pms_id]
    by_reference = await pms.find_bookings(reference=booking.reference)
    assert [found.pms_id for found in by_reference] == [booking.pms_id]
    assert await pms.find_bookings(email="someone.else@example.com") == []
    # Criteria combine with AND: a reference with somebody else's e-mail finds nothing.
    both = await pms.find_bookings(reference=booking.reference, email=email_of(ANA))
    assert [found.pms_id for found in both] == [booking.pms_id]
    assert await pms.find_bookings(reference=booking.reference, email="x@example.com") == []
    assert await pms.find_bookings() == []


async def test_unknown_bookings(pms: Pms) -> None:
    with pytest.raises(BookingNotFound):
        await pms.get_booking("987654")
    assert await pms.find_booking_for(request(stay(25, 2), "1")) is None


async def test_the_same_idempotency_key_books_once(pms: Pms) -> None:
    offer = await scarcest_offer(pms, stay(50, 2))
    booking_request = request(offer.stay, offer.room_type.id)
    first = await pms.create_booking(booking_request)
    again = await pms.create_booking(booking_request)
    assert again.pms_id == first.pms_id and again.reference == first.reference
    after = offer_for(await pms.search(offer.stay), offer.room_type.id)
    left = after.rooms_left if after else 0
    assert left == offer.rooms_left - 1


async def test_the_last_room_goes_once_and_returns_on_cancel(pms: Pms) -> None:
    the_stay = stay(60, 3)
    room_type_id = (await scarcest_offer(pms, the_stay)).room_type.id
    bookings = await book_out(pms, room_type_id, the_stay.check_in, the_stay.check_out)
    assert offer_for(await pms.search(the_stay), room_type_id) is None

    with pytest.raises(RoomUnavailable):
        await pms.create_booking(request(the_stay, room_type_id))

    cancelled = await pms.cancel_booking(bookings[-1].pms_id)
    assert cancelled.status is BookingStatus.CANCELLED
    back = offer_for(await pms.search(the_stay), room_type_id)
    assert back is not None and back.rooms_left == bookings[-1].stay.rooms
    assert (await pms.cancel_booking(bookings[-1].pms_id)).status is BookingStatus.CANCELLED
    assert (await pms.get_booking(bookings[-1].pms_id)).status is BookingStatus.CANCELLED


async def test_modifying_dates_moves_the_rooms_and_reprices(pms: Pms) -> None:
    old, new = stay(70, 2), stay(90, 4)
    offer = await scarcest_offer(pms, old)
    room_type_id = offer.room_type.id
    new_offer = offer_for(await pms.search(new), room_type_id)
    assert new_offer is not None
    booking = await pms.create_booking(request(old, room_type_id))

    changed = await pms.modify_booking(
        booking.pms_id, StayChange(check_in=new.check_in, check_out=new.check_out)
    )
    assert changed.stay == new and changed.total_price == new_offer.total_price
    assert changed.status is BookingStatus.CONFIRMED
    assert await pms.get_booking(booking.pms_id) == changed
    freed = offer_for(await pms.search(old), room_type_id)
    taken = offer_for(await pms.search(new), room_type_id)
    assert freed is not None and freed.rooms_left == offer.rooms_left
    assert (taken.rooms_left if taken else 0) == new_offer.rooms_left - 1


async def test_modifying_into_a_sold_out_period_keeps_the_booking(pms: Pms) -> None:
    here, sold_out = stay(100, 2), stay(120, 2)
    room_type_id = (await scarcest_offer(pms, sold_out)).room_type.id
    booking = await pms.create_booking(request(here, room_type_id))
    await book_out(pms, room_type_id, sold_out.check_in, sold_out.check_out)

    with pytest.raises(RoomUnavailable):
        await pms.modify_booking(
            booking.pms_id, StayChange(check_in=sold_out.check_in, check_out=sold_out.check_out)
        )
    assert await pms.get_booking(booking.pms_id) == booking


async def test_a_cancelled_booking_cannot_be_modified(pms: Pms) -> None:
    offer = (await pms.search(stay(80, 2)))[0]
    booking = await pms.create_booking(request(offer.stay, offer.room_type.id))
    await pms.cancel_booking(booking.pms_id)
    with pytest.raises(InvalidStay):
        await pms.modify_booking(booking.pms_id, StayChange(check_out=stay(80, 3).check_out))
    assert (await pms.get_booking(booking.pms_id)).stay == booking.stay


def _bad_stays() -> dict[str, Stay]:
    good = stay(30, 2)
    return {
        "check-out before check-in": good.model_copy(
            update={"check_out": good.check_in - timedelta(days=1)}
        ),
        "check-out on check-in": good.model_copy(update={"check_out": good.check_in}),
        "past check-in": stay(-3, 5),
        "over max nights": stay(30, POLICY.max_nights + 1),
        "beyond horizon": stay(POLICY.horizon_days + 10, 2),
        "no adult": stay(30, 2, adults=0),
        "negative children": stay(30, 2, children=-1),
        "too many rooms": stay(30, 2, adults=POLICY.max_rooms + 1, rooms=POLICY.max_rooms + 1),
    }


@pytest.mark.parametrize("case", sorted(_bad_stays()))
async def test_an_impossible_stay_is_refused_and_books_nothing(pms: Pms, case: str) -> None:
    bad = _bad_stays()[case]
    room_type: RoomType = (await pms.room_types())[0]
    with pytest.raises(InvalidStay):
        await pms.search(bad)
    booking_request = request(bad, room_type.id)
    with pytest.raises(InvalidStay):
        await pms.create_booking(booking_request)
    assert await pms.find_booking_for(booking_request) is None
    assert await pms.find_bookings(email=email_of(LUCIA)) == []


@pytest.mark.parametrize(
    ("case", "email", "room_type_id"),
    [
        ("malformed e-mail", "lucia.martin{tag}@", None),
        ("e-mail with spaces", "lucia martin{tag}@example.com", None),
        ("unknown room type", LUCIA, "987654"),
    ],
)
async def test_a_bad_booking_request_is_refused_and_books_nothing(
    pms: Pms, case: str, email: str, room_type_id: str | None
) -> None:
    room_type_id = room_type_id or (await pms.room_types())[0].id
    booking_request = request(stay(30, 2), room_type_id, email=email)
    with pytest.raises(InvalidStay):
        await pms.create_booking(booking_request)
    assert await pms.find_booking_for(booking_request) is None
    assert await pms.find_bookings(email=email_of(LUCIA)) == []
