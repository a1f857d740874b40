from __future__ import annotations

from decimal import Decimal

import pytest

from hotel_agent.dialogue.choices import (
    adults_per_room,
    is_no,
    is_yes,
    mentions_children,
    mentions_company,
    party_answer,
    pick_by_price,
    pick_index,
    points_at_option,
    says_a_date,
    typed_choice,
    wants_a_person,
    wants_start_over,
)
from hotel_agent.dialogue.state import ChoiceView


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", 1),
        ("la 2", 1),
        ("opción 3", 2),
        ("la segunda", 1),
        ("La segunda, por favor", 1),
        ("the second one", 1),
        ("first", 0),
        ("la primera", 0),
        ("la última", 2),
        ("the last one", 2),
        ("tercera", 2),
        ("la 1 xfa", 0),
        ("2 pls", 1),
        ("7", None),  # only three options
        ("0", None),
        # Too long to be sure it is an answer to the question:
        ("quiero la segunda habitación que me enseñaste antes, gracias", None),
        ("hola", None),
    ],
)
def test_a_typed_answer_picks_an_option(text: str, expected: int | None) -> None:
    assert pick_index(text, 3) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the cheaper one", 1),
        ("la más barata", 1),
        ("the cheapest", 1),
        ("la más cara", 2),
        ("the most expensive one", 2),
        ("la de la piscina", None),
        ("la mejor", 2),
        ("the best one", 2),
        ("mejor loop.2@example.com", None),  # "rather this e-mail", not the dearest room
        ("mejor la doble", None),
        ("la cara", 2),
        ("hmm too expensive", None),
        ("uh esta caro, mejor no, gracias", None),  # a complaint, not the dearest room
    ],
)
def test_a_typed_answer_picks_by_price(text: str, expected: int | None) -> None:
    prices = [Decimal("120"), Decimal("90"), Decimal("300")]
    assert pick_by_price(text, prices) == expected


@pytest.mark.parametrize(
    "text",
    ["sí", "Si", "vale", "ok", "sí, confirmo", "yes please", "Yes!", "dale", "listo", "yup",
     "sounds good", "let's do it", "I accept", "acepto"],
)  # fmt: skip
def test_yes(text: str) -> None:
    assert is_yes(text)
    assert not is_no(text)


@pytest.mark.parametrize("text", ["no", "No, gracias", "nope", "mejor no"])
def test_no(text: str) -> None:
    assert is_no(text)
    assert not is_yes(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("empezar de nuevo", True),
        ("mejor empezamos de cero", True),
        ("let's start over", True),
        ("start again please", True),
        ("quiero empezar mis vacaciones el lunes", False),
        ("the start date is Monday", False),
    ],
)
def test_start_over(text: str, expected: bool) -> None:
    assert wants_start_over(text) is expected


OPTIONS = [
    ChoiceView(id="book", title="Reservar"),
    ChoiceView(id="my_booking", title="Mi reserva"),
    ChoiceView(id="handoff", title="Hablar con recepción"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", "handoff"),
        ("2.", "my_booking"),
        ("la tercera", "handoff"),
        ("opción 1", "book"),
        ("the second one", "my_booking"),
        ("hablar con recepcion", "handoff"),  # the title, typed without the accent
        ("Mi reserva", "my_booking"),
        ("somos dos", None),  # a party, not an option
        ("el 3 de mayo", None),  # a date
        ("4", None),  # no fourth option
        ("quiero reservar", None),  # a request, not the title
    ],
)
def test_an_option_can_be_typed_instead_of_tapped(text: str, expected: str | None) -> None:
    assert typed_choice(text, OPTIONS) == expected
    assert typed_choice(text, []) is None


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [
        ("la de arriba", 4, 0),
        ("the top one", 4, 0),
        ("la de abajo", 4, 3),
        ("option 2", 4, 1),
        ("that one", 1, 0),
        ("that one", 3, None),  # pointing, but at which?
        ("no, from the 14th", 3, None),  # a date correction, not an option
        ("mejor el 16", 3, None),
    ],
)
def test_picks_from_a_list(text: str, count: int, expected: int | None) -> None:
    assert pick_index(text, count) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("that one", True), ("esa", True), ("esa misma porfa", True), ("the 14th", False)],
)
def test_pointing_at_an_option(text: str, expected: bool) -> None:
    assert points_at_option(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2 personas", False), ("quiero hablar con una persona", True), ("talk to a human", True)],
)
def test_a_party_is_not_a_request_for_a_person(text: str, expected: bool) -> None:
    assert wants_a_person(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("para mí y mi mujer", True),
        ("me and my wife", True),
        ("we are a couple", True),
        ("1 adult", False),
        ("a double with sea view for 1 adult", False),
    ],
)
def test_company_is_noticed(text: str, expected: bool) -> None:
    assert mentions_company(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the first one", False),
        ("la segunda", False),
        ("no, from the 14th", True),
        ("mejor el 16", True),
        ("mejor el dieciséis", True),
        ("one more night", True),
        ("till Friday morning", True),
        ("the twentieth", True),
    ],
)
def test_a_date_correction_says_a_date(text: str, expected: bool) -> None:
    assert says_a_date(text) is expected


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        ("Seríamos dos", False, 2),
        ("¿Tenéis la suite el 3 de mayo? Seríamos dos", False, 2),
        ("we'll be 3", False, 3),
        ("2", True, 2),
        ("2", False, None),  # "2" before the question was asked is nothing yet
        ("2 pax", True, 2),
        ("la 2", True, None),
    ],
)
def test_a_party_in_a_short_sentence(text: str, asked: bool, expected: int | None) -> None:
    assert party_answer(text, asked=asked) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 adults and a 5-year-old", True),
        ("2 adultos y una nena de 5 años", True),
        ("two little ones", True),
        ("2 adults, no kids", False),
        ("2 adultos sin niños", False),
        ("2 adults", False),
    ],
)
def test_children_spoken_of(text: str, expected: bool) -> None:
    assert mentions_children(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 rooms with 2 adults each", 2),
        ("dos habitaciones con 2 adultos en cada una", 2),
        ("3 rooms, two people per room", 2),
        ("2 rooms for 4 adults", None),
    ],
)
def test_adults_per_room(text: str, expected: int | None) -> None:
    assert adults_per_room(text) == expected
