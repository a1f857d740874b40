"""Several rooms in one booking: "2 rooms for 4 adults", "one double and one single for 3
adults", "a family room for 2 adults and 2 kids plus a double for the grandparents".

The rooms asked for and their guests are read by `room_request.py`. Here each room is priced
from the PMS's live offers (`pms.rooms.quote_rooms` for the rooms named, `room_choices` for "2
rooms": the cheapest mix, then each single type), shown room by room with the total, and booked
as ONE booking (`BookingRequest.for_rooms`) with the rooms of the offer the guest said yes to: a
retried turn reads the same offer from the same state and sends the same rooms under the same
key. When the rooms cannot be had, the guest hears which room is too small or short, and the
rooms that do fit.
"""

from __future__ import annotations

from decimal import Decimal

from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.flows.room_request import room_type_of
from hotel_agent.dialogue.flows.stay_rules import explain_refusal
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.dialogue.state import DialogueState, OfferView, RoomView, Step
from hotel_agent.pms.errors import InvalidStay, RoomUnavailable
from hotel_agent.pms.port import Booking, RoomLine, Stay, even_rooms
from hotel_agent.pms.resilience import stale_answers
from hotel_agent.pms.rooms import RoomParty, RoomsQuote, quote_rooms, room_choices

_CHOICES = 5  # combinations shown: the cheapest mix and each single type that fits


def applies(state: DialogueState, stay: Stay) -> bool:
    """Whether this stay is booked room by room: rooms named, or more than one room."""
    return bool(state.rooms_asked) or stay.rooms > 1


async def search(t: Turn, services: DialogueServices, stay: Stay) -> bool | None:
    """Price the rooms asked for over live offers and keep them as the offers shown. None when
    the guest was told why nothing can be offered; True when the one offer is exactly the rooms
    the guest named (it is taken as picked), False when the guest chooses among combinations."""
    state = t.state
    parties = _parties(state, stay)
    quotes: list[RoomsQuote] = []
    with stale_answers() as stale:
        named = _named_lines(state, parties)
        if named is not None:
            try:
                quotes = [await quote_rooms(services.pms, stay.check_in, stay.check_out, named)]
            except InvalidStay as error:
                if error.reason != "room_too_small":
                    _refused(t, error)
                    return None
                _too_small(t, error)
            except RoomUnavailable as error:
                _short(t, error)
        if not quotes:
            try:
                quotes = await _choices(t, services, stay, parties)
            except InvalidStay as error:
                _refused(t, error)
                return None
    if stale:
        t.reply(t.say("booking.stale_prices"))
    state.offers_for = stay
    if not quotes:
        party = t.party_text(stay)
        t.reply(t.say("booking.none", stay=t.stay_text(stay), party=party))
        state.slots.check_in = state.slots.check_out = None
        state.offers, state.offers_for, state.step = [], None, Step.COLLECT
        return None
    state.offers = [_view(t, stay, quote) for quote in quotes]
    if not any(offer.room_type_id == state.chosen for offer in state.offers):
        state.chosen = None
    return named is not None and all(room.room_type for room in state.rooms_asked)


async def _choices(
    t: Turn, services: DialogueServices, stay: Stay, parties: list[RoomParty]
) -> list[RoomsQuote]:
    """The combinations that fit; when a type named for some of the rooms is full ("two
    rooms, one of them a suite"), the guest hears that type is taken and gets the rooms that
    are free instead of "no rooms left"."""
    types = _types_named(t.state, parties)
    quotes = await room_choices(
        services.pms, stay.check_in, stay.check_out, parties, limit=_CHOICES, types=types
    )
    if quotes or not types:
        return quotes
    quotes = await room_choices(
        services.pms, stay.check_in, stay.check_out, parties, limit=_CHOICES
    )
    if quotes:
        named = [t.room_name(kind) for kind in dict.fromkeys(types) if kind]
        t.reply(t.say("booking.requested_unavailable", room=t.say.together(named)))
        _forget_types(t.state)
    return quotes


def prices(t: Turn, offer: OfferView) -> str:
    """An offer of several rooms as a list row: each room's guests and price, and the total."""
    total = t.say.money(offer.total, offer.currency)
    same = len({(room.room_type_id, room.total) for room in offer.rooms}) == 1
    if same:
        nights = t.state.offers_for.nights if t.state.offers_for else 1
        per_room = offer.rooms[0].total / max(nights, 1)
        return t.say(
            "booking.offer_prices_rooms",
            per_room=t.say.money(per_room.quantize(Decimal("0.01")), offer.currency),
            total=total,
            rooms=t.say.count("units.rooms", len(offer.rooms)),
        )
    # Alike rooms once: "4 × Single Room (1 adult): €167.09 + Standard Double (1 adult): …".
    groups: list[tuple[RoomView, int]] = []
    for room in offer.rooms:
        if groups and groups[-1][0] == room:
            groups[-1] = (room, groups[-1][1] + 1)
        else:
            groups.append((room, 1))
    rooms = " + ".join(
        (f"{count} × " if count > 1 else "") + _room_line(t, offer, room) for room, count in groups
    )
    return t.say("booking.offer_prices_mixed", rooms=rooms, total=total)


def show_priced(t: Turn, offer: OfferView) -> None:
    """The rooms the guest named, each with its price, and the total."""
    stay = t.state.offers_for
    assert stay is not None
    intro = t.say("booking.offers", stay=t.stay_text(stay), party=t.party_text(stay))
    t.reply(f"{intro}\n• " + rooms_text(t, offer) + "\n" + _total_line(t, offer))


def _total_line(t: Turn, offer: OfferView) -> str:
    return t.say("booking.rooms_total", total=t.say.money(offer.total, offer.currency))


def rooms_text(t: Turn, offer: OfferView) -> str:
    """The rooms of an offer for the summary: its name, or one line per room with its price."""
    if len(offer.rooms) < 2:
        return offer.name(t.language)
    return "\n• ".join(_room_line(t, offer, room) for room in offer.rooms)


def booked_rooms(t: Turn, booking: Booking) -> str:
    """A booking's rooms as the guest reads them: the type, or each room with its guests."""
    if len(booking.room_lines) < 2:
        return t.room_name(booking.room_type_id)
    return "\n• ".join(
        t.say(
            "booking.booked_room",
            room=t.room_name(line.room_type_id),
            party=t.say.party(line.adults, line.children),
        )
        for line in booking.room_lines
    )


def room_types_text(t: Turn, booking: Booking) -> str:
    """A booking's room types in a sentence: "Standard Double and Single Room"."""
    return t.say.together([t.room_name(room_type) for room_type in booking.room_type_ids])


async def price_for_dates(
    services: DialogueServices, booking: Booking, stay: Stay
) -> tuple[Decimal, str] | None:
    """The live price of the booking's rooms for this stay; None when the PMS cannot quote
    it (it may hold the last rooms itself: the PMS decides when the change is made)."""
    if not booking.mixed:
        offers = await services.pms.search(stay)
        offer = next((o for o in offers if o.room_type.id == booking.room_type_id), None)
        return (offer.total_price, offer.currency) if offer is not None else None
    try:
        quote = await quote_rooms(services.pms, stay.check_in, stay.check_out, booking.room_lines)
    except (InvalidStay, RoomUnavailable):
        return None
    return quote.total_price, quote.currency


def booking_lines(offer: OfferView) -> list[RoomLine]:
    """The rooms to book for an offer of several rooms, as it was shown."""
    return [
        RoomLine(
            room_type_id=room.room_type_id,
            adults=room.adults,
            children=room.children,
            child_ages=room.child_ages,
        )
        for room in offer.rooms
    ]


def _parties(state: DialogueState, stay: Stay) -> list[RoomParty]:
    """Who sleeps in each room: as the guest said, or the party spread over the rooms."""
    rooms = state.rooms_asked
    if not rooms or any(room.adults is None for room in rooms):
        return [
            RoomParty(adults=line.adults, children=line.children, child_ages=line.child_ages)
            for line in even_rooms(stay, "")
        ]
    ages = iter(stay.child_ages)
    parties = []
    for room in rooms:
        own = room.child_ages if len(room.child_ages) == room.children else []
        # Ages answered afterwards ("4 y 9") follow the children in the order of the rooms.
        child_ages = own or [age for _, age in zip(range(room.children), ages, strict=False)]
        parties.append(
            RoomParty(adults=room.adults or 1, children=room.children, child_ages=child_ages)
        )
    return parties


def _named_lines(state: DialogueState, parties: list[RoomParty]) -> list[RoomLine] | None:
    rooms = state.rooms_asked
    if not rooms or not all(room.room_type for room in rooms) or len(rooms) != len(parties):
        return None
    return [party.in_room(room.room_type or "") for room, party in zip(rooms, parties, strict=True)]


def _types_named(state: DialogueState, parties: list[RoomParty]) -> list[str | None]:
    """The types named for some of the rooms only ("two rooms, one of them a suite"): the
    combinations offered keep them, and the guest chooses the others'. [] when none is."""
    rooms = state.rooms_asked
    if len(rooms) != len(parties) or not any(room.room_type for room in rooms):
        return []
    return [room.room_type for room in rooms]


def _too_small(t: Turn, error: InvalidStay) -> None:
    """A room named cannot hold the guests said for it: say which, then offer rooms that fit."""
    params = error.params
    room_type = room_type_of(t, str(params.get("room_type", "")))
    if room_type is None:
        t.reply(t.say("invalid.other"))
    else:
        t.reply(
            t.say(
                "booking.room_too_small",
                room=room_type.name(t.language),
                party=t.say.party(int(str(params["adults"])), int(str(params["children"]))),
                limit=t.say.party(room_type.max_adults, room_type.max_children),
            )
        )
    _forget_types(t.state)


def _short(t: Turn, error: RoomUnavailable) -> None:
    """Fewer rooms of a type named are free than asked: say so, then offer rooms that fit."""
    room = t.room_name(error.room_type_id or "")
    if not error.free:
        text = t.say("booking.requested_unavailable", room=room)
    else:
        text = t.say("booking.rooms_short", free=error.free, room=room, asked=error.asked)
    t.reply(text)
    _forget_types(t.state)


def _forget_types(state: DialogueState) -> None:
    for room in state.rooms_asked:
        room.room_type = None


def _refused(t: Turn, error: InvalidStay) -> None:
    state = t.state
    explain_refusal(t, error, state.slots)
    state.rooms_asked = []
    state.offers, state.offers_for, state.chosen = [], None, None
    state.step = Step.COLLECT


def _view(t: Turn, stay: Stay, quote: RoomsQuote) -> OfferView:
    """A combination of rooms as an offer: "DBL+IND" (or "DBL" for rooms of one type)."""
    types = list(dict.fromkeys(room.room_type.id for room in quote.rooms))
    languages = {language for room in quote.rooms for language in room.room_type.names}
    names = {
        language: " + ".join(dict.fromkeys(room.room_type.name(language) for room in quote.rooms))
        for language in languages
    }
    return OfferView(
        room_type_id="+".join(types),
        names=names,
        nightly=(quote.total_price / max(stay.nights, 1)).quantize(Decimal("0.01")),
        total=quote.total_price,
        currency=quote.currency,
        rooms=[
            RoomView(
                room_type_id=room.room_type.id,
                names=room.room_type.names,
                adults=room.line.adults,
                children=room.line.children,
                child_ages=room.line.child_ages,
                total=room.total_price,
            )
            for room in quote.rooms
        ],
    )


def _room_line(t: Turn, offer: OfferView, room: RoomView) -> str:
    return t.say(
        "booking.offer_room",
        room=room.name(t.language),
        party=t.say.party(room.adults, room.children),
        total=t.say.money(room.total, offer.currency),
    )
