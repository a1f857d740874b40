"""Free questions find the entry that answers them; messages that ask nothing find nothing."""

from __future__ import annotations

import pytest

from hotel_agent.knowledge import FaqEntry, HotelKnowledge
from tests.unit.knowledge.support import demo_knowledge


@pytest.fixture(scope="module")
def knowledge() -> HotelKnowledge:
    return demo_knowledge()


@pytest.mark.parametrize(
    ("question", "language", "entry_id"),
    [
        # the extra entries, from natural questions
        ("¿a qué distancia está la playa?", "es", "beach"),
        ("how far is the beach?", "en", "beach"),
        ("is there an airport shuttle?", "en", "airport_transfer"),
        ("¿hacéis traslados desde el aeropuerto?", "es", "airport_transfer"),
        ("can I leave my luggage after check-out?", "en", "luggage_storage"),
        ("¿puedo dejar las maletas en el hotel?", "es", "luggage_storage"),
        ("can I have a late check-out?", "en", "late_check_out"),
        ("¿podemos salir más tarde el domingo?", "es", "late_check_out"),
        ("can we check in early?", "en", "early_check_in"),
        ("¿podemos llegar antes de las 15?", "es", "early_check_in"),
        ("do you have a cot for the baby?", "en", "cot_and_extra_bed"),
        ("¿tenéis cama supletoria?", "es", "cot_and_extra_bed"),
        ("¿se puede fumar en el balcón?", "es", "smoking"),
        ("is it a non-smoking hotel?", "en", "smoking"),
        ("do you have beach towels?", "en", "beach_towels"),
        ("¿hay servicio de lavandería?", "es", "laundry"),
        # the topics' own entries
        ("what time is check-out?", "en", "check_out"),
        ("¿a qué hora es el check in?", "es", "check_in"),
        ("what time is breakfast?", "en", "breakfast"),
        ("what's the wifi password?", "en", "wifi"),
        ("¿dónde está el hotel?", "es", "location"),
        ("can we have dinner in the room?", "en", "room_service"),
        ("toallas para la piscina", "es", "pool"),
        ("can you bring us clean towels?", "en", "housekeeping"),
        ("is the hotel wheelchair accessible?", "en", "accessibility"),
        ("¿cuánto cuesta cancelar?", "es", "cancellation_policy"),
    ],
)
def test_a_question_finds_its_answer(
    knowledge: HotelKnowledge, question: str, language: str, entry_id: str
) -> None:
    found = knowledge.search(question, language)
    assert found is not None, question
    assert found.id == entry_id
    assert found.answer(language) == found.answers[language]


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("A QUE DISTANCIA ESTA LA PLAYA", "beach"),  # capitals, no accents
        ("luggaje storage?", "luggage_storage"),  # a typo in a long word
        ("¿tenéis lavanderia?", "laundry"),
    ],
)
def test_case_accents_and_typos_do_not_matter(
    knowledge: HotelKnowledge, question: str, entry_id: str
) -> None:
    found = knowledge.search(question, "es")
    assert found is not None
    assert found.id == entry_id


def test_a_question_mixing_languages_is_found_by_the_other_language_s_keywords(
    knowledge: HotelKnowledge,
) -> None:
    # No Spanish keyword of the demo file says "luggage"; the English ones do.
    found = knowledge.search("¿tenéis luggage room?", "es")
    assert found is not None
    assert found.id == "luggage_storage"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hola", "es"),
        ("buenas tardes", "es"),
        ("quiero reservar", "es"),
        ("quiero reservar una habitación doble del 3 al 5 de enero", "es"),
        ("gracias!", "es"),
        ("ok", "es"),
        ("👍", "es"),
        ("", "es"),
        ("hello", "en"),
        ("I'd like to book a room for two nights", "en"),
        ("I want to double check my booking", "en"),
        ("can you help me?", "en"),
        ("thanks a lot", "en"),
    ],
)
def test_messages_that_ask_nothing_find_nothing(
    knowledge: HotelKnowledge, text: str, language: str
) -> None:
    assert knowledge.search(text, language) is None


def test_a_question_about_two_things_equally_finds_neither(knowledge: HotelKnowledge) -> None:
    # Answering only the pool would leave the guest's gym question unanswered, unnoticed.
    assert knowledge.search("is there a pool and a gym?", "en") is None


def test_a_short_word_must_match_exactly() -> None:
    knowledge = HotelKnowledge(
        [FaqEntry(id="bar", topic="other", answers={"en": "The bar opens at 6 pm."},
                  keywords={"en": ("bar",)})]
    )  # fmt: skip
    assert knowledge.search("is there a bar?", "en") is not None
    assert knowledge.search("is there a bus?", "en") is None
