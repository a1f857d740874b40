"""The demo hotel's knowledge file: every topic answered in both languages, in agreement with
the hotel the simulator serves."""

from __future__ import annotations

import re

import pytest

from hotel_agent.knowledge import HotelKnowledge
from hotel_agent.nlu.types import Topic
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL
from tests.unit.knowledge.support import demo_knowledge

ANSWERED_TOPICS = [topic for topic in Topic if topic is not Topic.OTHER]
LANGUAGES = ("es", "en")
WHATSAPP_LENGTH = 600  # characters: one screen of a phone, not a brochure


@pytest.fixture(scope="module")
def knowledge() -> HotelKnowledge:
    return demo_knowledge()


@pytest.mark.parametrize("topic", ANSWERED_TOPICS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_topic_is_answered_in_both_languages(
    knowledge: HotelKnowledge, topic: Topic, language: str
) -> None:
    entry = knowledge.entry(topic)
    assert entry is not None, f"no entry for {topic}"
    assert language in entry.answers, f"{topic} has no {language} answer (it would fall back)"
    answer = knowledge.answer(topic, language)
    assert answer == entry.answers[language]
    assert 60 <= len(answer) <= WHATSAPP_LENGTH


@pytest.mark.parametrize("entry_id", [entry.id for entry in demo_knowledge().entries])
def test_both_languages_say_the_same_thing(knowledge: HotelKnowledge, entry_id: str) -> None:
    (entry,) = [entry for entry in knowledge.entries if entry.id == entry_id]
    spanish, english = entry.answers["es"], entry.answers["en"]
    assert spanish != english
    # A guest must not be quoted one price in Spanish and another in English.
    assert _prices(spanish) == _prices(english)


def _prices(text: str) -> set[str]:
    """Amounts in euros, written "14 €", "25–30 €" (Spanish) or "€14", "€25–30" (English)."""
    amounts = re.findall(r"€(\d+)(?:–(\d+))?", text) + re.findall(r"(\d+)(?:–(\d+))? ?€", text)
    return {number for pair in amounts for number in pair if number}


def test_extra_entries_answer_common_questions_in_both_languages(
    knowledge: HotelKnowledge,
) -> None:
    extras = {entry.id: entry for entry in knowledge.entries if entry.topic == "other"}
    assert {
        "beach", "airport_transfer", "luggage_storage", "late_check_out", "early_check_in",
        "cot_and_extra_bed", "smoking",
    } <= set(extras)  # fmt: skip
    for entry in extras.values():
        assert set(LANGUAGES) <= set(entry.answers), entry.id
        assert all(entry.keywords.get(language) for language in LANGUAGES), entry.id


def test_answers_agree_with_the_hotel_the_simulator_serves(knowledge: HotelKnowledge) -> None:
    check_in = DEMO_HOTEL.check_in_time.strftime("%H:%M")
    check_out = DEMO_HOTEL.check_out_time.strftime("%H:%M")
    street, postcode = "Avenida del Puerto 12", "03001 Alicante"
    assert DEMO_HOTEL.address.startswith(f"{street}, {postcode}")
    for language in LANGUAGES:
        assert check_in in (knowledge.answer("check_in", language) or "")
        assert check_out in (knowledge.answer("check_out", language) or "")
        location = knowledge.answer("location", language) or ""
        assert street in location and postcode in location
    assert knowledge.hotel_name == DEMO_HOTEL.name
    # Quoted prices include the simulator's tax rate (10 %).
    assert "10 % de IVA" in (knowledge.answer("payment", "es") or "")
    assert "10% VAT" in (knowledge.answer("payment", "en") or "")


def test_the_cancellation_policy_tells_a_guest_when_cancelling_is_free(
    knowledge: HotelKnowledge,
) -> None:
    spanish = knowledge.answer("cancellation_policy", "es") or ""
    english = knowledge.answer("cancellation_policy", "en") or ""
    assert "48 horas" in spanish and "15:00" in spanish and "primera noche" in spanish
    assert "48 hours" in english and "3 pm" in english and "first night" in english
    assert "no te presentas" in spanish and "don't show up" in english


def test_facts_hold_every_answer_in_the_language_asked(knowledge: HotelKnowledge) -> None:
    facts = knowledge.facts("en")
    assert facts.startswith("Hotel Mirador del Puerto")
    for entry in knowledge.entries:
        assert f"{entry.id}: {entry.answers['en']}" in facts
        assert entry.answers["es"] not in facts
    assert "Avenida del Puerto 12" in knowledge.facts("es")
    assert "desayuno" in knowledge.facts("es").lower()
