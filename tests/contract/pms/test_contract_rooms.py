"""Rooms of several types in one booking ("a family room and a double for the grandparents"),
checked against every adapter: one quote, one booking with one reference, every room with its
party read back, all or nothing when a type is full, and a cancellation that frees them all.
"""

from __future__ import annotations

import uuid

import pytest

from hotel_agent.pms.errors import InvalidStay, RoomUnavailable
from hotel_agent.pms.port import (
    BookingRequest,
    BookingStatus,
    GuestDetails,
    Pms,
    RoomLine,
    Stay,
    StayChange,
)
from hotel_agent.pms.rooms import RoomParty, quote_rooms, room_choices

# The suite's fixture (fresh guests per test, their bookings cancelled after) and helpers.
from tests.contract.pms.test_contract import (  # noqa: F401
    CENT,
    LUCIA,
    _fresh_guests,
    book_out,
    email_of,
    offer_for,
    request,
    stay,
)


def rooms_request(the_stay: Stay, lines: list[RoomLine]) -> BookingRequest:
    return BookingRequest.for_rooms(
        check_in=the_stay.check_in,
        check_out=the_stay.check_out,
        rooms=lines,
        guest=GuestDetails(name="Lucía Martín", email=email_of(LUCIA), phone="+34 600 111 222"),
        idempotency_key=uuid.uuid4().hex,
    )


async def two_types(pms: Pms, the_stay: Stay) -> list[RoomLine]:
    """A room of one type for a family (a child when it takes one) and one of another type for
    two adults (or one, when it takes one adult only)."""
    free = {offer.room_type.id for offer in await pms.search(the_stay)}
    room_types = [rt for rt in await pms.room_types() if rt.id in free]
    assert len(room_types) >= 2, "the subject hotel must have two room types free"
    family, other = room_types[0], room_types[1]
    adults = min(2, family.max_adults)
    children = 1 if family.fits(adults, 1) else 0
    return [
        RoomLine(
            room_type_id=family.id, adults=adults, children=children, child_ages=[7] * children
        ),
        RoomLine(room_type_id=other.id, adults=min(2, other.max_adults)),
    ]


def rooms_of(lines: list[RoomLine]) -> list[tuple[str, int, int]]:
    """Rooms as a PMS may list them back: in any order, without the children's ages."""
    return sorted((line.room_type_id, line.adults, line.children) for line in lines)


async def rooms_left(pms: Pms, the_stay: Stay, room_type_id: str) -> int:
    offer = offer_for(await pms.search(the_stay), room_type_id)
    return offer.rooms_left if offer else 0


async def test_rooms_of_two_types_are_quoted_and_booked_as_one_booking(pms: Pms) -> None:
    the_stay = stay(35, 3)
    lines = await two_types(pms, the_stay)
    types = [line.room_type_id for line in lines]
    before = {room_type_id: await rooms_left(pms, the_stay, room_type_id) for room_type_id in types}

    quote = await quote_rooms(pms, the_stay.check_in, the_stay.check_out, lines)
    for priced, line in zip(quote.rooms, lines, strict=True):
        one_room = Stay(
            check_in=the_stay.check_in,
            check_out=the_stay.check_out,
            adults=line.adults,
            children=line.children,
        )
        offer = offer_for(await pms.search(one_room), line.room_type_id)
        assert offer is not None and priced.total_price == offer.total_price
    assert quote.total_price == sum(room.total_price for room in quote.rooms)

    booking_request = rooms_request(the_stay, lines)
    booking = await pms.create_booking(booking_request)

    assert booking.status is BookingStatus.CONFIRMED and booking.reference
    assert booking.mixed and set(booking.room_type_ids) == set(types)
    assert rooms_of(booking.room_lines) == rooms_of(lines)
    assert (booking.stay.check_in, booking.stay.check_out) == (
        the_stay.check_in,
        the_stay.check_out,
    )
    assert (booking.stay.adults, booking.stay.children, booking.stay.rooms) == (
        sum(line.adults for line in lines),
        sum(line.children for line in lines),
        2,
    )
    # What the guest was quoted is what the booking costs (a cent per room of rounding).
    assert abs(booking.total_price - quote.total_price) <= 2 * CENT
    assert booking.currency == quote.currency

    assert await pms.get_booking(booking.pms_id) == booking
    assert await pms.find_booking_for(booking_request) == booking
    assert [found.pms_id for found in await pms.find_bookings(reference=booking.reference)] == [
        booking.pms_id
    ]
    assert [found.pms_id for found in await pms.find_bookings(email=email_of(LUCIA))] == [
        booking.pms_id
    ]
    for room_type_id in types:
        assert await rooms_left(pms, the_stay, room_type_id) == before[room_type_id] - 1

    again = await pms.create_booking(booking_request)
    assert (again.pms_id, again.reference) == (booking.pms_id, booking.reference)
    for room_type_id in types:
        assert await rooms_left(pms, the_stay, room_type_id) == before[room_type_id] - 1


async def test_the_choices_for_a_family_and_grandparents_book_as_quoted(pms: Pms) -> None:
    the_stay = stay(55, 2)
    family = RoomParty(adults=2, children=1, child_ages=[6])
    grandparents = RoomParty(adults=2)
    room_types = await pms.room_types()

    choices = await room_choices(pms, the_stay.check_in, the_stay.check_out, [family, grandparents])

    assert choices, "the subject hotel must hold a family and a couple"
    totals = [choice.total_price for choice in choices]
    assert totals[0] == min(totals)
    for choice in choices:
        assert [(r.line.adults, r.line.children) for r in choice.rooms] == [(2, 1), (2, 0)]
        by_id = {rt.id: rt for rt in room_types}
        assert all(
            by_id[r.line.room_type_id].fits(r.line.adults, r.line.children) for r in choice.rooms
        )
    cheapest = choices[0]
    booking = await pms.create_booking(
        rooms_request(the_stay, [room.line for room in cheapest.rooms])
    )
    assert rooms_of(booking.room_lines) == rooms_of([room.line for room in cheapest.rooms])
    assert abs(booking.total_price - cheapest.total_price) <= 2 * CENT


async def test_cancelling_rooms_of_two_types_frees_every_room(pms: Pms) -> None:
    the_stay = stay(45, 2)
    lines = await two_types(pms, the_stay)
    types = [line.room_type_id for line in lines]
    before = {room_type_id: await rooms_left(pms, the_stay, room_type_id) for room_type_id in types}
    booking = await pms.create_booking(rooms_request(the_stay, lines))

    cancelled = await pms.cancel_booking(booking.pms_id)

    assert cancelled.status is BookingStatus.CANCELLED
    assert (await pms.get_booking(booking.pms_id)).status is BookingStatus.CANCELLED
    for room_type_id in types:
        assert await rooms_left(pms, the_stay, room_type_id) == before[room_type_id]


async def test_rooms_of_two_types_are_booked_all_or_none(pms: Pms) -> None:
    the_stay = stay(130, 2)
    lines = await two_types(pms, the_stay)
    free_type, full_type = lines[0].room_type_id, lines[1].room_type_id
    free_before = await rooms_left(pms, the_stay, free_type)
    taken = await book_out(pms, full_type, the_stay.check_in, the_stay.check_out)

    with pytest.raises(RoomUnavailable):
        await quote_rooms(pms, the_stay.check_in, the_stay.check_out, lines)
    booking_request = rooms_request(the_stay, lines)
    with pytest.raises(RoomUnavailable):
        await pms.create_booking(booking_request)

    assert await pms.find_booking_for(booking_request) is None
    assert await rooms_left(pms, the_stay, free_type) == free_before
    assert {found.pms_id for found in await pms.find_bookings(email=email_of(LUCIA))} == {
        booking.pms_id for booking in taken
    }


async def test_two_rooms_of_a_type_with_one_left_are_refused(pms: Pms) -> None:
    the_stay = stay(140, 2)
    scarce = (await two_types(pms, the_stay))[1]
    while await rooms_left(pms, the_stay, scarce.room_type_id) > 1:
        await pms.create_booking(request(the_stay, scarce.room_type_id))
    two = [scarce, scarce]

    with pytest.raises(RoomUnavailable):
        await quote_rooms(pms, the_stay.check_in, the_stay.check_out, two)
    with pytest.raises(RoomUnavailable):
        await pms.create_booking(rooms_request(the_stay, two))
    assert await rooms_left(pms, the_stay, scarce.room_type_id) == 1


async def test_a_room_too_small_for_its_party_is_refused_and_books_nothing(pms: Pms) -> None:
    the_stay = stay(36, 2)
    lines = await two_types(pms, the_stay)
    smallest = min(await pms.room_types(), key=lambda rt: rt.max_adults)
    crowded = RoomLine(room_type_id=smallest.id, adults=smallest.max_adults + 1)

    with pytest.raises(InvalidStay):
        await quote_rooms(pms, the_stay.check_in, the_stay.check_out, [lines[0], crowded])
    booking_request = rooms_request(the_stay, [lines[0], crowded])
    with pytest.raises(InvalidStay):
        await pms.create_booking(booking_request)
    assert await pms.find_booking_for(booking_request) is None
    assert await pms.find_bookings(email=email_of(LUCIA)) == []


async def test_new_dates_move_every_room_or_change_nothing(pms: Pms) -> None:
    """A PMS may refuse to change a booking of several room types (the hotel then does it);
    if it changes it, every room moves and is repriced, and the old nights are free again."""
    old, new = stay(150, 2), stay(160, 3)
    lines = await two_types(pms, old)
    types = [line.room_type_id for line in lines]
    free_on_old = {room_type_id: await rooms_left(pms, old, room_type_id) for room_type_id in types}
    booking = await pms.create_booking(rooms_request(old, lines))
    new_quote = await quote_rooms(pms, new.check_in, new.check_out, lines)

    move = StayChange(check_in=new.check_in, check_out=new.check_out)
    try:
        changed = await pms.modify_booking(booking.pms_id, move)
    except InvalidStay as refused:
        reason = refused.reason
    else:
        reason = None
    if reason is not None:
        assert reason == "not_changeable"
        assert await pms.get_booking(booking.pms_id) == booking
        return
    assert (changed.stay.check_in, changed.stay.check_out) == (new.check_in, new.check_out)
    assert (
        rooms_of(changed.room_lines) == rooms_of(lines) and changed.reference == booking.reference
    )
    assert abs(changed.total_price - new_quote.total_price) <= 2 * CENT
    for room_type_id in types:
        assert await rooms_left(pms, old, room_type_id) == free_on_old[room_type_id]


async def test_the_party_of_rooms_of_two_types_is_not_changed_as_a_whole(pms: Pms) -> None:
    """Which room one more guest sleeps in is not the PMS's to guess: refused, unchanged."""
    the_stay = stay(170, 2)
    booking = await pms.create_booking(rooms_request(the_stay, await two_types(pms, the_stay)))

    with pytest.raises(InvalidStay):
        await pms.modify_booking(booking.pms_id, StayChange(adults=booking.stay.adults + 1))
    assert await pms.get_booking(booking.pms_id) == booking
