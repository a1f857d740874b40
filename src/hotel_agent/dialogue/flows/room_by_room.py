"""Several room types in one request ("one double and one single"): one booking per room type.

The PMS port books one room type per booking (Stay.rooms of the same type); a mixed request is
booked room after room for the same dates, each with its own reference, the guest's name and
e-mail kept in between. The guest is told so plainly, and that reception can put them together
in one booking instead.
"""

from __future__ import annotations

import re

from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.state import Flow, Slots, Step
from hotel_agent.nlu.entities.room_types import match_room_type

# "una doble y una individual", "a double + a single", "a family room, plus a double".
# ("a double with sea view" names one room: "with" does not separate rooms.)
_PARTS = re.compile(r",|\+|\b(?:and|y|plus|mas|más)\b", re.IGNORECASE)


def room_types_named(t: Turn) -> list[str]:
    """The distinct room types the message names, in the order named."""
    named: list[str] = []
    for part in _PARTS.split(t.text):
        found = match_room_type(part, t.room_type_names)
        if found and found not in named:
            named.append(found)
    return named


def take_mixed_request(t: Turn) -> bool:
    """When the message asks for several room types: book the first now, queue the rest."""
    rooms = t.understanding.entities.rooms or t.state.slots.rooms or 1
    # Several rooms asked for: "a suite, or else a double?" is one room, not two.
    named = room_types_named(t) if rooms > 1 else []
    if len(named) < 2:  # one type needs no queue
        return False
    state = t.state
    state.slots.room_type = named[0]
    state.queued_rooms = named[1:]
    state.room_by_room = True
    # The party said was for all the rooms: each room's guests are asked.
    state.slots.rooms = None
    state.slots.adults = state.slots.children = None
    state.chosen = None
    t.mixed_rooms = True
    return True


def explain(t: Turn) -> None:
    slots = t.state.slots
    t.reply(t.say("booking.mixed_rooms", first=t.room_name(slots.room_type or "")))


def next_room(t: Turn, booked: Slots) -> None:
    """After a booking, the next queued room type for the same dates and the same guest."""
    state = t.state
    if not state.queued_rooms:
        return
    room_type, rest = state.queued_rooms[0], state.queued_rooms[1:]
    name, email, phone = state.guest_name, state.guest_email, state.guest_phone
    state.reset_flow()
    state.flow, state.step = Flow.BOOKING, Step.COLLECT
    state.slots = Slots(check_in=booked.check_in, check_out=booked.check_out, room_type=room_type)
    state.queued_rooms, state.room_by_room = rest, True
    state.guest_name, state.guest_email, state.guest_phone = name, email, phone
    t.reply(t.say("booking.next_room", room=t.room_name(room_type)))
