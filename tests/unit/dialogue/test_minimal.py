"""The minimal engine: greets in the guest's language and never pretends to do more."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotel_agent.channels.port import InboundMessage
from hotel_agent.dialogue.minimal import MinimalEngine, guess_language
from hotel_agent.dialogue.port import HotelInfo, TurnInput

HOTEL = HotelInfo(
    id=1, slug="demo", name="Hotel Sol", timezone="Europe/Madrid", default_language="es"
)


def turn(text: str, *, type_: str = "text", choice_id: str | None = None) -> TurnInput:
    message = InboundMessage(
        channel="webchat",
        provider_message_id="x",
        sender_id="s",
        type=type_,
        text=text,
        choice_id=choice_id,
        timestamp=datetime.now(UTC),
    )
    return TurnInput(
        hotel=HOTEL,
        conversation_id=1,
        message=message,
        language=None,
        state={},
        guest_name="Ana Ruiz",
        supports_rich=True,
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hola, ¿tienen habitación?", "es"),
        ("Hi, do you have a room?", "en"),
        ("Quisiera reservar para dos noches", "es"),
        ("how much is it please", "en"),
        ("ok", "es"),  # undecided: the hotel's default
    ],
)
def test_language_guess(text: str, language: str) -> None:
    assert guess_language(text, None, "es") == language


async def test_greets_by_name_and_offers_a_colleague() -> None:
    output = await MinimalEngine().handle(turn("Hello there"))
    assert output.replies[0].text == "Hello Ana! I'm the virtual assistant of Hotel Sol."
    assert output.replies[-1].buttons[0].id == "handoff"
    assert output.language == "en"
    assert not output.handoff


async def test_choosing_a_colleague_hands_over() -> None:
    output = await MinimalEngine().handle(turn("Hablar con recepción", choice_id="handoff"))
    assert output.handoff
    assert output.replies == []


async def test_voice_notes_get_an_honest_answer() -> None:
    output = await MinimalEngine().handle(turn("", type_="audio"))
    assert output.replies[0].text == "Por ahora solo entiendo mensajes de texto. ¿Me lo escribes?"
