"""The Understander: language, intent and entities composed into one Understanding."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hotel_agent.nlu.entities import RoomTypeName
from hotel_agent.nlu.intents import shared_classifier
from hotel_agent.nlu.pipeline import Understander
from hotel_agent.nlu.text import MODEL_CHARS
from hotel_agent.nlu.types import Entities, Intent, Topic

NOW = datetime(2026, 3, 14, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # a Saturday
ROOMS = [RoomTypeName(id="DBL", names={"es": ["doble"], "en": ["double"]})]


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander(shared_classifier())


def test_a_booking_request_is_understood_whole(understander: Understander) -> None:
    result = understander.understand(
        "Hola, ¿tenéis una doble del 20 al 23 de marzo para dos adultos y un niño?",
        now=NOW,
        room_types=ROOMS,
    )
    assert (result.language, result.intent, result.topic) == ("es", Intent.NEW_BOOKING, None)
    assert result.entities.check_in == date(2026, 3, 20)
    assert result.entities.check_out == date(2026, 3, 23)
    assert (result.entities.adults, result.entities.children) == (2, 1)
    assert result.entities.room_type == "DBL"


def test_an_faq_question_carries_its_topic(understander: Understander) -> None:
    result = understander.understand("do you guys have a garage for the car?", now=NOW)
    assert (result.language, result.intent, result.topic) == ("en", Intent.FAQ, Topic.PARKING)


def test_relative_dates_are_read_against_now(understander: Understander) -> None:
    result = understander.understand("I need a room for tomorrow, one night", now=NOW)
    assert result.entities.check_in == date(2026, 3, 15)


def test_a_correction_is_read_against_the_previous_slots(understander: Understander) -> None:
    previous = Entities(check_in=date(2026, 3, 20), check_out=date(2026, 3, 22), nights=2)
    result = understander.understand("una noche más", now=NOW, previous_entities=previous)
    assert result.entities.check_out == date(2026, 3, 23)


@pytest.mark.parametrize(
    ("previous", "default", "expected"), [("en", "es", "en"), (None, "en", "en")]
)
def test_a_reply_without_language_keeps_the_conversation_s(
    understander: Understander, previous: str | None, default: str, expected: str
) -> None:
    result = understander.understand(
        "ok", now=NOW, previous_language=previous, default_language=default
    )
    assert (result.language, result.intent) == (expected, Intent.AFFIRM)


def test_a_language_hint_is_taken_as_the_language(understander: Understander) -> None:
    assert understander.understand("hola", now=NOW, language_hint="en").language == "en"
    assert understander.understand("hola", now=NOW, language_hint="fr").language == "es"


@pytest.mark.parametrize("text", ["", "🎉🎉", "   "])
def test_an_empty_or_emoji_message_is_unknown(understander: Understander, text: str) -> None:
    result = understander.understand(text, now=NOW, previous_language="en")
    assert (result.text, result.language, result.intent) == (text, "en", Intent.UNKNOWN)
    assert result.confidence == 0.0
    assert result.entities == Entities()


def test_a_5000_character_message_is_kept_but_read_from_its_head(
    understander: Understander,
) -> None:
    paragraph = "No podemos viajar, lo siento mucho. Por favor cancelad mi reserva. "
    tail = "Llegábamos el 20 de marzo."  # beyond what the models read
    text = paragraph * 75 + tail
    assert len(text) > 5000 > MODEL_CHARS
    result = understander.understand(text, now=NOW)
    assert result.text == text
    assert (result.language, result.intent) == ("es", Intent.CANCEL_BOOKING)
    assert result.entities.check_in is None


def test_the_json_line_follows_the_contract(understander: Understander) -> None:
    line = understander.understand("¿Hay wifi gratis en las habitaciones?", now=NOW).to_json()
    assert list(line) == [
        "text", "language", "intent", "topic", "check_in", "check_out", "nights", "adults",
        "children", "rooms", "party_uncertain", "room_type", "person_name", "email", "phone",
        "booking_ref", "confidence",
    ]  # fmt: skip
    assert (line["intent"], line["topic"], line["check_in"]) == ("faq", "wifi", None)


def test_the_understander_builds_its_classifier_on_first_use() -> None:
    result = Understander().understand("quiero anular la reserva", now=NOW)
    assert result.intent is Intent.CANCEL_BOOKING


def test_threads_sharing_one_understander_get_the_same_answers(
    understander: Understander,
) -> None:
    texts = [
        "quiero reservar del 2 al 4 de abril",
        "the heating is broken",
        "a qué hora abre la piscina?",
        "talk to a human please",
        "👍",
        "can I bring my dog?",
    ] * 20
    alone = [understander.understand(text, now=NOW) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda text: understander.understand(text, now=NOW), texts))
    assert together == alone


@pytest.mark.parametrize("reference", ["HS-4JQCPU", "HS-K7P2MX", "HS-QWERTY"])
def test_a_booking_reference_is_no_evidence_of_a_language(
    understander: Understander, reference: str
) -> None:
    result = understander.understand(f"cancela la reserva {reference}", now=NOW)
    assert (result.language, result.intent) == ("es", Intent.CANCEL_BOOKING)
