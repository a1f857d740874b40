"""The demo hotel's room-type synonyms: how guests name rooms, mapped to the PMS's codes."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hotel_agent.knowledge import HotelKnowledge
from hotel_agent.nlu.entities import RoomTypeName
from hotel_agent.nlu.entities.room_types import match_room_type
from hotel_agent.nlu.intents import shared_classifier
from hotel_agent.nlu.pipeline import Understander
from hotel_agent.pms.port import RoomType
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL
from tests.unit.knowledge.support import demo_knowledge, demo_room_types

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # a Saturday


@pytest.fixture(scope="module")
def rooms() -> tuple[RoomTypeName, ...]:
    return demo_knowledge().room_type_names(demo_room_types())


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("una doble", "DBL"),
        ("la matrimonial", "DBL"),
        ("a twin", "DBL"),
        ("a twin room please", "DBL"),
        ("una habitación con camas separadas", "DBL"),
        ("a room with twin beds", "DBL"),
        ("the standard one", "DBL"),
        ("una estándar", "DBL"),
        ("una individual", "IND"),
        ("una sencilla para mi madre", "IND"),
        ("a single", "IND"),
        ("the family one", "FAM"),
        ("la familiar", "FAM"),
        ("una cuádruple", "FAM"),
        ("la suite", "STE"),
        ("la suite con vistas al mar", "STE"),
        ("a suite with a sea view", "STE"),
        ("the sea view", "DSV"),
        ("una habitación con vistas al mar", "DSV"),
        ("la superior", "DSV"),
        ("a room with a balcony", "DSV"),
        ("a double room with sea view", "DSV"),
    ],
)
def test_guest_phrasings_name_the_room_type(
    rooms: tuple[RoomTypeName, ...], text: str, code: str
) -> None:
    assert match_room_type(text, rooms) == code


@pytest.mark.parametrize(
    "text",
    [
        "I want to double check my booking",
        "we are a family of four",
        "vamos con mi familia",
        "es un asunto familiar",
        "just a single night",
        "una cama de matrimonio",
        "¿El hotel está cerca del mar?",
        "una tarifa estándar, por favor",
        "I'd like a room with a view",
        "somos dos, ¿tenéis camas supletorias?",
        "una doble y una individual",  # two types named alike: the dialogue asks
        "a double and a single",
    ],
)
def test_ordinary_sentences_name_no_room_type(rooms: tuple[RoomTypeName, ...], text: str) -> None:
    assert match_room_type(text, rooms) is None


def test_every_demo_room_type_has_synonyms_besides_its_pms_names(
    rooms: tuple[RoomTypeName, ...],
) -> None:
    by_code = {room.id: room for room in rooms}
    assert list(by_code) == [spec.code for spec in DEMO_HOTEL.room_types]
    for spec in DEMO_HOTEL.room_types:
        for language, pms_name in spec.names.items():
            names = by_code[spec.code].names[language]
            assert names[0] == pms_name  # the PMS's own name first, then the hotel's
            assert len(names) > 1, f"{spec.code} has no {language} synonym"


def test_synonyms_follow_the_pms_room_types() -> None:
    knowledge = HotelKnowledge([], {"DBL": {"es": ["doble"]}, "GONE": {"es": ["ático"]}})
    offered = [
        RoomType(id="DBL", names={"en": "Double"}, max_adults=2, max_children=0, max_guests=2),
        RoomType(id="NEW", names={"es": "Estudio"}, max_adults=2, max_children=0, max_guests=2),
    ]
    double, studio = knowledge.room_type_names(offered)
    # Names in a language the PMS lacks still count; a code the PMS does not offer is dropped.
    assert double == RoomTypeName("DBL", {"en": ("Double",), "es": ("doble",)})
    assert studio == RoomTypeName("NEW", {"es": ("Estudio",)})
    assert match_room_type("un ático", knowledge.room_type_names(offered)) is None


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander(shared_classifier())


@pytest.mark.parametrize(
    ("text", "code", "check_in", "check_out"),
    [
        ("quiero una doble del 3 al 5 de enero", "DBL", date(2027, 1, 3), date(2027, 1, 5)),
        ("the family one, from 22 to 26 December", "FAM", date(2026, 12, 22), date(2026, 12, 26)),
        ("¿tenéis la suite libre el 5 de diciembre?", "STE", date(2026, 12, 5), None),
        ("a twin room for tonight", "DBL", date(2026, 11, 28), date(2026, 11, 29)),  # one night
        ("una con vistas al mar para el puente de diciembre", "DSV", None, None),
    ],
)
def test_the_understander_reads_room_types_with_the_synonyms(
    understander: Understander,
    rooms: tuple[RoomTypeName, ...],
    text: str,
    code: str,
    check_in: date | None,
    check_out: date | None,
) -> None:
    entities = understander.understand(text, now=NOW, room_types=rooms).entities
    assert entities.room_type == code
    if check_in:
        assert (entities.check_in, entities.check_out) == (check_in, check_out)
