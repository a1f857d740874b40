"""Whole conversations written as data, played through the web chat and judged by the PMS.

A `Talk` is what the guest types, turn after turn, with the stay's days as placeholders (the
stay is put weeks ahead, on a day of the month from 4 to 16, so that "the 9th" said after a
month name is unambiguous); it ends with the booking it must leave in the PMS, or with what the
last reply must say when nothing is to be booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import MONTHS_EN, MONTHS_ES, Guest, future_stay


@dataclass(frozen=True)
class Talk:
    source: str  # the dialogue adapted, or the style imitated (README.md)
    turns: tuple[str, ...]
    days_ahead: int
    nights: int = 2  # the stay the placeholders name: {in_*} and {out_*}
    booked_nights: int | None = None  # the nights booked when the guest changed them
    adults: int | None = 2  # None: nothing is booked, `reply` is checked instead
    rooms: int = 1
    room_type: str | None = None  # the PMS id of the room type booked, when the talk names it
    reply: str = ""  # a part of the last reply, when nothing is to be booked
    moved: int = 0  # days the guest moved the check-in to, after first saying {in_*}


def ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def placeholders(check_in: date, check_out: date, email: str) -> dict[str, str]:
    said = {"email": email}
    for key, day in (("in", check_in), ("out", check_out)):
        month_en, month_es = MONTHS_EN[day.month - 1], MONTHS_ES[day.month - 1]
        said |= {
            f"{key}_nth": ordinal(day.day),  # 9th
            f"{key}_md": f"{month_en} {ordinal(day.day)}",  # March 9th
            f"{key}_dm": f"{ordinal(day.day)} of {month_en}",  # 9th of March
            f"{key}_d": str(day.day),  # 9
            f"{key}_es": f"{day.day} de {month_es}",  # 9 de marzo
            f"{key}_mes": month_es,
        }
    for days in range(1, 4):
        said[f"in_plus{days}_nth"] = ordinal((check_in + timedelta(days=days)).day)
        said[f"in_plus{days}_d"] = str((check_in + timedelta(days=days)).day)
    return said


def the_stay(talk: Talk) -> tuple[date, date]:
    check_in, _ = future_stay(days_ahead=talk.days_ahead)
    while not 4 <= check_in.day <= 16:
        check_in += timedelta(days=1)
    return check_in, check_in + timedelta(days=talk.nights)


async def play(guest: Guest, runtime: Runtime, talk: Talk, email: str) -> str:
    """Every turn of `talk`; the PMS judges the outcome. Returns the transcript, for asserts."""
    check_in, check_out = the_stay(talk)
    values = placeholders(check_in, check_out, email)
    transcript = []
    for turn in talk.turns:
        said = await guest.hears(turn.format(**values))
        transcript.append(f"> {turn.format(**values)}\n{said}")
    shown = "\n".join(transcript)
    bookings = await runtime.pms.find_bookings(email=email)
    if talk.adults is None:
        assert bookings == [], shown
        assert talk.reply in said, shown
        return shown
    assert len(bookings) == 1, shown
    [booking] = bookings
    first = check_in + timedelta(days=talk.moved)
    last = first + timedelta(days=talk.booked_nights or talk.nights - talk.moved)
    assert (booking.stay.check_in, booking.stay.check_out) == (first, last), shown
    assert (booking.stay.adults, booking.stay.rooms) == (talk.adults, talk.rooms), shown
    if talk.room_type is not None:
        assert booking.room_type_id == talk.room_type, shown
    return shown
