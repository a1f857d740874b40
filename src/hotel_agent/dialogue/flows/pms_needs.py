"""What the hotel's PMS refuses a booking without, asked for before booking: the children's
ages (QloApps drops children sent without them) and a surname (QloApps requires one)."""

from __future__ import annotations

import re

from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.state import Step
from hotel_agent.pms.port import Stay

_CHILD_AGE_LIMIT = 17
_NUMBER = re.compile(r"(?<![\d/.:-])\d{1,2}(?![\d/.:-])")


def missing_child_ages(t: Turn, stay: Stay) -> bool:
    required = t.hotel is not None and t.hotel.child_ages_required
    return required and stay.children > 0 and len(stay.child_ages) != stay.children


def ages_answer(t: Turn) -> list[int] | None:
    """ "4 y 9" when the children's ages were just asked: one age per child, or nothing."""
    stay = t.state.slots.stay()
    if t.state.step is not Step.COLLECT or stay is None or not missing_child_ages(t, stay):
        return None
    said = t.understanding.entities
    if said.check_in or said.check_out or said.nights or said.adults or said.children:
        return None  # "del 5 al 8": new dates or a new party, not ages
    ages = [int(n) for n in _NUMBER.findall(t.text)]
    if len(ages) != stay.children or any(age > _CHILD_AGE_LIMIT for age in ages):
        return None
    return ages


def needs_surname(t: Turn) -> bool:
    """A one-word name where the PMS needs a surname: sending the first name twice ("Cher
    Cher") would put a wrong name on the booking."""
    name = t.state.guest_name
    required = t.hotel is not None and t.hotel.last_name_required
    return required and name is not None and len(name.split()) == 1
