"""Stay dates as guests write them, resolved on Saturday 2026-11-28 unless said otherwise."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from hotel_agent.nlu.entities.dates import StayDates, extract_dates
from hotel_agent.nlu.types import Entities
from tests.unit.nlu.entities.support import NOW, SUNDAY, WEDNESDAY

D = date


def stay(
    check_in: date | None, check_out: date | None = None, nights: int | None = None
) -> StayDates:
    return StayDates(check_in, check_out, nights)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Me gustaría llegar el 9 de diciembre", "es", stay(D(2026, 12, 9))),
        ("arrival December 9th", "en", stay(D(2026, 12, 9))),
        ("¿Hay hueco el 2?", "es", stay(D(2026, 12, 2))),
        ("llegada 20/1", "es", stay(D(2027, 1, 20))),
        ("on 1/20", "en", stay(D(2027, 1, 20))),  # only month-first is valid
        ("on 03/04", "en", stay(D(2027, 4, 3))),  # both valid: day-first
        ("el 03/04", "es", stay(D(2027, 4, 3))),
        ("el 4 de marzo de 2027", "es", stay(D(2027, 3, 4))),
        ("el 25 de noviembre", "es", stay(D(2027, 11, 25))),  # already past this year
        ("el 28 de noviembre", "es", stay(D(2026, 11, 28))),  # today
        ("check in 2027-01-05", "en", stay(D(2027, 1, 5))),
        ("el 6-1-2027", "es", stay(D(2027, 1, 6))),
        ("para Navidad", "es", stay(D(2026, 12, 25))),
        ("llegada el 5 de enero a las 3 de la tarde", "es", stay(D(2027, 1, 5))),
    ],
)
def test_single_days(text: str, language: str, expected: StayDates) -> None:
    assert extract_dates(text, language=language, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("del 7 al 9 de enero", "es", stay(D(2027, 1, 7), D(2027, 1, 9), 2)),
        ("del 30 de diciembre al 4 de enero", "es", stay(D(2026, 12, 30), D(2027, 1, 4), 5)),
        ("7-9 ene", "es", stay(D(2027, 1, 7), D(2027, 1, 9), 2)),
        ("from the 10th to the 14th", "en", stay(D(2026, 12, 10), D(2026, 12, 14), 4)),
        ("between the 1st and the 4th of January", "en", stay(D(2027, 1, 1), D(2027, 1, 4), 3)),
        ("entre el 5 y el 8 de diciembre", "es", stay(D(2026, 12, 5), D(2026, 12, 8), 3)),
        # Two nights in a row listed: the stay ends the day after the second.
        ("para el 24 y 25 de diciembre", "es", stay(D(2026, 12, 24), D(2026, 12, 26), 2)),
        ("las noches del 30 y 31 de diciembre", "es", stay(D(2026, 12, 30), D(2027, 1, 1), 2)),
        ("the 24th and 25th of December", "en", stay(D(2026, 12, 24), D(2026, 12, 26), 2)),
        ("del 29 al 2", "es", stay(D(2026, 11, 29), D(2026, 12, 2), 3)),
        ("from Jan 3 to Jan 6", "en", stay(D(2027, 1, 3), D(2027, 1, 6), 3)),
        ("December 20-22", "en", stay(D(2026, 12, 20), D(2026, 12, 22), 2)),
        ("del 20/12 al 3/1", "es", stay(D(2026, 12, 20), D(2027, 1, 3), 14)),
        ("from 12/28 to 1/2", "en", stay(D(2026, 12, 28), D(2027, 1, 2), 5)),
        ("del lunes al miércoles", "es", stay(D(2026, 11, 30), D(2026, 12, 2), 2)),
        ("Thursday to Saturday", "en", stay(D(2026, 12, 3), D(2026, 12, 5), 2)),
        ("15 - 17 de enero de 2027", "es", stay(D(2027, 1, 15), D(2027, 1, 17), 2)),
        ("del 1 al 5 de diciembre de 2027", "es", stay(D(2027, 12, 1), D(2027, 12, 5), 4)),
        ("desde el viernes hasta el domingo", "es", stay(D(2026, 12, 4), D(2026, 12, 6), 2)),
        ("check in Sunday, check out Wednesday", "en", stay(D(2026, 11, 29), D(2026, 12, 2), 3)),
        ("llego el 30 y me voy el 4", "es", stay(D(2026, 11, 30), D(2026, 12, 4), 4)),
    ],
)
def test_ranges_and_pairs(text: str, language: str, expected: StayDates) -> None:
    assert extract_dates(text, language=language, now=NOW) == expected


def test_year_rollover_said_in_november() -> None:
    said = extract_dates("del 28 de diciembre al 2 de enero", language="es", now=NOW)
    assert said == stay(D(2026, 12, 28), D(2027, 1, 2), 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wait can we do 9-11 instead", stay(D(2027, 1, 9), D(2027, 1, 11), 2)),
        ("the 9th-11th", stay(D(2027, 1, 9), D(2027, 1, 11), 2)),
    ],
)
def test_a_dash_between_two_days_is_a_range_in_the_stays_month(
    text: str, expected: StayDates
) -> None:
    # Duckling read "9-11" as 11 September: the stay moved there, shown only in the summary.
    before = Entities(check_in=D(2027, 1, 8), check_out=D(2027, 1, 10), nights=2)
    assert extract_dates(text, language="en", now=NOW, previous=before) == expected


@pytest.mark.parametrize("text", ["for 2-3 people", "open 24-7", "2-3 adults"])
def test_counts_and_hours_with_a_dash_are_no_dates(text: str) -> None:
    assert extract_dates(text, language="en", now=NOW) == stay(None)


@pytest.mark.parametrize(
    ("text", "language", "now", "expected"),
    [
        ("hoy", "es", NOW, stay(D(2026, 11, 28))),
        ("pasado mañana para 3 noches", "es", NOW, stay(D(2026, 11, 30), D(2026, 12, 3), 3)),
        ("tomorrow for a week", "en", NOW, stay(D(2026, 11, 29), D(2026, 12, 6), 7)),
        ("el viernes, dos noches", "es", NOW, stay(D(2026, 12, 4), D(2026, 12, 6), 2)),
        ("para el finde", "es", NOW, stay(D(2026, 11, 28), D(2026, 11, 29), 1)),
        ("this coming weekend", "en", WEDNESDAY, stay(D(2026, 11, 27), D(2026, 11, 29), 2)),
        ("el próximo fin de semana", "es", NOW, stay(D(2026, 12, 4), D(2026, 12, 6), 2)),
        ("the following weekend", "en", WEDNESDAY, stay(D(2026, 12, 4), D(2026, 12, 6), 2)),
        ("next weekend", "en", SUNDAY, stay(D(2026, 12, 25), D(2026, 12, 27), 2)),
        # Days said name the weekend meant: they win over "this weekend".
        ("el finde del 12 al 14 de febrero", "es", NOW, stay(D(2027, 2, 12), D(2027, 2, 14), 2)),
        ("the weekend of 12 to 14 February", "en", NOW, stay(D(2027, 2, 12), D(2027, 2, 14), 2)),
        ("a fortnight from January 4", "en", NOW, stay(D(2027, 1, 4), D(2027, 1, 18), 14)),
        ("tres semanas", "es", NOW, stay(None, None, 21)),
        ("in two weeks, for 3 nights", "en", NOW, stay(D(2026, 12, 12), D(2026, 12, 15), 3)),
        ("en dos semanas", "es", NOW, stay(D(2026, 12, 12))),  # when, not how long
        ("nos vamos el domingo", "es", NOW, stay(None, D(2026, 11, 29))),
        # "el jueves que viene" is the Thursday of the week that comes: on a Sunday the coming one.
        ("el jueves que viene", "es", SUNDAY, stay(D(2026, 12, 24))),
        # Two weekdays listed are those nights; an arrival and a departure said stay so.
        (
            "any rooms free next friday and saturday?",
            "en",
            NOW,
            stay(D(2026, 12, 4), D(2026, 12, 6), 2),
        ),
        ("el viernes y el sábado", "es", NOW, stay(D(2026, 12, 4), D(2026, 12, 6), 2)),
        (
            "llegamos el viernes y salimos el sábado",
            "es",
            NOW,
            stay(D(2026, 12, 4), D(2026, 12, 5), 1),
        ),
        # A day said names the weekend: it was booked on this weekend.
        ("the weekend of January 15th", "en", NOW, stay(D(2027, 1, 15), D(2027, 1, 17), 2)),
        ("el finde del 16 de enero", "es", NOW, stay(D(2027, 1, 15), D(2027, 1, 17), 2)),
        ("the weekend of the 13th of January", "en", NOW, stay(D(2027, 1, 15), D(2027, 1, 17), 2)),
        # Duckling reads "para" before a number as a clock's "to" and put the 1st first.
        ("una habitación para 2 de febrero", "es", NOW, stay(D(2027, 2, 2))),
        ("el próximo jueves", "es", SUNDAY, stay(D(2026, 12, 24))),
        ("el jueves que viene", "es", WEDNESDAY, stay(D(2026, 12, 3))),
        ("el lunes que viene para 2", "es", SUNDAY, stay(D(2026, 12, 21))),
        ("until the 5th", "en", NOW, stay(None, D(2026, 12, 5))),
        ("salida el 9, cinco noches", "es", NOW, stay(D(2026, 12, 4), D(2026, 12, 9), 5)),
        # Two weekdays are one week's: on a Sunday, Duckling put "fri" on the Friday just gone.
        ("fri to sun next week", "en", SUNDAY, stay(D(2026, 12, 25), D(2026, 12, 27), 2)),
        ("friday-sunday next week", "en", SUNDAY, stay(D(2026, 12, 25), D(2026, 12, 27), 2)),
        ("fri to sun next week", "en", WEDNESDAY, stay(D(2026, 12, 4), D(2026, 12, 6), 2)),
        (
            "del viernes al domingo que viene",
            "es",
            SUNDAY,
            stay(D(2026, 12, 25), D(2026, 12, 27), 2),
        ),
        # One night said as a night: that night only, unless a departure is said.
        (
            "need something for tonight, just me",
            "en",
            NOW,
            stay(D(2026, 11, 28), D(2026, 11, 29), 1),
        ),
        ("tenes algo para esta noche?", "es", NOW, stay(D(2026, 11, 28), D(2026, 11, 29), 1)),
        ("a room for tomorrow night", "en", NOW, stay(D(2026, 11, 29), D(2026, 11, 30), 1)),
        ("para mañana por la noche", "es", NOW, stay(D(2026, 11, 29), D(2026, 11, 30), 1)),
        ("para la noche del 14", "es", NOW, stay(D(2026, 12, 14), D(2026, 12, 15), 1)),
        ("llegamos mañana por la noche", "es", NOW, stay(D(2026, 11, 29))),  # when, not how long
        ("we arrive tonight", "en", NOW, stay(D(2026, 11, 28))),
        ("from tonight until tuesday", "en", NOW, stay(D(2026, 11, 28), D(2026, 12, 1), 3)),
        ("esta noche y 2 noches más", "es", NOW, stay(D(2026, 11, 28), None, None)),
        # A festive night is a day to arrive, not a length: people come for more than it.
        ("la suite para nochevieja? somos 2", "es", NOW, stay(D(2026, 12, 31))),
    ],
)
def test_relative_days_and_lengths(
    text: str, language: str, now: datetime, expected: StayDates
) -> None:
    assert extract_dates(text, language=language, now=now) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("el 30 de febrero", "es"),
        ("llegada 31/04", "es"),
        ("del 31 de abril al 2 de mayo", "es"),
        ("February 30th", "en"),
        ("from 30/02 to 02/03", "en"),
    ],
)
def test_impossible_days_give_no_date(text: str, language: str) -> None:
    assert extract_dates(text, language=language, now=NOW) == stay(None)


def test_a_correction_after_an_impossible_day_counts() -> None:
    said = extract_dates("el 31 de febrero, no, perdón, el 3 de marzo", language="es", now=NOW)
    assert said == stay(D(2027, 3, 3))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("una habitación junto al mar", "es"),
        ("do you have a sun terrace?", "en"),
        ("uno de mis hijos tiene 8", "es"),
        ("llegaremos a las 9 de la noche", "es"),
        ("llegamos por la mañana", "es"),
        ("we arrive at 3pm", "en"),
        ("the room costs 120 euros", "en"),
        ("room 203 please", "en"),
        ("mi teléfono es 612 34 56 78", "es"),
        ("is reception open 24/7?", "en"),
        ("what are your weekend rates?", "en"),
        ("¿Cuánto cuesta la noche?", "es"),
        ("somos 2 adultos y 3 niños", "es"),
        ("de 2 a 3 personas", "es"),
        ("la semana que viene", "es"),  # a week, not a day: the dialogue asks which
    ],
)
def test_ordinary_sentences_have_no_dates(text: str, language: str) -> None:
    assert extract_dates(text, language=language, now=NOW) == stay(None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Kept as said, without nights: the dialogue asks which date is wrong.
        ("del 18 al 15 de diciembre", stay(D(2026, 12, 18), D(2026, 12, 15))),
        (
            "llegamos el 10 de diciembre y salimos el 8 de diciembre",
            stay(D(2026, 12, 10), D(2026, 12, 8)),
        ),
    ],
)
def test_check_out_before_check_in_is_kept_as_said(text: str, expected: StayDates) -> None:
    assert extract_dates(text, language="es", now=NOW) == expected


def test_a_fixed_offset_clock_gives_the_same_days() -> None:
    fixed = NOW.astimezone(timezone(timedelta(hours=1)))
    assert extract_dates("mañana", language="es", now=fixed) == stay(D(2026, 11, 29))


def test_late_evening_uses_the_hotels_date_not_utc() -> None:
    late = datetime(2026, 11, 28, 23, 30, tzinfo=timezone(timedelta(hours=5)))
    assert extract_dates("tomorrow", language="en", now=late) == stay(D(2026, 11, 29))


DEC_15_18 = Entities(check_in=D(2026, 12, 15), check_out=D(2026, 12, 18), nights=3)


@pytest.mark.parametrize(
    ("text", "language", "previous", "expected"),
    [
        ("no, el 20 mejor", "es", DEC_15_18, stay(D(2026, 12, 20), D(2026, 12, 23), 3)),
        (
            "better the 10th",
            "en",
            Entities(check_in=D(2027, 1, 5), check_out=D(2027, 1, 8)),
            stay(D(2027, 1, 10), D(2027, 1, 13), 3),
        ),
        ("mejor hasta el 22", "es", DEC_15_18, stay(None, D(2026, 12, 22), 7)),
        ("make it 5 nights", "en", DEC_15_18, stay(None, D(2026, 12, 20), 5)),
        ("dos noches más", "es", DEC_15_18, stay(None, D(2026, 12, 20), 5)),
        ("otra noche, por favor", "es", DEC_15_18, stay(None, D(2026, 12, 19), 4)),
        (
            "del 10 al 12",
            "es",
            Entities(check_in=D(2027, 1, 20)),
            stay(D(2027, 1, 10), D(2027, 1, 12), 2),
        ),
        ("el 16", "es", Entities(check_in=D(2026, 12, 15)), stay(D(2026, 12, 16))),
        ("one more night", "en", None, stay(None)),
        ("del 2 al 4 de enero", "es", DEC_15_18, stay(D(2027, 1, 2), D(2027, 1, 4), 2)),
    ],
)
def test_corrections_relative_to_previous(
    text: str, language: str, previous: Entities | None, expected: StayDates
) -> None:
    assert extract_dates(text, language=language, now=NOW, previous=previous) == expected


KNOWN = Entities(check_in=D(2026, 12, 10), check_out=D(2026, 12, 12), nights=2)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # Issue 8: one end of the stay moves, the other is kept.
        ("¿podemos llegar un día antes?", "es", stay(D(2026, 12, 9), D(2026, 12, 12), 3)),
        ("can we arrive a day earlier?", "en", stay(D(2026, 12, 9), D(2026, 12, 12), 3)),
        ("llegaríamos el día antes", "es", stay(D(2026, 12, 9), D(2026, 12, 12), 3)),
        ("we'd like to arrive two days earlier", "en", stay(D(2026, 12, 8), D(2026, 12, 12), 4)),
        ("can we leave a day later?", "en", stay(D(2026, 12, 10), D(2026, 12, 13), 3)),
        ("¿podemos salir un día más tarde?", "es", stay(D(2026, 12, 10), D(2026, 12, 13), 3)),
        ("can we check out a day early?", "en", stay(D(2026, 12, 10), D(2026, 12, 11), 1)),
    ],
)
def test_a_shift_moves_one_end_of_the_stay(text: str, language: str, expected: StayDates) -> None:
    assert extract_dates(text, language=language, now=NOW, previous=KNOWN) == expected


@pytest.mark.parametrize(
    "text", ["can we arrive a day earlier?", "we'd like to arrive two days earlier"]
)
def test_a_shift_of_no_known_stay_says_no_date(text: str) -> None:
    assert extract_dates(text, language="en", now=NOW) == StayDates()


def test_days_said_for_a_holiday_under_way_are_its_days_even_when_gone() -> None:
    """ "puente de diciembre" said on the 6th, then "del 5 al 8": the 5th of December (the
    guest is told it is gone), never 5 to 8 January booked without a word."""
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=NOW.tzinfo)
    said = extract_dates("puente de diciembre", language="es", now=monday)
    assert said.holiday is not None
    then = extract_dates(
        "del 5 al 8", language="es", now=monday, previous=Entities(holiday=said.holiday)
    )
    assert (then.check_in, then.check_out) == (D(2026, 12, 5), D(2026, 12, 8))
