"""Slots from what the guest said, and the agent's stay policy explained in their language."""

from __future__ import annotations

from datetime import timedelta

from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.state import Slots
from hotel_agent.nlu.types import Entities
from hotel_agent.pms.errors import InvalidStay

_STAY_FIELDS = ("check_in", "check_out", "nights", "adults", "children", "rooms", "room_type")
# Which slots a policy refusal clears, so that the next question asks for them again.
_CLEARS = {
    "past": ("check_in", "check_out"),
    "check_out_not_after": ("check_out",),
    "beyond_horizon": ("check_in", "check_out"),
    "too_long": ("check_out",),
    "no_adult": ("adults",),
    "rooms": ("rooms",),
    "party_too_big": ("rooms",),
}


def merge_entities(slots: Slots, entities: Entities) -> set[str]:
    """Write what this message says into the slots; the names of the slots it changed."""
    before = slots.model_dump()
    if entities.check_in is not None:
        slots.check_in = entities.check_in
        if slots.check_out is not None and slots.check_out <= entities.check_in:
            slots.check_out = None  # the old check-out belongs to other dates
    if entities.check_out is not None:
        slots.check_out = entities.check_out
    if entities.nights is not None and entities.check_out is None and slots.check_in is not None:
        slots.check_out = slots.check_in + timedelta(days=entities.nights)
    elif entities.nights is not None and slots.check_in is None and slots.check_out is None:
        slots.nights = entities.nights  # kept for the day said next ("from March 3")
    if slots.nights is not None and slots.check_in is not None and slots.check_out is None:
        slots.check_out = slots.check_in + timedelta(days=slots.nights)
    if slots.nights is not None and slots.check_out is not None and slots.check_in is None:
        slots.check_in = slots.check_out - timedelta(days=slots.nights)
    if slots.check_in is not None and slots.check_out is not None:
        slots.nights = None  # the days say it now
    if entities.adults is not None:
        slots.adults = entities.adults
    if entities.children is not None:
        slots.children = entities.children
        slots.children_ages = list(entities.children_ages)
    if entities.rooms is not None and not (entities.rooms_implied and slots.rooms is not None):
        slots.rooms = entities.rooms
    if entities.room_type is not None:
        slots.room_type = entities.room_type
    if entities.event_day is not None:
        slots.event_day = entities.event_day
    if entities.holiday is not None:
        slots.holiday = entities.holiday
    after = slots.model_dump()
    return {name for name in _STAY_FIELDS if before[name] != after[name]}


def as_entities(slots: Slots) -> Entities:
    """The slots as the understanding reads corrections against ("one more night")."""
    nights = (
        (slots.check_out - slots.check_in).days
        if slots.check_in is not None and slots.check_out is not None
        else slots.nights
    )
    return Entities(
        check_in=slots.check_in,
        check_out=slots.check_out,
        nights=nights,
        adults=slots.adults,
        children=slots.children,
        children_ages=list(slots.children_ages),
        rooms=slots.rooms,
        room_type=slots.room_type,
        event_day=slots.event_day,
        holiday=slots.holiday,
    )


def explain_refusal(t: Turn, error: InvalidStay, slots: Slots | None = None) -> None:
    """Tell the guest why, in their language, and forget the slots that must be asked again."""
    if error.reason == "past" and slots is not None and slots.check_in and slots.check_out:
        # The arrival may be worked out from a departure and a length ("3 nights, leaving on
        # the 7th"): show the stay read, so the guest sees which day has passed.
        stay = t.say.stay(slots.check_in, slots.check_out, today=t.today)
        text = t.say("invalid.past_stay", stay=stay)
    else:
        try:
            text = t.say(f"invalid.{error.reason}", **error.params)
        except KeyError:
            text = t.say("invalid.other")
    t.reply(text)
    if slots is not None:
        for name in _CLEARS.get(error.reason, ()):
            setattr(slots, name, None)
