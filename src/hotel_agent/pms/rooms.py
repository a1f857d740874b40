"""Pricing a set of rooms ("a double and a single") through any `Pms`, before booking them as
one booking.

Each room is priced from the PMS's live offers for its own party in one room; a booking of
those rooms costs their sum (checked by the contract suite on every adapter, QloApps included).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from hotel_agent.pms.errors import InvalidStay, RoomUnavailable
from hotel_agent.pms.policy import validate_rooms
from hotel_agent.pms.port import Offer, Pms, RoomLine, RoomType, Stay


class RoomPrice(BaseModel):
    line: RoomLine
    room_type: RoomType
    total_price: Decimal  # this room, whole stay, tax included


class RoomsQuote(BaseModel):
    check_in: date
    check_out: date
    rooms: list[RoomPrice]
    total_price: Decimal  # every room, whole stay, tax included
    currency: str


async def quote_rooms(
    pms: Pms, check_in: date, check_out: date, lines: list[RoomLine]
) -> RoomsQuote:
    """The live price of each room and of them all; raises InvalidStay when a room's party does
    not fit its type or the dates are refused, RoomUnavailable when the hotel has fewer rooms
    of a type free than asked. The number of rooms is checked by `create_booking`."""
    if not lines:
        raise InvalidStay("a booking needs at least one room", reason="rooms")
    catalogue = await pms.room_types()
    validate_rooms(lines, catalogue)
    offers: dict[tuple[int, int], list[Offer]] = {}
    for line in lines:
        party = (line.adults, line.children)
        if party not in offers:
            one_room = Stay(
                check_in=check_in,
                check_out=check_out,
                adults=line.adults,
                children=line.children,
            )
            offers[party] = await pms.search(one_room)
    room_types = {room_type.id: room_type for room_type in catalogue}
    wanted = Counter(line.room_type_id for line in lines)
    priced, currency = [], ""
    for line in lines:
        room_type = room_types[line.room_type_id]
        offer = next(
            (o for o in offers[(line.adults, line.children)] if o.room_type.id == room_type.id),
            None,
        )
        if offer is None or offer.rooms_left < wanted[room_type.id]:
            left = offer.rooms_left if offer else 0
            raise RoomUnavailable(
                f"{wanted[room_type.id]} {room_type.name('en')} room(s) asked from {check_in} "
                f"to {check_out}, {left} free"
            )
        priced.append(RoomPrice(line=line, room_type=room_type, total_price=offer.total_price))
        currency = offer.currency
    return RoomsQuote(
        check_in=check_in,
        check_out=check_out,
        rooms=priced,
        total_price=sum((room.total_price for room in priced), Decimal("0.00")),
        currency=currency,
    )
