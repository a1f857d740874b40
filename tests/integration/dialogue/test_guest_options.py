"""Regressions of issue 8 (round 4), through the web chat in English and Spanish, judged by
what lands in the PMS (or by the reply when nothing should): the room options count every
miss by their own rule (other words, then reception offered, then a colleague), details sent
instead of a choice are kept and still count, a bare number is the room with that number, and
"the day after the 14th" inside a range is the 15th.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from hotel_agent.dialogue.context import HANDOFF
from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import (
    MONTHS_EN,
    MONTHS_ES,
    Guest,
    book_the_first,
    english_range,
    future_stay,
    spanish_range,
    the_booking,
)

ASK = {"en": "a room for 2 adults {stay}", "es": "una habitación para 2 adultos {stay}"}
PASSED_ON = {"en": "passing you to a colleague", "es": "Te paso con un compañero"}
RECEPTION = {"en": "reception", "es": "recepción"}


async def options_shown(guest: Guest, language: str, days_ahead: int) -> None:
    check_in, check_out = future_stay(days_ahead=days_ahead, nights=2)
    stay = (english_range if language == "en" else spanish_range)(check_in, check_out)
    await guest.hears(ASK[language].format(stay=stay))
    assert len(guest.list_rows()) >= 2, guest.last


# --- 1. nothing to act on at the options: the option step's rule, not the list again -------


@pytest.mark.parametrize("language", ["en", "es"])
async def test_nothing_said_at_the_options_is_a_miss_not_the_list_again(
    client: httpx.AsyncClient, language: str
) -> None:
    guest = Guest(client)
    await options_shown(guest, language, days_ahead=71 + (language == "es") * 3)
    first = await guest.hears("?")
    assert not guest.list_rows() and HANDOFF not in guest.buttons(), first  # other words
    second = await guest.hears("👍")
    assert HANDOFF in guest.buttons() and RECEPTION[language] in second, second
    third = await guest.hears("??")
    assert PASSED_ON[language] in third, third  # then a colleague


# --- 2. details instead of a choice: kept, and counted ---------------------------------------

DETAILS = {
    "en": ("I'm Ana Lopez, {email}", "my email is {email}", "use {email} instead", "Noted"),
    "es": ("soy Ana López, {email}", "mi correo es {email}", "mejor {email}", "Apuntado"),
}


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_new_email_at_every_option_prompt_does_not_loop_forever(
    client: httpx.AsyncClient, runtime: Runtime, language: str
) -> None:
    guest = Guest(client)
    await options_shown(guest, language, days_ahead=72 + (language == "es") * 3)
    emails = [f"loop.{n}.{language}@example.com" for n in range(3)]
    first, second, third, noted = DETAILS[language]
    said = await guest.hears(first.format(email=emails[0]))
    assert noted in said and "Ana" in said and emails[0] in said, said  # kept
    said = await guest.hears(second.format(email=emails[1]))
    assert emails[1] in said and HANDOFF in guest.buttons(), said  # reception offered
    said = await guest.hears(third.format(email=emails[2]))
    assert PASSED_ON[language] in said, said
    for email in emails:
        assert await runtime.pms.find_bookings(email=email) == []


@pytest.mark.parametrize("language", ["en", "es"])
async def test_details_at_the_options_are_kept_for_the_booking(
    client: httpx.AsyncClient, runtime: Runtime, language: str
) -> None:
    guest = Guest(client)
    email = f"kept.details.{language}@example.com"
    await options_shown(guest, language, days_ahead=73 + (language == "es") * 3)
    first = guest.list_rows()[0]
    await guest.hears(DETAILS[language][0].format(email=email))
    said = await guest.hears("1")
    assert email in said and "Ana" in said, said  # straight to the summary
    await guest.hears("yes" if language == "en" else "sí")
    booking = await the_booking(runtime, email)
    assert f"offer:{booking.room_type_id}" == first["id"]
    assert booking.guest.name.startswith("Ana")


# --- 3. a bare number is the room with that number, never the reception button --------------

VAGUE = {"en": ("hmm", "no idea"), "es": ("mmm", "ni idea")}


@pytest.mark.parametrize("number", [1, 2])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_bare_number_after_reception_was_offered_picks_that_room(
    client: httpx.AsyncClient, runtime: Runtime, language: str, number: int
) -> None:
    guest = Guest(client)
    email = f"bare.number.{number}.{language}@example.com"
    await options_shown(guest, language, days_ahead=74 + number * 2 + (language == "es") * 5)
    wanted = guest.list_rows()[number - 1]
    for vague in VAGUE[language]:
        await guest.hears(vague)
    assert HANDOFF in guest.buttons()  # reception offered: its button is the only one shown
    said = await guest.hears(str(number))
    assert PASSED_ON[language] not in said, said
    await guest.hears(f"Ines Sastre, {email}")
    await guest.hears("yes" if language == "en" else "sí")
    booking = await the_booking(runtime, email)
    assert f"offer:{booking.room_type_id}" == wanted["id"]


# --- 4. "the day after / before the 14th" inside a range ------------------------------------


def next_to_range(language: str, month: str, first: int, last: int, after: bool) -> str:
    if language == "en":
        word = "after" if after else "before"
        return f"a room for 2 adults from the {first}th of {month} to the day {word} the {last}th"
    word = "después" if after else "antes"
    return f"una habitación para 2 adultos del {first} de {month} al día {word} del {last}"


@pytest.mark.parametrize("after", [True, False])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_day_after_a_day_inside_a_range_is_the_check_out(
    client: httpx.AsyncClient, runtime: Runtime, language: str, after: bool
) -> None:
    guest = Guest(client)
    email = f"range.next.to.{after}.{language}@example.com"
    check_in, _ = future_stay(days_ahead=80 + after * 3 + (language == "es") * 7)
    while not 5 <= check_in.day <= 13:
        check_in += timedelta(days=1)
    last = check_in + timedelta(days=4)
    month = (MONTHS_EN if language == "en" else MONTHS_ES)[check_in.month - 1]
    said = await guest.hears(next_to_range(language, month, check_in.day, last.day, after))
    assert guest.list_rows(), said
    booking = await book_the_first(guest, runtime, email, language)
    moved = timedelta(days=1 if after else -1)
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, last + moved)
