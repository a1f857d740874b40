"""The rooms a guest asks for and who sleeps in each: "one double and one single for 3 adults",
"a family room for 2 adults and 2 kids plus a double for the grandparents", "2 adultos en la
doble, 1 en la individual" (kept in `DialogueState.rooms_asked`).

Guests said with a room that holds them are that room's; guests that do not fit the room they
were said with ("a single for 3 adults") were said for all the rooms. A party said for all the
rooms is shared out when only one way fits them; otherwise the guest is asked who sleeps in
each room, room by room. The booking's party is then the sum of its rooms. Pricing and booking
them is `multi_room.py`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.state import RoomAsk, Step
from hotel_agent.nlu.entities.folding import fold
from hotel_agent.nlu.entities.numbers import NUMBER, to_int
from hotel_agent.nlu.entities.party import extract_party
from hotel_agent.nlu.entities.room_types import match_room_type
from hotel_agent.nlu.types import Entities
from hotel_agent.pms.port import RoomLine, RoomType, Stay, even_rooms
from hotel_agent.pms.rooms import RoomParty

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
_ONE_ROOM = re.compile(r"^\s*(?:[a-z]+\s+)?(?:a|an|one|1|un|una|uno|otra|another)\b")
# "2 adults in the double, 1 in the single": a bare count before "in" is that room's adults.
_IN_ROOM = re.compile(rf"^\s*(?P<num>{NUMBER})\s+(?:in|en)\b")


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
        _ONE_ROOM = re.compile(r"^\s*(?:[a-z]+\s+)?(?:a|an|one|un|una|uno|otra|another)\b")
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
    # Rooms with no type yet are never asked about one by one (`ask_party`).
    by_room = all(room.room_type for room in state.rooms_asked)
    if waiting and answering and by_room:
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
    if any(room.room_type is None for room in state.rooms_asked):
        # A room with no type yet: the party is spread over the rooms of each combination
        # offered, each room shown with its guests.
        return False
    state.step = Step.COLLECT
    room = t.room_name(waiting[0].room_type or "")
    first = len(waiting) == len(state.rooms_asked)
    key = "booking.ask_room_parties" if first else "booking.ask_next_room_party"
    t.reply(t.say(key, room=room))
    return True


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
        count = _rooms_counted(part) if room_type is not None else None
        if room_type is not None and count:
            # A room counted ("a double", "two singles"), not a type merely named ("we
            # loved the double last year").
            rooms += _shared(room_type, count, said)
        elif said is not None and rooms and rooms[-1].adults is not None:
            _assign(rooms[-1], said, add=True)  # "a family room for 2 adults and 2 kids"
        elif said is not None:
            whole = _plus(whole, said)
    said_rooms = t.understanding.entities.rooms
    if rooms and said_rooms and said_rooms > len(rooms):
        # "two rooms, one of them a suite": the rest of the rooms counted, type not said yet.
        rooms += [RoomAsk() for _ in range(said_rooms - len(rooms))]
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
            kind = room_type_of(t, room.room_type)
            if room.adults is None or kind is None:
                continue
            if not kind.fits(room.adults, room.children):
                whole = _plus(whole, RoomParty(adults=room.adults, children=room.children))
                room.adults, room.children, room.child_ages = None, 0, []
    return rooms, whole


def _rooms_counted(part: str) -> int | None:
    """How many rooms a part naming a room type counts: "two singles", "a double", "una
    General Room" (a name the party words do not know begins with an article)."""
    rooms = extract_party(part).rooms
    if rooms is None and _ONE_ROOM.match(fold(part)):
        return 1
    return rooms


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
    """A party over rooms of one type, as evenly as it goes (`even_rooms`, which reads only
    the party of the stay: the dates are not known here)."""
    stay = Stay(
        check_in=date.min,
        check_out=date.min,
        adults=party.adults,
        children=party.children,
        rooms=rooms,
        child_ages=party.child_ages,
    )
    return even_rooms(stay, room_type)


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
        types = [room_type_of(t, room.room_type) for room in waiting]
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


def room_type_of(t: Turn, room_type_id: str | None) -> RoomType | None:
    return next((rt for rt in t.room_types if rt.id == room_type_id), None)


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
