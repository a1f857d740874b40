"""A message that thanks and asks ("thanks! actually what time is check in") gets both the
welcome and the answer, in English and Spanish, with or without a task in progress.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

import httpx
import pytest

from tests.integration.dialogue.guest import Guest, english_range, future_stay, spanish_range


@pytest.fixture
async def client(chat: httpx.AsyncClient) -> httpx.AsyncClient:
    return chat


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
