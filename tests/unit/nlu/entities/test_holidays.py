"""Holidays said by name: their days (Easter by the computus, checked against published
calendars), never "this weekend", and days said beside them win. Resolved on Saturday
2026-11-28 (tests/unit/nlu/entities/support.py) unless said otherwise."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hotel_agent.nlu.entities.dates import extract_dates
from hotel_agent.nlu.entities.folding import fold
from hotel_agent.nlu.entities.holidays import easter_sunday, find_holidays
from hotel_agent.nlu.types import Entities
from tests.unit.nlu.entities.support import NOW

D = date


@pytest.mark.parametrize(
    ("year", "sunday"),
    [
        (2024, D(2024, 3, 31)),
        (2025, D(2025, 4, 20)),
        (2026, D(2026, 4, 5)),
        (2027, D(2027, 3, 28)),
        (2028, D(2028, 4, 16)),
        (2038, D(2038, 4, 25)),  # the latest possible
        (2285, D(2285, 3, 22)),  # the earliest possible
    ],
)
def test_easter_sunday_matches_the_published_calendars(year: int, sunday: date) -> None:
    assert easter_sunday(year) == sunday


@pytest.mark.parametrize(
    ("text", "language", "name", "first", "last"),
    [
        ("el finde largo de carnaval", "es", "carnival", D(2027, 2, 6), D(2027, 2, 9)),
        ("over the carnival weekend", "en", "carnival", D(2027, 2, 6), D(2027, 2, 9)),
        ("para Semana Santa", "es", "holy_week", D(2027, 3, 21), D(2027, 3, 28)),
        ("during holy week", "en", "holy_week", D(2027, 3, 21), D(2027, 3, 28)),
        ("over easter weekend", "en", "easter", D(2027, 3, 26), D(2027, 3, 29)),
        ("el fin de semana de Pascua", "es", "easter", D(2027, 3, 26), D(2027, 3, 29)),
        ("el puente de la Inmaculada", "es", "december_bridge", D(2026, 12, 6), D(2026, 12, 8)),
        ("el puente de diciembre", "es", "december_bridge", D(2026, 12, 6), D(2026, 12, 8)),
    ],
)
def test_a_holiday_is_its_days_and_no_stay(
    text: str, language: str, name: str, first: date, last: date
) -> None:
    said = extract_dates(text, language=language, now=NOW)
    assert (said.check_in, said.check_out, said.nights) == (None, None, None)
    assert said.holiday is not None
    assert (said.holiday.name, said.holiday.first, said.holiday.last) == (name, first, last)


def test_a_holiday_over_this_year_is_next_years() -> None:
    [carnival] = find_holidays(fold("carnaval"), D(2027, 2, 10))
    assert (carnival.first, carnival.last) == (D(2028, 2, 26), D(2028, 2, 29))


@pytest.mark.parametrize(
    ("text", "language"),
    [("el finde largo", "es"), ("the long weekend", "en"), ("a bank holiday weekend", "en")],
)
def test_a_long_weekend_is_not_this_weekend(text: str, language: str) -> None:
    said = extract_dates(text, language=language, now=NOW)
    assert (said.check_in, said.check_out) == (None, None)


def test_this_weekend_is_still_this_weekend() -> None:
    said = extract_dates("para este finde", language="es", now=NOW)
    assert said.check_in == NOW.date() and said.holiday is None


def test_days_said_beside_a_holiday_are_the_stay() -> None:
    said = extract_dates("para carnaval, del 5 al 9", language="es", now=NOW)
    assert (said.check_in, said.check_out) == (D(2027, 2, 5), D(2027, 2, 9))


@pytest.mark.parametrize(
    ("answer", "language", "check_in", "check_out"),
    [
        ("del 5 al 9", "es", D(2027, 2, 5), D(2027, 2, 9)),
        ("llegamos el viernes y nos vamos el martes", "es", D(2027, 2, 5), D(2027, 2, 9)),
        ("from saturday to monday", "en", D(2027, 2, 6), D(2027, 2, 8)),
    ],
)
def test_the_nights_asked_after_a_holiday_are_read_around_it(
    answer: str, language: str, check_in: date, check_out: date
) -> None:
    holiday = extract_dates("el finde de carnaval", language="es", now=NOW).holiday
    said = extract_dates(answer, language=language, now=NOW, previous=Entities(holiday=holiday))
    assert (said.check_in, said.check_out) == (check_in, check_out)


@pytest.mark.parametrize(
    ("holiday_said", "answer", "language", "check_in", "check_out"),
    [
        # Holy Week 2027 runs from Palm Sunday 21 March to Easter Sunday 28 March.
        (
            "semana santa",
            "llegamos el jueves y nos vamos el domingo",
            "es",
            D(2027, 3, 25),
            D(2027, 3, 28),
        ),
        ("holy week", "from wednesday to saturday", "en", D(2027, 3, 24), D(2027, 3, 27)),
        ("semana santa", "del 24 al 28", "es", D(2027, 3, 24), D(2027, 3, 28)),
        ("semana santa", "llegamos el 20", "es", D(2027, 3, 20), None),
        # The Easter weekend 2027: Good Friday 26 March to Easter Monday 29 March.
        (
            "easter weekend",
            "arriving thursday, leaving monday",
            "en",
            D(2027, 3, 25),
            D(2027, 3, 29),
        ),
    ],
)
def test_weekdays_answered_about_a_holiday_are_its_own(
    holiday_said: str, answer: str, language: str, check_in: date, check_out: date | None
) -> None:
    holiday = extract_dates(holiday_said, language=language, now=NOW).holiday
    said = extract_dates(answer, language=language, now=NOW, previous=Entities(holiday=holiday))
    assert (said.check_in, said.check_out) == (check_in, check_out)


def test_the_hotel_clock_decides_the_year() -> None:
    now = datetime(2027, 3, 29, 10, 0)  # Easter Monday 2027: that weekend is not over
    said = extract_dates("easter weekend", language="en", now=now)
    assert said.holiday is not None and said.holiday.last == D(2027, 3, 29)
