"""How many guests a booking message says, as the booking flow trusts it.

The understanding reads the party; the flow decides what to believe: a short "seríamos dos" or
a bare "2" answering "how many?" is a party, "2 rooms with 2 adults each" is four adults, and a
party the guest spoke of but that was not surely counted ("para mí y mi mujer" read as one
adult, "2 adults and a 5-year-old" without the child) is asked, never guessed down.
"""

from __future__ import annotations

from dataclasses import replace

from hotel_agent.dialogue import choices
from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.state import Step
from hotel_agent.nlu.types import Entities


def read(t: Turn, entities: Entities) -> Entities:
    """The message's entities with the party as the flow believes it; an unsure party is
    cleared (and `t.party_unsure` set) so that the next question asks for it."""
    slots = t.state.slots
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
