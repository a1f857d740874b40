"""Phrasings real guests used that the understanding got wrong (issue 8), through the whole
pipeline: option picks, party phrases, rooms, hotel questions, complaints told as stories and
check-outs given as weekdays or relative phrases."""

from __future__ import annotations

from datetime import date

import pytest

from hotel_agent.nlu.intents import shared_classifier
from hotel_agent.nlu.pipeline import Understander
from hotel_agent.nlu.types import Entities, Intent, Topic, Understanding
from tests.unit.nlu.entities.support import HOTEL, NOW

D = date  # NOW is Saturday 28 November 2026


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander(shared_classifier())


def understand(
    understander: Understander, text: str, previous: Entities | None = None
) -> Understanding:
    return understander.understand(text, now=NOW, room_types=HOTEL, previous_entities=previous)


@pytest.mark.parametrize(
    "text",
    [
        "the first one",
        "the second one",
        "the 2nd one",
        "la primera",
        "la segunda opción",
        "la de arriba",
        "option 2",
        "opción 3",
        "the cheaper one",
        "la más barata",
        "the last one",
        "that one",
        "this one please",
    ],
)
def test_an_option_pick_is_no_date_no_complaint_and_no_correction(
    understander: Understander, text: str
) -> None:
    result = understand(understander, text, previous=Entities(check_in=D(2027, 1, 13)))
    assert (result.entities.check_in, result.entities.check_out) == (None, None)
    assert result.intent not in (Intent.COMPLAINT, Intent.MODIFY_BOOKING, Intent.HANDOFF)


@pytest.mark.parametrize(
    ("text", "check_in"),
    [
        ("the 1st of January", D(2027, 1, 1)),
        ("el 14", D(2026, 12, 14)),
        ("from the 14th", D(2026, 12, 14)),
        ("mejor el 16", D(2026, 12, 16)),
        ("no, from the 14th", D(2026, 12, 14)),
        ("a partir del 14", D(2026, 12, 14)),
    ],
)
def test_a_date_needs_date_words(understander: Understander, text: str, check_in: date) -> None:
    assert understand(understander, text).entities.check_in == check_in


@pytest.mark.parametrize(
    ("text", "adults", "children", "ages"),
    [
        ("me and my wife", 2, None, []),
        ("para mí y mi mujer", 2, None, []),
        ("two couples", 4, None, []),
        ("dos parejas", 4, None, []),
        ("myself only", 1, None, []),
        ("my mom and dad", 2, None, []),
        ("2 adults and a 5-year-old", 2, 1, [5]),
        ("2 adultos y un niño de 5 años", 2, 1, [5]),
        ("two little ones", None, 2, []),
        ("9 pax of which two are children", 7, 2, []),
        ("9 personas de las cuales dos son niños", 7, 2, []),
        ("2 personas", 2, None, []),
        ("seríamos dos", 2, None, []),
        ("we'd be three", 3, None, []),
        ("my wife, my son and me", 2, 1, []),
    ],
)
def test_party_phrases(
    understander: Understander, text: str, adults: int, children: int | None, ages: list[int]
) -> None:
    entities = understand(understander, text).entities
    assert (entities.adults, entities.children, entities.children_ages) == (adults, children, ages)
    assert not entities.party_uncertain


@pytest.mark.parametrize(
    ("text", "adults", "rooms"),
    [
        ("2 rooms with 2 adults each", 4, 2),
        ("2 habitaciones con 2 adultos cada una", 4, 2),
        ("a room", None, 1),
        ("una habitación para dos", 2, 1),
        ("one double and one single", None, 2),
        ("una doble y una individual", None, 2),
        ("I need two smoking rooms", None, 2),
        ("a room, if possible a quiet room with good light", None, 1),
    ],
)
def test_rooms(understander: Understander, text: str, adults: int | None, rooms: int) -> None:
    entities = understand(understander, text).entities
    assert (entities.adults, entities.rooms) == (adults, rooms)


@pytest.mark.parametrize(
    "text",
    [
        "two rooms, one for us and one for our teenage daughter",
        "a room for me and some friends",
        "somos varios",
        "me, my wife and kids",
        "mi mujer y yo con nuestros hijos",
        "a family room for 2 adults and 2 kids plus a double for the grandparents",
    ],
)
def test_a_party_without_a_sure_count_is_uncertain_and_not_guessed(
    understander: Understander, text: str
) -> None:
    result = understand(understander, text)
    assert result.entities.party_uncertain
    assert (result.entities.adults, result.entities.children) == (None, None)
    assert result.to_json()["party_uncertain"] is True


def test_a_count_said_with_the_group_is_sure(understander: Understander) -> None:
    entities = understand(understander, "we are a group of 6").entities
    assert (entities.adults, entities.party_uncertain) == (6, False)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("does the room have a minibar?", Topic.ROOM_AMENITIES),
        ("is there a safe in the room where I can leave my passport?", Topic.ROOM_AMENITIES),
        ("is there a hair dryer in the bathroom?", Topic.ROOM_AMENITIES),
        ("do the rooms have a balcony?", Topic.ROOM_AMENITIES),
        ("¿hay caja fuerte en la habitación?", Topic.ROOM_AMENITIES),
        ("¿las habitaciones tienen balcón?", Topic.ROOM_AMENITIES),
        ("can we order food to the room at night?", Topic.ROOM_SERVICE),
        ("¿tenéis servicio de habitaciones?", Topic.ROOM_SERVICE),
        ("is the restaurant open for dinner or only breakfast?", Topic.RESTAURANT),
        ("¿se puede cenar en el hotel?", Topic.RESTAURANT),
        ("what time is breakfast served?", Topic.BREAKFAST),
        ("do you have a spa or sauna?", Topic.SPA),
        ("do I need to pay for parking?", Topic.PARKING),
        ("¿hay que pagar el parking?", Topic.PARKING),
        ("what's the hotel's phone number?", Topic.OTHER),
    ],
)
def test_hotel_questions_are_faq_with_their_topic(
    understander: Understander, text: str, topic: Topic
) -> None:
    result = understand(understander, text)
    assert (result.intent, result.topic) == (Intent.FAQ, topic)


@pytest.mark.parametrize("text", ["can I get an iron and ironing board?", "¿hay plancha?"])
def test_an_iron_is_asked_about_as_a_hotel_question(understander: Understander, text: str) -> None:
    # The knowledge file answers ironing in its laundry entry (topic other).
    result = understand(understander, text)
    assert result.intent is Intent.FAQ
    assert result.topic in (Topic.OTHER, Topic.ROOM_AMENITIES)


@pytest.mark.parametrize(
    "text",
    [
        "the AC is not working and nobody answers",
        "I called reception three times about the noise and nothing happened",
        "el aire acondicionado no funciona y nadie contesta",
        "llevamos una hora esperando a que alguien arregle la ducha",
    ],
)
def test_complaints_told_as_stories(understander: Understander, text: str) -> None:
    assert understand(understander, text).intent is Intent.COMPLAINT


@pytest.mark.parametrize("text", ["2 personas", "dos personas", "seríamos dos", "para 3 personas"])
def test_a_party_answer_is_not_a_request_for_a_person(
    understander: Understander, text: str
) -> None:
    assert understand(understander, text).intent not in (Intent.HANDOFF, Intent.COMPLAINT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("till Friday morning", (None, D(2026, 12, 4), None)),
        ("until next Tuesday", (None, D(2026, 12, 1), None)),
        ("from tomorrow", (D(2026, 11, 29), None, None)),
        ("3 nights from the 14th", (D(2026, 12, 14), D(2026, 12, 17), 3)),
        ("hasta el viernes", (None, D(2026, 12, 4), None)),
        ("desde mañana 3 noches", (D(2026, 11, 29), D(2026, 12, 2), 3)),
        ("from tomorrow till friday morning", (D(2026, 11, 29), D(2026, 12, 4), 5)),
        ("desde mañana hasta el viernes por la mañana", (D(2026, 11, 29), D(2026, 12, 4), 5)),
        ("for 4 days from the 6th", (D(2026, 12, 6), D(2026, 12, 10), 4)),
        ("I'll be checking out on the 11th", (None, D(2026, 12, 11), None)),
    ],
)
def test_check_out_as_weekday_or_relative_phrase(
    understander: Understander, text: str, expected: tuple[date | None, date | None, int | None]
) -> None:
    result = understand(understander, text)
    entities = result.entities
    assert (entities.check_in, entities.check_out, entities.nights) == expected
    assert result.intent not in (Intent.GOODBYE, Intent.GREET, Intent.COMPLAINT)


def test_a_check_out_keeps_the_known_check_in(understander: Understander) -> None:
    previous = Entities(check_in=D(2026, 12, 1))
    entities = understand(understander, "hasta el viernes", previous).entities
    assert (entities.check_out, entities.nights) == (D(2026, 12, 4), 3)


@pytest.mark.parametrize("text", ["see you on friday", "hasta mañana", "adiós, hasta el lunes"])
def test_farewells_that_name_a_day_stay_farewells(understander: Understander, text: str) -> None:
    assert understand(understander, text).intent is Intent.GOODBYE


@pytest.mark.parametrize(
    "text",
    [
        "hola q tal, 1 hab del 18 al 20 de enero xfa",
        "good morning, 2 adults",
        "hi! a room from the 3rd to the 5th of January",
    ],
)
def test_a_greeting_that_asks_for_a_stay_is_a_booking(
    understander: Understander, text: str
) -> None:
    assert understand(understander, text).intent is Intent.NEW_BOOKING


@pytest.mark.parametrize("text", ["hola", "buenos días", "good evening", "hi there"])
def test_a_plain_greeting_stays_a_greeting(understander: Understander, text: str) -> None:
    assert understand(understander, text).intent is Intent.GREET


@pytest.mark.parametrize(
    "text", ["can you hold the room for us until 8pm?", "is there a family room?", "hola"]
)
def test_a_message_about_no_party_is_not_uncertain(understander: Understander, text: str) -> None:
    assert not understand(understander, text).entities.party_uncertain
