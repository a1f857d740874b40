"""Entities of one guest message: stay dates, party, contact details and room type.

Offline and fast: Duckling (compiled in) for calendar expressions, our own rules for what it
gets wrong (see each module's rules), rapidfuzz for room type names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from hotel_agent.nlu.entities.contact import extract_contact
from hotel_agent.nlu.entities.date_grammar import names_impossible_day
from hotel_agent.nlu.entities.dates import extract_dates
from hotel_agent.nlu.entities.folding import fold
from hotel_agent.nlu.entities.party import extract_party
from hotel_agent.nlu.entities.room_types import RoomTypeName, match_room_type
from hotel_agent.nlu.types import Entities

__all__ = ["RoomTypeName", "extract_entities"]

_ADDRESS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)


def extract_entities(
    text: str,
    *,
    language: str,
    now: datetime,
    room_types: Sequence[RoomTypeName] = (),
    previous: Entities | None = None,
) -> Entities:
    """What `text` says about the stay, read in `language` ("es" or "en") at the hotel's `now`.

    `room_types` are the hotel's room types as guests may name them. `previous` holds the
    conversation's slots so far: corrections ("no, mejor el 16", "one more night", "un niño
    más") are read relative to it. The result carries only what this message says or implies,
    for the dialogue to merge into its slots; None means "not said".
    """
    contact = extract_contact(text)
    # An address says nothing of the stay: "one.suite@…" is no room, "ana2031@…" no year.
    said = _ADDRESS.sub(lambda found: " " * len(found.group()), text)
    stay = extract_dates(said, language=language, now=now, previous=previous)
    party = extract_party(said, previous=previous)
    return Entities(
        check_in=stay.check_in,
        check_out=stay.check_out,
        nights=stay.nights,
        adults=party.adults,
        children=party.children,
        children_ages=party.children_ages,
        rooms=party.rooms,
        rooms_implied=party.rooms_implied,
        party_uncertain=party.uncertain,
        room_type=match_room_type(said, room_types),
        person_name=contact.person_name,
        email=contact.email,
        phone=contact.phone,
        booking_ref=contact.booking_ref,
        event_day=stay.event_day,
        holiday=stay.holiday,
        impossible_date=(
            stay.check_in is None
            and stay.check_out is None
            and names_impossible_day(fold(said), language)
        ),
    )
