"""extract_entities end to end: whole guest messages, corrections, and properties."""

from __future__ import annotations

import calendar
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotel_agent.nlu.entities import RoomTypeName, extract_entities
from hotel_agent.nlu.types import Entities, Intent, Understanding
from tests.support import examples
from tests.unit.nlu.entities.support import HOTEL, NOW

D = date


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Buenas tardes, quisiera una suite del 3 al 6 de enero para dos adultos. "
            "Me llamo Rosa Díaz, rosa.diaz@example.com",
            "es",
            Entities(
                check_in=D(2027, 1, 3),
                check_out=D(2027, 1, 6),
                nights=3,
                adults=2,
                rooms=1,
                room_type="STE",
                person_name="Rosa Díaz",
                email="rosa.diaz@example.com",
            ),
        ),
        (
            "Hi! We're 2 adults and 2 kids (4 and 6), arriving next Friday for 3 nights, "
            "a family room if possible. Call me on +44 7700 900456",
            "en",
            Entities(
                check_in=D(2026, 12, 4),
                check_out=D(2026, 12, 7),
                nights=3,
                adults=2,
                children=2,
                children_ages=[4, 6],
                rooms=1,
                room_type="FAM",
                phone="+447700900456",
            ),
        ),
        (
            "Quiero cambiar la reserva HS-K7P2MX: llegamos el 12/12 y nos vamos el 15/12",
            "es",
            Entities(
                check_in=D(2026, 12, 12),
                check_out=D(2026, 12, 15),
                nights=3,
                booking_ref="HS-K7P2MX",
            ),
        ),
        (
            "dos habitaciones con vistas al mar para 4 adultos el finde que viene",
            "es",
            Entities(
                check_in=D(2026, 12, 4),
                check_out=D(2026, 12, 6),
                nights=2,
                adults=4,
                rooms=2,
                room_type="DSV",
            ),
        ),
        ("hola", "es", Entities()),
        ("thanks, bye!", "en", Entities()),
    ],
)
def test_whole_messages(text: str, language: str, expected: Entities) -> None:
    got = extract_entities(text, language=language, now=NOW, room_types=HOTEL)
    assert got == expected


def test_corrections_in_a_conversation() -> None:
    slots = extract_entities(
        "una doble del 10 al 13 de diciembre, somos 2", language="es", now=NOW, room_types=HOTEL
    )
    assert (slots.check_in, slots.check_out, slots.adults) == (D(2026, 12, 10), D(2026, 12, 13), 2)

    moved = extract_entities("no, mejor el 11", language="es", now=NOW, previous=slots)
    assert (moved.check_in, moved.check_out, moved.nights) == (D(2026, 12, 11), D(2026, 12, 14), 3)

    grown = extract_entities("y un niño más, de 3 años", language="es", now=NOW, previous=slots)
    assert (grown.adults, grown.children, grown.children_ages) == (None, 1, [3])

    fixed = extract_entities("actually 3 adults", language="en", now=NOW, previous=slots)
    assert fixed.adults == 3
    assert fixed.check_in is None  # nothing said about dates: the dialogue keeps its slots


def test_entities_fill_the_nlu_contract() -> None:
    entities = extract_entities("del 15 al 18 de diciembre", language="es", now=NOW)
    line = Understanding("…", "es", Intent.NEW_BOOKING, None, 0.9, entities).to_json()
    assert (line["check_in"], line["check_out"], line["nights"]) == (
        "2026-12-15",
        "2026-12-18",
        3,
    )


_MESSAGE_WORDS = (
    "del", "al", "de", "el", "la", "15", "18", "3", "1/2", "12/31", "31/02", "diciembre", "febrero",
    "dic", "mañana", "pasado", "viernes", "finde", "fin", "semana", "próximo", "noches", "nights",
    "una", "two", "somos", "adultos", "niños", "kids", "años", "aged", "room", "suite", "doble",
    "vista", "mar", "from", "to", "the", "3rd", "between", "and", "y", "entre", "hasta", "until",
    "2", "--", "+", "@", "HS-7K2Q9D", "me", "llamo", "soy", "my", "name", "is", "+34", "612", "345",
    "678", "next", "weekend", "for", "0", "40", "ref", "XKBKNABJK", "más", "more",
)  # fmt: skip
_LONG = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_LONG
@given(
    text=st.text(max_size=5000),
    language=st.sampled_from(["es", "en", "fr"]),
)
def test_never_raises_on_arbitrary_text(text: str, language: str) -> None:
    extract_entities(text, language=language, now=NOW, room_types=HOTEL)


@pytest.mark.parametrize("text", ["a\x00b del 1 al 3", "\ud800 mañana", "\x00" * 3, " " * 5000])
def test_characters_duckling_cannot_take(text: str) -> None:
    extract_entities(text, language="es", now=NOW)


@_LONG
@given(
    words=st.lists(st.sampled_from(_MESSAGE_WORDS), max_size=800),
    language=st.sampled_from(["es", "en"]),
    previous=st.sampled_from(
        [None, Entities(check_in=D(2026, 12, 15), check_out=D(2026, 12, 18), adults=2)]
    ),
)
def test_never_raises_on_messages_full_of_entities(
    words: list[str], language: str, previous: Entities | None
) -> None:
    got = extract_entities(
        " ".join(words), language=language, now=NOW, room_types=HOTEL, previous=previous
    )
    assert got.nights is None or got.nights >= 0


_MONTHS = {
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"],
    "en": list(calendar.month_name)[1:],
}  # fmt: skip
_TEMPLATES = {
    "es": ["del {a} al {b} de {m}", "{a}-{b} {m}", "entre el {a} y el {b} de {m}",
           "del {a} de {m} al {b} de {m}", "del {a}/{n} al {b}/{n}"],
    "en": ["from the {a}th to the {b}th of {m}", "{m} {a}-{b}", "from {m} {a} to {m} {b}",
           "between the {a}th and the {b}th of {m}", "{a}-{b} {m}"],
}  # fmt: skip


@settings(max_examples=examples(3))
@given(
    language=st.sampled_from(["es", "en"]),
    template=st.integers(0, 4),
    month=st.integers(1, 12),
    days=st.tuples(st.integers(1, 28), st.integers(1, 28)).filter(lambda d: d[0] < d[1]),
    now=st.datetimes(
        datetime(2025, 1, 1), datetime(2030, 12, 31), timezones=st.just(ZoneInfo("Europe/Madrid"))
    ),
)
def test_a_range_always_ends_after_it_starts(
    language: str, template: int, month: int, days: tuple[int, int], now: datetime
) -> None:
    first, last = days
    text = _TEMPLATES[language][template].format(
        a=first, b=last, m=_MONTHS[language][month - 1], n=month
    )
    got = extract_entities(text, language=language, now=now)
    assert got.check_in is not None
    assert got.check_out is not None
    assert got.check_out > got.check_in
    assert (got.check_in.month, got.check_in.day, got.check_out.day) == (month, first, last)
    assert got.nights == last - first
    assert got.check_in >= now.date()


@settings(max_examples=100, deadline=None)
@given(
    month=st.integers(1, 12),
    days=st.tuples(st.integers(20, 31), st.integers(1, 9)),
)
def test_a_range_across_a_month_end_ends_after_it_starts(month: int, days: tuple[int, int]) -> None:
    first, last = days
    following = month % 12 + 1
    text = f"del {first} de {_MONTHS['es'][month - 1]} al {last} de {_MONTHS['es'][following - 1]}"
    got = extract_entities(text, language="es", now=NOW)
    if got.check_in is None:  # "del 31 de abril": impossible, nothing invented
        assert first > calendar.monthrange(2028, month)[1]
        return
    assert got.check_out is not None
    assert got.check_out > got.check_in
    assert got.nights == (got.check_out - got.check_in).days


EVAL_SET = Path(__file__).parents[3] / "data" / "nlu" / "entities_eval.yaml"
_DATE_FIELDS = ("check_in", "check_out", "nights")
_GUEST_FIELDS = ("adults", "children")


def _held_out_misses() -> tuple[int, list[tuple[str, set[str]]]]:
    """The held-out examples and, per miss, the fields that differ from the labels."""
    data: dict[str, Any] = yaml.safe_load(EVAL_SET.read_text(encoding="utf-8"))
    hotel = [
        RoomTypeName(r["id"], {lang: tuple(names) for lang, names in r["names"].items()})
        for r in data["room_types"]
    ]
    misses = []
    for example in data["examples"]:
        now = datetime.fromisoformat(example.get("now", data["default_now"]))
        previous = Entities(**example["previous"]) if "previous" in example else None
        got = extract_entities(
            example["text"],
            language=example["language"],
            now=now,
            room_types=hotel,
            previous=previous,
        )
        expected = Entities(**example["expected"])
        wrong = {
            f.name for f in fields(Entities) if getattr(got, f.name) != getattr(expected, f.name)
        }
        if wrong:
            misses.append((example["text"], wrong))
    return len(data["examples"]), misses


def test_held_out_set_exact_match_rates() -> None:
    """A regression floor only: the set is never used to tune rules (see its header)."""
    total, misses = _held_out_misses()
    assert total >= 150
    dates_missed = [text for text, wrong in misses if wrong & set(_DATE_FIELDS)]
    guests_missed = [text for text, wrong in misses if wrong & set(_GUEST_FIELDS)]
    assert 1 - len(dates_missed) / total >= 0.95, dates_missed
    assert 1 - len(guests_missed) / total >= 0.95, guests_missed


@pytest.mark.parametrize(
    ("text", "language", "impossible"),
    [
        ("del 31 de febrero al 2 de marzo", "es", True),
        ("el 30 de febrero", "es", True),
        ("30/02", "es", True),
        ("from 31 April to 2 May", "en", True),
        ("del 15 al 18 de diciembre", "es", False),  # a real stay
        ("31 de marzo", "es", False),
        ("somos 31", "es", False),  # not a date at all
    ],
)
def test_a_day_its_month_lacks_is_flagged(text: str, language: str, impossible: bool) -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    entities = extract_entities(text, language=language, now=now)
    assert entities.impossible_date is impossible
    if impossible:
        assert (entities.check_in, entities.check_out) == (None, None)
