"""Room types named by guests, matched against the demo hotel's names and synonyms."""

from __future__ import annotations

import pytest

from hotel_agent.nlu.entities.room_types import RoomTypeName, match_room_type
from tests.unit.nlu.entities.support import HOTEL


@pytest.mark.parametrize(
    ("text", "room_type"),
    [
        ("¿Os queda alguna suite libre?", "STE"),
        ("la suite mirador, por favor", "STE"),
        ("Mirador Suite", "STE"),
        ("una individual para el martes", "IND"),
        ("dos habitaciones individuales", "IND"),
        ("a single for my mother", "IND"),
        ("Single room please", "IND"),
        ("una doble", "DBL"),
        ("dos dobles", "DBL"),
        ("habitación de matrimonio", "DBL"),  # a typo-like variant next to a room word
        ("a twin room", "DBL"),
        ("Standard Double", "DBL"),
        ("habitacion dobel", "DBL"),
        ("doble superior", "DSV"),
        ("con vistas al mar", "DSV"),
        ("sea view room", "DSV"),
        ("the superior double with a sea view", "DSV"),
        ("a double room with sea view", "DSV"),  # "double" is in the sea-view name too
        ("una habitación doble superior con vista al mar", "DSV"),
        ("la familiar", "FAM"),
        ("habitación familiar para 4", "FAM"),
        ("do you have a family room?", "FAM"),
        ("familiar", "FAM"),
    ],
)
def test_named_room_types(text: str, room_type: str) -> None:
    assert match_room_type(text, HOTEL) == room_type


@pytest.mark.parametrize(
    "text",
    [
        "Necesito habitación para el martes",
        "¿tenéis habitaciones libres?",
        "I need a room",
        "we're travelling with the whole family",
        "vamos con mi familia",
        "es un asunto familiar",  # no room context for a one-word name in a long sentence
        "could you double-check the price?",
        "every single time I call",
        "just a single night",
        "una cama de matrimonio",
        "I'd like a room with a view",
        "¿El hotel está cerca del mar?",
        "una doble y una individual",  # two types, equally named: the dialogue asks
        "the suite or a double?",
        "",
    ],
)
def test_no_room_type(text: str) -> None:
    assert match_room_type(text, HOTEL) is None


def test_no_room_types_known() -> None:
    assert match_room_type("una suite", ()) is None


def test_names_of_any_language_match() -> None:
    hotel = (RoomTypeName("APT", {"es": ("apartamento",), "en": ("apartment",)}),)
    assert match_room_type("an apartamento for 4 people", hotel) == "APT"
    assert match_room_type("un apartment", hotel) == "APT"
