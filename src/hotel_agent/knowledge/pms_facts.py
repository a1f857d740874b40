"""Facts the PMS knows win over the knowledge file: the file adds what the PMS does not know,
and where it states a fact the PMS also holds (the hotel's name, check-in and check-out times)
and says otherwise, the PMS's fact is what the guest is told and the contradiction is logged
for the operator to fix the file."""

from __future__ import annotations

import re
from datetime import time

from hotel_agent.knowledge.entries import FaqEntry
from hotel_agent.pms.port import HotelProfile, RoomType

# FAQ topics whose main fact is a time the PMS holds.
PMS_TIMES = {"check_in": "check_in_time", "check_out": "check_out_time"}
# "15:00", "15.00", "3 pm", "3pm", "12 noon"; the first time an answer states is its fact.
_CLOCK = re.compile(r"\b(\d{1,2})(?:[:.h](\d{2})|\s*(am|pm|a\.m\.|p\.m\.)|\s+(noon|mediodía))")


def stated_time(text: str) -> time | None:
    match = _CLOCK.search(text.lower())
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3] and match[3].startswith("p") and hour < 12:
        hour += 12
    if match[3] and match[3].startswith("a") and hour == 12:
        hour = 0
    return time(hour, minute) if hour < 24 and minute < 60 else None


def contradicts(entry: FaqEntry, hotel: HotelProfile | None) -> bool:
    """Whether the entry states a PMS-held time differently from the PMS, in any language."""
    field = PMS_TIMES.get(entry.topic)
    if hotel is None or field is None:
        return False
    held: time = getattr(hotel, field)
    stated = {stated_time(answer) for answer in entry.answers.values()} - {None}
    return any(moment != held for moment in stated)


def pms_facts(hotel: HotelProfile | None, room_types: list[RoomType], language: str) -> str:
    """The PMS's facts as plain lines, for a language model to state before the file's."""
    if hotel is None:
        return ""
    lines = [f"Hotel: {hotel.name}"]
    if hotel.address or hotel.city:
        lines.append("Address: " + ", ".join(p for p in (hotel.address, hotel.city) if p))
    lines.append(f"Check-in from {hotel.check_in_time:%H:%M}")
    lines.append(f"Check-out until {hotel.check_out_time:%H:%M}")
    lines.append(f"Prices in {hotel.currency}")
    for room_type in room_types:
        lines.append(
            f"Room type {room_type.name(language)}: up to {room_type.max_adults} adults and "
            f"{room_type.max_children} children, {room_type.max_guests} guests in all"
        )
    return "\n".join(lines)
