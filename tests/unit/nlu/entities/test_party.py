"""Who is staying, as guests say it in Spanish and English."""

from __future__ import annotations

import pytest

from hotel_agent.nlu.entities.party import Party, extract_party
from hotel_agent.nlu.types import Entities


def party(
    adults: int | None = None,
    children: int | None = None,
    ages: list[int] | None = None,
    rooms: int | None = None,
    *,
    implied: bool = False,
) -> Party:
    return Party(adults, children, ages or [], rooms, rooms_implied=implied)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("seremos tres adultos y una niña", party(3, 1)),
        ("dos adultos y tres niños de 2, 6 y 9 años", party(2, 3, [2, 6, 9])),
        ("un adulto con dos peques de 4 y 7", party(1, 2, [4, 7])),
        ("para cuatro", party(4)),
        ("una habitación para una persona", party(1, rooms=1, implied=True)),
        ("somos un matrimonio con un bebé", party(2, 1)),
        ("solo para mí", party(1)),
        ("yo sola", party(1)),
        ("6 personas", party(6)),
        ("somos diez", party(10)),
        ("somos 5 en total, 3 niños", party(2, 3)),
        ("somos 2 y un bebé", party(2, 1)),
        ("somos 2 + un bebé", party(2, 1)),
        ("2 of us + a baby", party(2, 1)),
        ("familia de cinco", party(5)),
        ("vamos a ir mi novio y yo", party(2)),
        ("yo y mis dos hijas", party(1, 2)),
        ("viajo con mi madre", party(2)),
        ("la reserva es para mis padres", party(2)),
        ("dos adultos, ningún niño", party(2, 0)),
        ("solo adultos, somos 4", party(4, 0)),
        ("un par de amigos y yo", party(3)),  # two friends and the speaker
        ("3 habitaciones para 9 personas", party(9, rooms=3)),
        ("dos dobles y una individual", party(rooms=3)),
        ("quiero una habitación doble", party(rooms=1, implied=True)),
        ("una sola habitación", party(rooms=1)),
        ("dos habitaciones", party(rooms=2)),
        ("1 habitación para 2", party(2, rooms=1)),
        ("nuestro hijo tiene 12 años", party(children=1, ages=[12])),
        ("0 adultos", party(0)),
        ("somos 35 personas", party(35)),
        # A couple said in words is two adults, whoever comes with them.
        ("somos mi pareja y yo con el peque de 4 años", party(2, 1, [4])),
        ("mi pareja y yo con mi hijo de 5", party(2, 1, [5])),
        ("mi mujer y yo con el bebé", party(2, 1)),
        ("somos 2 con la niña de 7 años", party(2, 1, [7])),
        ("somos 3, mi pareja y yo y el peque", party(2, 1)),
        ("mi mujer y nuestro hijo de 7", party(2, 1, [7])),
        # The speaker beside friends counted: "yo y 2 amigos" are 3.
        ("yo y 2 amigos", party(3)),
        ("voy con 3 amigas", party(4)),
        ("somos 4 amigos", party(4)),
        # One child said in the singular: "peque", "cría", "pequeña".
        ("2 adultos y 1 peque de 3 años, tienen cuna?", party(2, 1, [3])),
        ("somos 2 y una cría de 4", party(2, 1, [4])),
        ("2 adultos y una pequeña de 6", party(2, 1, [6])),
        ("dos pequeñas habitaciones", party(rooms=2)),  # small rooms, no children
    ],
)
def test_spanish(text: str, expected: Party) -> None:
    assert extract_party(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two adults and a toddler", party(2, 1)),
        ("my wife and I with the baby", party(2, 1)),
        ("me and my husband and our little one, she's 3", party(2, 1, [3])),
        ("we are two plus the kid (6)", party(2, 1, [6])),
        ("me and the little one", party(1, 1)),
        ("my wife and our 7 year old", party(2, 1, [7])),
        ("a room for our son", party(children=1, rooms=1, implied=True)),
        ("just me, is there a baby cot?", party(1)),
        ("two couples and the baby", party(4, 1)),
        ("3 adults, 2 kids aged 5 and 11", party(3, 2, [5, 11])),
        ("one adult plus two children, ages 8 & 10", party(1, 2, [8, 10])),
        ("a room for four please", party(4, rooms=1, implied=True)),
        ("for one person", party(1)),
        ("just the two of us", party(2)),
        ("a married couple", party(2)),
        ("only me", party(1)),
        ("I'm coming on my own", party(1)),
        ("we're 5", party(5)),
        ("there will be 7 of us", party(7)),
        ("group of 12 colleagues", party(12)),
        ("family of five with three kids", party(2, 3)),
        ("we are 3 and a baby", party(3, 1)),
        ("my wife, my son and me", party(2, 1)),
        ("me and my girlfriend", party(2)),
        ("my partner and I plus our little girl", party(2, 1)),
        ("a room for my parents", party(2, rooms=1, implied=True)),
        ("2 adults, no children", party(2, 0)),
        ("adults only, 2 of us", party(2, 0)),
        ("two rooms for four people", party(4, rooms=2)),
        ("two singles", party(rooms=2)),
        ("a twin and a double", party(rooms=2)),
        ("one room", party(rooms=1)),
        ("a double room for 3 nights", party(rooms=1)),
        ("four guests", party(4)),
        ("a couple of kids and 2 adults", party(2, 2)),
        ("0 people", party(0)),
        # A partner listed right after the speaker travels without "my".
        ("for me + wife + our 2 kids (7 and 10)", party(2, 2, [7, 10])),
        ("me and the hubby", party(2)),
        ("me+wife", party(2)),
        ("me and 2 friends", party(3)),
        ("just me n my gf", party(2)),  # "n" is "and"; "gf" a girlfriend
        ("me & my bf", party(2)),
        ("4 friends", party(4)),
    ],
)
def test_english(text: str, expected: Party) -> None:
    assert extract_party(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "el 15 de diciembre",
        "on the 3rd",
        "120 euros por noche",
        "is it 95 pounds for 2 nights?",
        "estoy en la habitación 304",
        "room 12 has no hot water",
        "para el 2",
        "for 3 nights",
        "para dos noches",
        "we land at 10 pm",
        "tengo una pregunta",
        "a couple of questions",
        "is there a family room?",
        "llego a las 5",
        "somos de Sevilla",
        "I am a guest at your hotel",
    ],
)
def test_numbers_that_are_not_guests(text: str) -> None:
    assert extract_party(text) == party()


@pytest.mark.parametrize(
    ("text", "previous", "expected"),
    [
        ("un adulto más", Entities(adults=2), party(3)),
        ("and one more child", Entities(adults=2, children=1), party(children=2)),
        ("otro niño", Entities(adults=2), party(children=1)),
        ("2 more adults", Entities(adults=1, children=2), party(3)),
        ("un niño más", None, party()),  # nothing known to add to
        ("mejor 3 adultos", Entities(adults=2), party(3)),
    ],
)
def test_additions_relative_to_previous(
    text: str, previous: Entities | None, expected: Party
) -> None:
    assert extract_party(text, previous=previous) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Issue 8: girls and boys are children when they are "ours" or their ages are said.
        ("me, my husband and our two girls (8 and 11)", party(2, 2, [8, 11])),
        ("me, my husband and the two girls", party(2, 2)),
        ("my wife and I with our 2 boys", party(2, 2)),
        ("2 adults and two girls", party(2, 2)),
        ("two girls aged 8 and 11", party(None, 2, [8, 11])),
        ("mi marido y yo con nuestras dos niñas", party(2, 2)),
        ("mi marido y yo con las niñas de 8 y 11", party(2, 2, [8, 11])),
        ("mi mujer, yo y los dos chicos de 5 y 7", party(2, 2, [5, 7])),
        ("mi mujer y yo con los niños de 3 y 5", party(2, 2, [3, 5])),
        ("somos 2 adultos y dos chicas", party(2, 2)),
        ("my husband and I and our girls (8 and 11)", party(2, 2, [8, 11])),
        # ... and grown-ups when they are the travellers themselves.
        ("we are two girls travelling", party(2)),
        ("somos dos chicas", party(2)),
        ("somos dos chicas de 25 años", party(2)),
    ],
)
def test_girls_and_boys_are_children_only_when_said_so(text: str, expected: Party) -> None:
    assert extract_party(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Issue 8: "para 2" before "del 4 de febrero" is the party; the day is the date's.
        ("una noche para 2 del 4 de febrero", party(2)),
        ("para 2 del 4 al 6 de marzo", party(2)),
        ("para 2 de febrero", party()),
        ("para 2 del 4", party()),
        # Relatives listed beside friends counted, and the speaker when said.
        ("my wife, me and 3 friends", party(5)),
        ("mi mujer, yo y 3 amigos", party(5)),
        ("me, my wife and 3 friends", party(5)),
        ("voy con mi mujer y 3 amigos", party(5)),
        ("me, my son and 2 friends", party(3, 1)),
        ("2 friends and me", party(3)),
        ("we are 4 friends", party(4)),
        ("me and my 2 kids", party(1, 2)),
        ("nosotros dos y nuestra hija", party(2, 1)),
        ("me, my brother and his wife", party(3)),
        ("mi hermano, su mujer y yo", party(3)),
        ("para mí, mi hermano y su mujer", party(3)),
        ("una doble para mi mujer y para mí", party(2, rooms=1)),
        # Words between the count and the rooms.
        ("two small rooms", party(rooms=2)),
        ("2 habitaciones dobles", party(rooms=2)),
        ("three double rooms", party(rooms=3)),
        ("dos habitaciones grandes", party(rooms=2)),
        ("necesito dos habitaciones contiguas", party(rooms=2)),
        ("two small double rooms", party(rooms=2)),
        # "... y otra para dos": one more room, and its guests added.
        ("una habitación para tres personas y otra para dos", party(5, rooms=2)),
        ("una habitación para mí y otra para mis padres", party(3, rooms=2)),
        ("a room for me and my wife and another for my parents", party(4, rooms=2)),
        ("one room for 2 adults and another room for 2 adults and 2 kids", party(4, 2, rooms=2)),
        ("2 habitaciones: una para mí y otra para mis padres", party(3, rooms=2)),
        ("una doble y otra individual", party(rooms=2)),
        ("dos dobles y otra individual", party(rooms=3)),
        ("una habitación para 2, y otra noche más", party(2, rooms=1, implied=True)),
    ],
)
def test_issue_8_party_and_rooms(text: str, expected: Party) -> None:
    assert extract_party(text) == expected


def test_relatives_beside_friends_without_the_speaker_are_asked_about() -> None:
    # "my wife and 3 friends": 4 or 5, the speaker's place is not said; never guessed down.
    assert extract_party("my wife and 3 friends") == Party(uncertain=True)


@pytest.mark.parametrize(
    "text",
    ["me, my husband and our boys", "me and my girls", "mi mujer y yo con nuestros chicos"],
)
def test_girls_and_boys_without_a_count_are_asked_about(text: str) -> None:
    assert extract_party(text).uncertain
