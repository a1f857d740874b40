"""Choosing and pricing a set of rooms ("a double and a single", "2 rooms for 4 adults")
through any `Pms`, before booking them as one booking.

Each room is priced from the PMS's live offers for its own party in one room; a booking of
those rooms costs their sum (checked by the contract suite on every adapter, QloApps included).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from hotel_agent.pms.errors import InvalidStay, RoomUnavailable
from hotel_agent.pms.policy import validate_rooms
from hotel_agent.pms.port import Offer, Pms, RoomLine, RoomType, Stay


class RoomParty(BaseModel):
    """The guests who share one room."""

    adults: int
    children: int = 0
    child_ages: list[int] = Field(default_factory=list)

    @property
    def key(self) -> tuple[int, int]:
        return self.adults, self.children

    def in_room(self, room_type_id: str) -> RoomLine:
        return RoomLine(room_type_id=room_type_id, **self.model_dump())


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
    parties = [(line.adults, line.children) for line in lines]
    offers = await _offers(pms, check_in, check_out, parties)
    room_types = {room_type.id: room_type for room_type in catalogue}
    wanted = Counter(line.room_type_id for line in lines)
    chosen = []
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
                f"to {check_out}, {left} free",
                room_type_id=room_type.id,
                asked=wanted[room_type.id],
                free=left,
            )
        chosen.append(offer)
    return _quote(check_in, check_out, lines, chosen)


async def room_choices(
    pms: Pms,
    check_in: date,
    check_out: date,
    parties: list[RoomParty],
    *,
    limit: int = 3,
    types: Sequence[str | None] = (),
) -> list[RoomsQuote]:
    """Ways to give each party a room of a type that holds it, with rooms free for all of them,
    cheapest first: the cheapest mix of types, then each single type that holds every party.
    `types` fixes the type of some rooms (None: any), in the parties' order: then the ways are
    the cheapest for each mix of the other rooms' types ("two rooms, one a suite").
    [] when the hotel is full for them; InvalidStay when no room type holds one of the parties
    or the dates are refused."""
    offers = await _offers(pms, check_in, check_out, [party.key for party in parties])
    return cheapest_choices(check_in, check_out, parties, offers, limit=limit, types=types)


def cheapest_choices(
    check_in: date,
    check_out: date,
    parties: Sequence[RoomParty],
    offers: Mapping[tuple[int, int], list[Offer]],
    *,
    limit: int = 3,
    types: Sequence[str | None] = (),
) -> list[RoomsQuote]:
    """`room_choices` over offers already fetched (by party: adults, children)."""
    fixed = list(types) or [None] * len(parties)
    per_room = [
        [offer for offer in offers.get(party.key, []) if wanted in (None, offer.room_type.id)]
        for party, wanted in zip(parties, fixed, strict=True)
    ]
    valid: list[tuple[Offer, ...]] = []
    for choice in itertools.product(*per_room):
        wanted = Counter(offer.room_type.id for offer in choice)
        if all(offer.rooms_left >= wanted[offer.room_type.id] for offer in choice):
            valid.append(choice)
    if not valid:
        return []

    def total(choice: tuple[Offer, ...]) -> Decimal:
        return sum((offer.total_price for offer in choice), Decimal("0.00"))

    uniform = [choice for choice in valid if len({o.room_type.id for o in choice}) == 1]
    candidates = [min(valid, key=total), *sorted(uniform, key=total)]
    if any(fixed):
        candidates = sorted(valid, key=total)
    picked: list[tuple[Offer, ...]] = []
    for choice in candidates:
        mix = [offer.room_type.id for offer in choice]
        if all([offer.room_type.id for offer in other] != mix for other in picked):
            picked.append(choice)
    return [
        _quote(
            check_in,
            check_out,
            [
                party.in_room(offer.room_type.id)
                for party, offer in zip(parties, choice, strict=True)
            ],
            choice,
        )
        for choice in picked[:limit]
    ]


async def _offers(
    pms: Pms, check_in: date, check_out: date, parties: list[tuple[int, int]]
) -> dict[tuple[int, int], list[Offer]]:
    """The live offers for one room per distinct party (adults, children)."""
    offers: dict[tuple[int, int], list[Offer]] = {}
    for adults, children in parties:
        if (adults, children) not in offers:
            one_room = Stay(
                check_in=check_in, check_out=check_out, adults=adults, children=children
            )
            offers[adults, children] = await pms.search(one_room)
    return offers


def _quote(
    check_in: date, check_out: date, lines: Sequence[RoomLine], choice: Sequence[Offer]
) -> RoomsQuote:
    """Each room at the price of the offer chosen for it."""
    rooms = [
        RoomPrice(line=line, room_type=offer.room_type, total_price=offer.total_price)
        for line, offer in zip(lines, choice, strict=True)
    ]
    return RoomsQuote(
        check_in=check_in,
        check_out=check_out,
        rooms=rooms,
        total_price=sum((room.total_price for room in rooms), Decimal("0.00")),
        currency=choice[0].currency,
    )
