"""How many guests a booking message says, as the booking flow trusts it.

The understanding reads the party; the flow decides what to believe: a short "seríamos dos" or
a bare "2" answering "how many?" is a party, "2 rooms with 2 adults each" is four adults, and a
party the guest spoke of but that was not surely counted ("para mí y mi mujer" read as one
adult, "2 adults and a 5-year-old" without the child) is asked, never guessed down. A bare "2"
answering "how many rooms shall I look for?" is the rooms.
"""

from __future__ import annotations

import re
from dataclasses import replace

from hotel_agent.dialogue import choices
from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.state import Step
from hotel_agent.nlu.entities.numbers import NUMBER, to_int
from hotel_agent.nlu.text import normalize
from hotel_agent.nlu.types import Entities

# "2", "dos", "2 please", "pues dos": a count and nothing else.
_BARE_COUNT = re.compile(
    rf"^(?:(?:pues|then|mejor|make\s+it|ok|vale)\s+)?(?P<num>{NUMBER})"
    r"(?:\s+(?:please|pls|por\s+favor|porfa))?$"
)


def read(t: Turn, entities: Entities) -> Entities:
    """The message's entities with the party as the flow believes it; an unsure party is
    cleared (and `t.party_unsure` set) so that the next question asks for it."""
    slots = t.state.slots
    rooms = rooms_answer(t)
    if rooms is not None:
        return replace(entities, rooms=rooms, rooms_implied=False)
    counted = said_in_a_sentence(t)
    if entities.adults is None and counted is not None:
        entities = replace(entities, adults=counted)
    per_room = choices.adults_per_room(t.text)
    rooms = entities.rooms or slots.rooms or 1
    if per_room is not None and rooms > 1:
        entities = replace(entities, adults=per_room * rooms)
    if _unsure(t, entities):
        slots.adults = slots.children = None
        t.party_unsure = True
        return replace(entities, adults=None, children=None)
    return entities


def said_in_a_sentence(t: Turn) -> int | None:
    """ "Seríamos dos" anywhere, or a bare "2" when the agent just asked how many."""
    slots = t.state.slots
    asked = (
        t.state.step is Step.COLLECT
        and slots.adults is None
        and slots.check_in is not None
        and slots.check_out is not None
    )
    return choices.party_answer(t.text, asked=asked)


def rooms_answer(t: Turn) -> int | None:
    """A bare count answering "how many rooms shall I look for?", which is asked when the party
    fits in no one room (`invalid.party_too_big`)."""
    state, slots = t.state, t.state.slots
    asked = (
        state.step is Step.COLLECT
        and slots.adults is not None
        and slots.rooms is None
        and not state.rooms_asked
        and slots.check_in is not None
        and slots.check_out is not None
        and bool(t.room_types)
        and not any(rt.fits(slots.adults, slots.children or 0) for rt in t.room_types)
    )
    said = _BARE_COUNT.match(normalize(t.text).strip(" .!?¡¿")) if asked else None
    return to_int(said["num"]) or None if said is not None else None


def _unsure(t: Turn, entities: Entities) -> bool:
    # `party_uncertain` comes with the understanding's party reading (getattr: older
    # understanders lack it).
    if getattr(entities, "party_uncertain", False):
        return True
    if entities.adults is None or entities.children:
        return False
    if choices.mentions_children(t.text) and not t.state.slots.children:
        return True
    return (
        entities.adults == 1
        and t.state.slots.adults in (None, 1)
        and choices.mentions_company(t.text)
    )
