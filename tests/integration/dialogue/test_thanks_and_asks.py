"""A message that thanks and asks ("thanks! actually what time is check in") gets both the
welcome and the answer, in English and Spanish, with or without a task in progress.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

import httpx
import pytest

from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import Guest, english_range, future_stay, spanish_range


@pytest.mark.parametrize(
    ("text", "welcome", "answer"),
    [
        ("thanks! actually what time is check in", "welcome", "Check-in is from"),
        ("thank you, and is breakfast included?", "welcome", "Breakfast"),
        ("gracias, y a qué hora es el check-in?", "de nada", "check-in es a partir"),
        ("muchas gracias! ¿tenéis parking?", "de nada", "parking"),
    ],
)
async def test_thanks_and_a_question_get_both(
    client: httpx.AsyncClient, text: str, welcome: str, answer: str
) -> None:
    guest = Guest(client)
    said = await guest.hears(text)
    assert welcome in said.lower()
    assert answer.lower() in said.lower()


async def test_plain_thanks_is_only_welcomed(client: httpx.AsyncClient) -> None:
    for text in ("thanks!", "muchas gracias"):
        said = await Guest(client).hears(text)
        assert "check-in" not in said.lower() and "desayuno" not in said.lower()
        assert "breakfast" not in said.lower()


@pytest.mark.parametrize("language", ["en", "es"])
async def test_thanks_and_a_question_mid_booking_answers_and_resumes(
    client: httpx.AsyncClient, language: str
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=71, nights=2)
    if language == "en":
        await guest.hears(f"I'd like to book {english_range(check_in, check_out)} for 2 adults")
        said = await guest.hears("thanks! what time is check in?")
        expected = ("welcome", "check-in is from")
    else:
        await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
        said = await guest.hears("gracias! a qué hora es el check-in?")
        expected = ("de nada", "check-in es a partir")
    for part in expected:
        assert part in said.lower()
    # The booking goes on: the options are shown again, and "1" still picks the first one.
    said = await guest.hears("1")
    assert ("e-mail" if language == "en" else "correo") in said.lower()


@pytest.mark.parametrize("language", ["en", "es"])
async def test_thanks_and_a_question_at_the_summary_is_no_yes(
    client: httpx.AsyncClient, runtime: Runtime, language: str
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=73, nights=2)
    email = f"theo.{language}.thanks@example.com"
    if language == "en":
        await guest.hears(f"I'd like to book {english_range(check_in, check_out)} for 2 adults")
        await guest.hears("1")
        await guest.hears(f"Theo Marsh, {email}")
        said = await guest.hears("thanks! what time is check in?")
        assert "welcome" in said.lower() and "check-in is from" in said.lower()
    else:
        await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
        await guest.hears("1")
        await guest.hears(f"Teo Marín, {email}")
        said = await guest.hears("gracias, y a qué hora es el check-in?")
        assert "de nada" in said.lower() and "check-in es a partir" in said.lower()
    assert await runtime.pms.find_bookings(email=email) == []
    said = await guest.hears("yes" if language == "en" else "sí")
    [booking] = await runtime.pms.find_bookings(email=email)
    assert booking.reference in said


@pytest.mark.parametrize(
    ("opening", "question", "expected", "details"),
    [
        (
            "I'd like to book {} for 2 adults",
            "thanks! actually what time is check in",
            ("welcome", "check-in is from", "name"),
            "Theo Marsh, theo.details@example.com",
        ),
        (
            "quiero reservar {} para 2 adultos",
            "gracias, y a qué hora es el check-in?",
            ("de nada", "check-in es a partir", "nombre"),
            "Teo Marín, teo.details@example.com",
        ),
    ],
)
async def test_thanks_and_a_question_when_asked_for_details_is_no_name(
    client: httpx.AsyncClient,
    opening: str,
    question: str,
    expected: tuple[str, ...],
    details: str,
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=75, nights=2)
    dates = (english_range if opening.startswith("I") else spanish_range)(check_in, check_out)
    await guest.hears(opening.format(dates))
    await guest.hears("1")
    said = await guest.hears(question)
    for part in expected:
        assert part in said.lower()
    said = await guest.hears(details)
    assert details.split(",")[0] in said  # the summary names the guest given after it


@pytest.mark.parametrize(
    ("question", "first", "second"),
    [
        ("what time is breakfast and checkout?", "Breakfast is", "check-out"),
        ("¿a qué hora es el desayuno y la salida?", "desayuno", "salida"),
    ],
)
async def test_one_question_of_two_things_gets_both_answers(
    client: httpx.AsyncClient, question: str, first: str, second: str
) -> None:
    # "what time is breakfast and checkout?" got the breakfast hours only.
    said = await Guest(client).hears(question)
    assert first in said and second in said.lower()
