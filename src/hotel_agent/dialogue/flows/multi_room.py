"""Several rooms in one booking: "2 rooms for 4 adults", "one double and one single for 3
adults", "a family room for 2 adults and 2 kids plus a double for the grandparents".

The rooms the guest names are read from the message, each with its type and, when said, its
guests (`DialogueState.rooms_asked`). A party said once for all the rooms is shared out when
only one way fits the rooms; otherwise the guest is asked who sleeps in each room, room by room.
Each room is priced from the PMS's live offers (`pms.rooms.quote_rooms` for the rooms named,
`room_choices` for "2 rooms": the cheapest mix, then each single type), shown room by room with
the total, and booked as ONE booking (`BookingRequest.for_rooms`) with the rooms of the offer
the guest said yes to: a retried turn reads the same offer from the same state and sends the
same rooms under the same key. When the rooms cannot be had, the guest hears which room is too
small or short, and the rooms that do fit.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.flows.stay_rules import explain_refusal
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.dialogue.state import DialogueState, OfferView, RoomAsk, RoomView, Step
from hotel_agent.nlu.entities.folding import fold
from hotel_agent.nlu.entities.numbers import NUMBER, to_int
from hotel_agent.nlu.entities.party import extract_party
from hotel_agent.nlu.entities.room_types import match_room_type
from hotel_agent.nlu.types import Entities
from hotel_agent.pms.errors import InvalidStay, RoomUnavailable
from hotel_agent.pms.port import Booking, RoomLine, RoomType, Stay, even_rooms
from hotel_agent.pms.resilience import stale_answers
from hotel_agent.pms.rooms import RoomParty, RoomsQuote, quote_rooms, room_choices

# "una doble y una individual", "a double + a single", "a family room, plus a double".
# ("a double with sea view" names one room: "with" does not separate rooms.)
_PARTS = re.compile(r",|;|\+|\b(?:and|y|plus|mas|más)\b", re.IGNORECASE)
# "a suite, or else a double?" asks for one room, not two.
_ALTERNATIVE = re.compile(r"^\s*(?:or|o|else|si\s+no|u)\b", re.IGNORECASE)
# "a double for the grandparents": a pair of adults the party words leave uncounted.
_PAIR = re.compile(
    r"\b(?:the|los|las|mis|my|our|nuestros)\s+(?:grandparents|parents|in-laws|abuelos|padres"
    r"|suegros)\b",
    re.IGNORECASE,
)
# "2 adults in the double, 1 in the single": a bare count before "in" is that room's adults.
_IN_ROOM = re.compile(rf"^\s*(?P<num>{NUMBER})\s+(?:in|en)\b")
_CHOICES = 5  # combinations shown: the cheapest mix and each single type that fits


def applies(state: DialogueState, stay: Stay) -> bool:
    """Whether this stay is booked room by room: rooms named, or more than one room."""
    return bool(state.rooms_asked) or stay.rooms > 1


def take(t: Turn, entities: Entities) -> tuple[Entities, bool]:
    """Read the rooms and who sleeps in each from the message. Returns the entities left for
    the rest of the flow (the party and rooms it took are removed) and whether it took any."""
    state = t.state
    rooms, whole = _rooms_named(t)
    if rooms:
        state.rooms_asked = rooms
        state.chosen = None
        state.slots.room_type = None
        if whole is not None:
            state.slots.adults, state.slots.children = whole.adults, whole.children
            state.slots.children_ages = list(whole.child_ages)
        _settle(t)
        return _taken(entities), True
    if not state.rooms_asked:
        return entities, False
    typed = _parties_by_room(t)
    if typed:
        # "2 adults in the double, 1 in the single".
        for room_type, given in typed:
            rooms = [room for room in state.rooms_asked if room.room_type == room_type]
            waiting = [room for room in rooms if room.adults is None]
            if rooms:
                _assign((waiting or rooms)[0], given)
        _settle(t)
        return _taken(entities), True
    if entities.rooms not in (None, len(state.rooms_asked)) and not entities.rooms_implied:
        state.rooms_asked = []  # "just one room", "3 rooms": not the rooms named before
        return entities, False
    said = _party_said(t.text, entities)
    if said is None:
        return entities, False
    answering = (
        state.step is Step.COLLECT
        and state.slots.check_in is not None
        and state.slots.check_out is not None
    )
    waiting = [room for room in state.rooms_asked if room.adults is None]
    if waiting and answering:
        # The answer to "how many in the double?" (asked once the dates are known).
        _assign(waiting[0], said)
    else:
        # A party for all the rooms ("actually we're 3"): shared out again.
        for room in state.rooms_asked:
            room.adults, room.children, room.child_ages = None, 0, []
        state.slots.adults, state.slots.children = said.adults, said.children
        state.slots.children_ages = list(said.child_ages)
    _settle(t)
    return _taken(entities), True


def ask_party(t: Turn) -> bool:
    """Ask who sleeps in the next room whose guests are unknown, once the dates are known."""
    state = t.state
    slots = state.slots
    waiting = [room for room in state.rooms_asked if room.adults is None]
    if not waiting or slots.check_in is None or slots.check_out is None:
        return False
    state.step = Step.COLLECT
    room = t.room_name(waiting[0].room_type or "")
    first = len(waiting) == len(state.rooms_asked)
    key = "booking.ask_room_parties" if first else "booking.ask_next_room_party"
    t.reply(t.say(key, room=room))
    return True


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
                _too_small(t, error, stay)
            except RoomUnavailable as error:
                _short(t, error, stay)
        if not quotes:
            try:
                quotes = await room_choices(
                    services.pms, stay.check_in, stay.check_out, parties, limit=_CHOICES
                )
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


def _rooms_named(t: Turn) -> tuple[list[RoomAsk], RoomParty | None]:
    """The rooms the message names, each with the guests said for it, and a party said for
    all of them (None when none was)."""
    rooms: list[RoomAsk] = []
    whole: RoomParty | None = None
    for part in _PARTS.split(t.text):
        if _ALTERNATIVE.match(part):
            break
        room_type = match_room_type(part, t.room_type_names)
        said = _room_party(part) if room_type is not None else _party_said(part, None)
        count = extract_party(part).rooms if room_type is not None else None
        if room_type is not None and count:
            # A room counted ("a double", "two singles"), not a type merely named ("we
            # loved the double last year").
            rooms += _shared(room_type, count, said)
        elif said is not None and rooms and rooms[-1].adults is not None:
            _assign(rooms[-1], said, add=True)  # "a family room for 2 adults and 2 kids"
        elif said is not None:
            whole = _plus(whole, said)
    said_rooms = t.understanding.entities.rooms
    distinct = len({room.room_type for room in rooms})
    if len(rooms) < 2 or (distinct < 2 and said_rooms != len(rooms)):
        # One type said again and again ("una habitación con vistas al mar" in each line of a
        # long message) is one room unless the message counts them ("two doubles").
        return [], None
    if not all(room.adults is not None for room in rooms):
        # "a double and a single for 3 adults": guests that do not fit the room they were said
        # with were said for all the rooms. ("a family room plus a double for the
        # grandparents": the double's are its own.) When every room has its guests, they are
        # taken as said, and a room too small for its own is said so when priced.
        for room in rooms:
            kind = _room_type(t, room.room_type)
            if room.adults is None or kind is None:
                continue
            if not kind.fits(room.adults, room.children):
                whole = _plus(whole, RoomParty(adults=room.adults, children=room.children))
                room.adults, room.children, room.child_ages = None, 0, []
    return rooms, whole


def _parties_by_room(t: Turn) -> list[tuple[str, RoomParty]]:
    """The guests the message gives a room type it names: "2 adults in the double"."""
    found = []
    for part in _PARTS.split(t.text):
        room_type = match_room_type(part, t.room_type_names)
        said = _room_party(part) if room_type is not None else None
        if room_type is not None and said is not None:
            found.append((room_type, said))
    return found


def _room_party(part: str) -> RoomParty | None:
    """The guests said in a part of a message naming a room, "1 in the single" too."""
    said = _party_said(part, None)
    bare = _IN_ROOM.match(fold(part)) if said is None else None
    return RoomParty(adults=to_int(bare["num"]) or 0) if bare is not None else said


def _party_said(text: str, entities: Entities | None) -> RoomParty | None:
    """The guests a message (or part of one) says, if it says any."""
    party = extract_party(text)
    adults = party.adults
    children = party.children
    if entities is not None:
        adults = entities.adults if entities.adults is not None else adults
        children = entities.children if entities.children is not None else children
    if adults is None and _PAIR.search(text):
        adults = 2
    if adults is None and not children:
        return None
    return RoomParty(
        adults=adults or 0, children=children or 0, child_ages=list(party.children_ages)
    )


def _shared(room_type: str, count: int, said: RoomParty | None) -> list[RoomAsk]:
    """ "two doubles for 4 adults": the guests said, spread over the rooms of one type."""
    if said is None:
        return [RoomAsk(room_type=room_type) for _ in range(count)]
    lines = [said.in_room(room_type)] * count
    if count > 1:
        lines = _spread(said, count, room_type)
    return [
        RoomAsk(
            room_type=room_type,
            adults=line.adults if line.adults else None,
            children=line.children,
            child_ages=line.child_ages,
        )
        for line in lines
    ]


def _spread(party: RoomParty, rooms: int, room_type: str) -> list[RoomLine]:
    """A party over rooms of one type, as evenly as it goes (`even_rooms`)."""
    return [
        RoomLine(
            room_type_id=room_type,
            adults=line.adults,
            children=line.children,
            child_ages=line.child_ages,
        )
        # `even_rooms` reads only the party of the stay: the dates are not known here.
        for line in even_rooms(
            Stay(
                check_in=date.min,
                check_out=date.min,
                adults=party.adults,
                children=party.children,
                rooms=rooms,
                child_ages=party.child_ages,
            ),
            room_type,
        )
    ]


def _assign(room: RoomAsk, said: RoomParty, *, add: bool = False) -> None:
    if add:
        room.adults = (room.adults or 0) + said.adults
        room.children += said.children
        room.child_ages += said.child_ages
    else:
        room.adults, room.children, room.child_ages = said.adults, said.children, said.child_ages
    if room.adults == 0:
        room.adults = None  # children alone are no room's party


def _plus(party: RoomParty | None, more: RoomParty) -> RoomParty:
    if party is None:
        return more
    return RoomParty(
        adults=party.adults + more.adults,
        children=party.children + more.children,
        child_ages=party.child_ages + more.child_ages,
    )


def _settle(t: Turn) -> None:
    """Share a party said for all the rooms out, when only one way fits the rooms; then the
    booking's party is the sum of its rooms. When no way fits, the rooms named are given up
    for as many rooms of any type (the guest is told why)."""
    state = t.state
    slots = state.slots
    rooms = state.rooms_asked
    state.offers_for = None  # the rooms changed: price them again
    waiting = [room for room in rooms if room.adults is None]
    if waiting and slots.adults is not None:
        # What the rooms whose guests are known leave of the party said for all of them.
        adults = slots.adults - sum(room.adults or 0 for room in rooms)
        children = (slots.children or 0) - sum(room.children for room in rooms if room.adults)
        types = [_room_type(t, room.room_type) for room in waiting]
        ways = _ways(types, adults, children) if adults > 0 and children >= 0 else []
        if not ways and len(waiting) == len(rooms):
            names = t.say.together([t.room_name(room.room_type or "") for room in rooms])
            party = t.say.party(slots.adults, slots.children or 0)
            t.said_first.append(t.say("booking.rooms_do_not_hold", rooms=names, party=party))
            slots.rooms = len(rooms)
            state.rooms_asked = []
            return
        if len(ways) == 1:
            known = slots.children_ages if len(slots.children_ages) == children else []
            each_age = iter(known)
            for room, (room_adults, room_children) in zip(waiting, ways[0], strict=True):
                room.adults, room.children = room_adults, room_children
                room.child_ages = [
                    age for _, age in zip(range(room_children), each_age, strict=False)
                ]
    if any(room.adults is None for room in rooms):
        slots.rooms = len(rooms)
        return
    t.party_unsure = False
    slots.adults = sum(room.adults or 0 for room in rooms)
    slots.children = sum(room.children for room in rooms)
    ages = [age for room in rooms for age in room.child_ages]
    slots.children_ages = ages if len(ages) == slots.children else []
    slots.rooms = len(rooms)


def _ways(types: list[RoomType | None], adults: int, children: int) -> list[list[tuple[int, int]]]:
    """The ways (at most two: one is enough to know it is not the only one) to put the party
    in these rooms, an adult in each."""
    found: list[list[tuple[int, int]]] = []

    def fill(index: int, adults: int, children: int, so_far: list[tuple[int, int]]) -> None:
        if len(found) > 1:
            return
        if index == len(types):
            if adults == children == 0:
                found.append(so_far)
            return
        room_type = types[index]
        for a in range(1, adults + 1):
            for c in range(children + 1):
                if room_type is None or room_type.fits(a, c):
                    fill(index + 1, adults - a, children - c, [*so_far, (a, c)])

    fill(0, adults, children, [])
    return found


def _room_type(t: Turn, room_type_id: str | None) -> RoomType | None:
    return next((rt for rt in t.room_types if rt.id == room_type_id), None)


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


def _too_small(t: Turn, error: InvalidStay, stay: Stay) -> None:
    """A room named cannot hold the guests said for it: say which, then offer rooms that fit."""
    params = error.params
    room_type = _room_type(t, str(params.get("room_type", "")))
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


def _short(t: Turn, error: RoomUnavailable, stay: Stay) -> None:
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


def _taken(entities: Entities) -> Entities:
    """The entities without the party and rooms the rooms took."""
    return replace(
        entities,
        adults=None,
        children=None,
        children_ages=[],
        rooms=None,
        room_type=None,
        party_uncertain=False,
    )
