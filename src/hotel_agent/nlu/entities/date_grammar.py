"""Our own date rules, for what Duckling gets wrong: day ranges, numeric dates, weekends, nights.

Duckling reads "del 1 al 3" as hours and "15 al 18" as nothing, cannot read "15/12" in Spanish,
and drops "próximo" from "el próximo fin de semana". These rules run first on folded text; the
spans they claim are blanked before Duckling sees the message.

Numeric dates: Spanish is always day-first (15/12). English is month-first only when that is the
only valid reading (12/15); when both readings are valid (05/12) it is day-first, because the
English speakers of a European hotel mostly write day-first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from hotel_agent.nlu.entities.holidays import (
    LONG_WEEKEND_AFTER,
    LONG_WEEKEND_BEFORE,
    find_holidays,
)
from hotel_agent.nlu.entities.numbers import NUMBER, to_int
from hotel_agent.nlu.types import Holiday

_MONTHS: dict[str, int] = {
    "enero": 1, "ene": 1, "january": 1, "jan": 1,
    "febrero": 2, "feb": 2, "february": 2,
    "marzo": 3, "mar": 3, "march": 3,
    "abril": 4, "abr": 4, "april": 4, "apr": 4,
    "mayo": 5, "may": 5,
    "junio": 6, "jun": 6, "june": 6,
    "julio": 7, "jul": 7, "july": 7,
    "agosto": 8, "ago": 8, "august": 8, "aug": 8,
    "septiembre": 9, "setiembre": 9, "september": 9, "sept": 9, "sep": 9,
    "octubre": 10, "oct": 10, "october": 10,
    "noviembre": 11, "nov": 11, "november": 11,
    "diciembre": 12, "dic": 12, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_ORD = r"(?:st|nd|rd|th|º|°)"


def _year_group(name: str) -> str:
    return rf"(?:\s*,?\s*(?:de(?:l)?\s+)?(?P<{name}>20\d\d)\b)"


# One calendar day as written; a range is two of these joined by a connector.
_ATOM = re.compile(
    r"(?<![\d/.,:])(?:"
    rf"(?P<nd>{_DAY})/(?P<nm>{_DAY})(?:/(?P<ny>\d{{4}}|\d\d))?(?![\d/])"
    rf"|(?P<xd>{_DAY})[.-](?P<xm>{_DAY})[.-](?P<xy>\d{{4}})(?!\d)"
    rf"|(?P<mm>{_MONTH})\s+(?:the\s+)?(?P<md>{_DAY})(?P<mo>{_ORD})?(?!\d|:){_year_group('my')}?"
    rf"|(?:\b(?P<art>the|el|dia|el\s+dia)\s+)?(?P<d>{_DAY})(?P<o>{_ORD})?(?![\d:/])"
    rf"(?:\s*(?:de\s+|of\s+)?(?P<m>{_MONTH}){_year_group('y')}?)?"
    r")"
)
_PREFIX = re.compile(
    r"(?:\bdel|\bde|\bdesde(?:\s+el)?|\bentre(?:\s+el|\s+los\s+dias)?|\bfrom(?:\s+the)?"
    r"|\bbetween(?:\s+the)?)\s*$"
)
_CONNECTOR = re.compile(
    r"\s*(?P<c>-|–|—|al|a|hasta(?:\s+el)?|y(?:\s+el)?|to|till|until|through|thru|and)\s*"
)
# What may follow a number that is not a day: "de 2 a 3 personas", "from 2 to 5 pm".
_UNIT_AFTER = re.compile(
    r"\s*(?:personas?|people|persons?|adult|nin|kids?|child|noches?|nights?|euros?|€|eur\b|"
    r"\$|dollars?|pounds?|anos?\b|years?|%|horas?|hours?|h\b|pm\b|am\b|:\d|estrellas|stars|"
    r"(?:de\s+)?pension|board)"
)
_WEEKEND = re.compile(
    r"(?P<next>(?:\b(?:el|the)\s+)?\b(?:proximo|siguiente)\s+(?:finde|fin\s+de\s+semana)\b"
    r"|(?:\bel\s+)?\b(?:finde|fin\s+de\s+semana)\s+(?:que\s+viene|proximo|siguiente)\b"
    r"|\bnext\s+weekend\b|\bthe\s+(?:following\s+weekend|weekend\s+after)\b)"
    r"|(?P<this>\b(?:este|el|para\s+el)\s+(?:finde|fin\s+de\s+semana)\b"
    r"|\b(?:this|the)\s+(?:coming\s+)?weekend\b)"
    r"(?!\s*(?:rates?|prices?|offers?|deals?|packages?|menu|tarifas?|precios?|ofertas?))"
)
_NIGHTS = re.compile(
    rf"(?P<single>\b(?:una|a|one)\s+(?:sola\s+|single\s+)(?:noche|night)\b)"
    rf"|(?P<extra>\b(?:otra|another)\s+(?:noche|night)\b"
    rf"|\b(?P<xn>{NUMBER})\s+(?:more\s+nights?|noches?\s+(?:mas|extra)|extra\s+nights?)\b)"
    rf"|(?<![\w/])(?P<n>{NUMBER})\s+(?:noches?|nights?)\b"
    rf"|(?<!\bin\s)(?<!\ben\s)(?<!\bde\s)(?<!\bwithin\s)"
    rf"\b(?P<w>{NUMBER})\s+(?:semanas?|semanitas?|weeks?)\b(?!\s+ago)"
    rf"|(?P<fortnight>\bfortnight\b|\bquincena\b)"
    # "for 4 days", "a 6 day stay": a stay length as booking sites count it (days = nights);
    # "in 3 days" / "en 3 dias" is a day from now, "3 days ago" none.
    rf"|(?<!\bin\s)(?<!\ben\s)(?<!\bde\s)(?<!\bwithin\s)(?<!\bafter\s)"
    rf"(?<![\w/])(?P<d>{NUMBER})[\s-]+(?:dias?|days?)\b"
    rf"(?!\s+(?:ago|before|later|after|antes|despues|from\s+now))"
)
_ARTICLES = frozenset({"a", "an", "un", "una"})


@dataclass(frozen=True)
class DayRef:
    """A day as written: the month and year are None when not said."""

    day: int
    month: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class RangeRef(Span):
    first: DayRef
    last: DayRef
    # "para el 24 y 25": the nights listed one by one, so the stay ends the day after the last.
    nights_listed: bool = False


@dataclass(frozen=True)
class NumericDate(Span):
    ref: DayRef | None  # None: impossible (31/02), claimed so that nothing else reads it


@dataclass(frozen=True)
class Weekend(Span):
    check_in: date
    check_out: date


@dataclass(frozen=True)
class Nights(Span):
    count: int
    extra: bool  # "one more night": added to the stay known so far


@dataclass(frozen=True)
class Grammar:
    ranges: list[RangeRef]
    numeric: list[NumericDate]
    weekends: list[Weekend]
    nights: list[Nights]
    holidays: list[Holiday]

    def spans(self) -> list[Span | Holiday]:
        return [*self.ranges, *self.numeric, *self.weekends, *self.nights, *self.holidays]


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) if len(text) == 4 else 2000 + int(text)


def _numeric(
    first: int, second: int, year: int | None, language: str, month_first: bool = False
) -> DayRef | None:
    if language == "en" and (first <= 12 < second or (month_first and first <= 12)):
        first, second = second, first
    if second > 12:
        return None
    return DayRef(first, second, year)


def possible(ref: DayRef) -> bool:
    """Whether the day exists in its month (29 February does, in leap years)."""
    if ref.month is None:
        return True
    try:
        date(ref.year or 2028, ref.month, ref.day)
    except ValueError:
        return False
    return True


def names_impossible_day(folded: str, language: str) -> bool:
    """Whether the (folded) text names a day its month does not have: "31 de febrero",
    "30/02". The date rules drop such days; the dialogue says why instead of re-asking."""
    for match in _ATOM.finditer(folded):
        ref, _, _ = _atom(match, language)
        if ref is not None and ref.month is not None and not possible(ref):
            return True
    return False


def _month_first(match: re.Match[str] | None) -> bool:
    """Whether a numeric date can only be month-first ("12/28"), so its range partner is too."""
    return match is not None and bool(match["nd"]) and int(match["nm"]) > 12


def _atom(
    match: re.Match[str], language: str, month_first: bool = False
) -> tuple[DayRef | None, bool, bool]:
    """(the day, whether it is explicit on its own, whether it is a bare number)."""
    groups = match.groupdict()
    if groups["nd"]:
        first, second = int(groups["nd"]), int(groups["nm"])
        ref = _numeric(first, second, _year(groups["ny"]), language, month_first)
        return ref, True, False
    if groups["xd"]:
        ref = _numeric(int(groups["xd"]), int(groups["xm"]), int(groups["xy"]), language)
        return ref, True, False
    if groups["mm"]:
        month = _MONTHS[groups["mm"].rstrip(".")]
        return DayRef(int(groups["md"]), month, _year(groups["my"])), True, False
    month_name = groups["m"]
    month_said = _MONTHS[month_name.rstrip(".")] if month_name else None
    ref = DayRef(int(groups["d"]), month_said, _year(groups["y"]))
    bare = not (groups["art"] or groups["o"] or month_name)
    return ref, month_name is not None, bare


def _day_range(
    folded: str,
    first: re.Match[str],
    second: re.Match[str],
    first_ref: DayRef | None,
    second_ref: DayRef | None,
) -> bool:
    """ "9-11": days in order joined by a dash, not part of a numeric date ("2027-01-05")."""
    inside_a_date = (first.start() > 0 and folded[first.start() - 1] in "-/.") or bool(
        re.match(r"[-/.]\d", folded[second.end() :])
    )
    in_order = first_ref is not None and second_ref is not None and first_ref.day < second_ref.day
    return in_order and not inside_a_date


def _next_day_listed(first: DayRef | None, second: DayRef | None) -> bool:
    """ "el 24 y 25 de diciembre", "the 24th and 25th": two days in a row, listed."""
    return (
        first is not None
        and second is not None
        and second.day == first.day + 1
        and first.month in (None, second.month)
        and first.year in (None, second.year)
    )


def _ranges_and_numeric(folded: str, language: str) -> tuple[list[RangeRef], list[NumericDate]]:
    atoms = list(_ATOM.finditer(folded))
    ranges: list[RangeRef] = []
    numeric: list[NumericDate] = []
    used_until = -1
    for index, first in enumerate(atoms):
        if first.start() < used_until or first.group() == "24/7":  # "open 24/7" is no date
            continue
        second = atoms[index + 1] if index + 1 < len(atoms) else None
        connector = _CONNECTOR.fullmatch(folded, first.end(), second.start()) if second else None
        month_first = connector is not None and (_month_first(first) or _month_first(second))
        first_ref, first_explicit, first_bare = _atom(first, language, month_first)
        if second is not None and connector is not None:
            second_ref, second_explicit, second_bare = _atom(second, language, month_first)
            prefix = _PREFIX.search(folded, max(0, first.start() - 20), first.start())
            word = connector["c"]
            paired = word not in ("y", "y el", "and") or (
                prefix is not None and prefix.group().startswith(("entre", "between"))
            )
            dash = word in ("-", "–", "—")
            if dash and _UNIT_AFTER.match(folded, second.end()):
                # "2-3 people", "2-3 nights": counts; claimed so that Duckling reads no date.
                numeric.append(NumericDate(first.start(), second.end(), None))
                used_until = second.end()
                continue
            strong = (
                first_explicit
                or second_explicit
                or word == "al"
                # "can we do 9-11 instead": two days joined by a dash are a range (Duckling
                # read it as 11 September, and the stay moved there); not "open 24-7".
                or (dash and _day_range(folded, first, second, first_ref, second_ref))
                or (prefix is not None and prefix.group().strip() != "de")
                or not (first_bare or second_bare)
            )
            listed = not paired and _next_day_listed(first_ref, second_ref)
            if (paired or listed) and strong and not _UNIT_AFTER.match(folded, second.end()):
                start = prefix.start() if prefix else first.start()
                if first_ref and second_ref and possible(first_ref) and possible(second_ref):
                    ranges.append(RangeRef(start, second.end(), first_ref, second_ref, listed))
                else:
                    numeric.append(NumericDate(start, second.end(), None))
                used_until = second.end()
                continue
        written_out = first["m"] or first["mm"]
        if (first["nd"] or first["xd"]) and not _UNIT_AFTER.match(folded, first.end()):
            numeric.append(NumericDate(first.start(), first.end(), first_ref))
        elif written_out and first_ref is not None and not possible(first_ref):
            numeric.append(NumericDate(first.start(), first.end(), None))  # "31 de febrero"
    return ranges, numeric


def _weekends(folded: str, today: date, holidays: list[Holiday]) -> list[Weekend]:
    found = []
    for match in _WEEKEND.finditer(folded):
        if (
            LONG_WEEKEND_AFTER.match(folded, match.end())
            or LONG_WEEKEND_BEFORE.search(folded[: match.start()])
            or any(h.start <= match.start() < h.end for h in holidays)
        ):
            continue  # "el finde largo de carnaval": a holiday's weekend, not this one
        weekday = today.weekday()  # Monday 0 ... Sunday 6
        if weekday == 5:  # said on a Saturday, "this weekend" starts tonight
            this_in, friday = today, today + timedelta(days=6)
        elif weekday == 6:  # said on a Sunday, both "this" and "next" mean the coming one
            this_in = friday = today + timedelta(days=5)
        else:
            this_in = today + timedelta(days=4 - weekday)
            friday = this_in + timedelta(days=7)
        check_in = friday if match["next"] else this_in
        sunday = check_in + timedelta(days=(6 - check_in.weekday()) or 7)
        found.append(Weekend(match.start(), match.end(), check_in, sunday))
    return found


def _nights(folded: str) -> list[Nights]:
    found = []
    days: list[bool] = []
    for match in _NIGHTS.finditer(folded):
        if match["single"]:
            count: int | None = 1
        elif match["extra"]:
            count = to_int(match["xn"]) if match["xn"] else 1
        elif match["fortnight"]:
            count = 14
        elif match["w"]:
            weeks = to_int(match["w"])
            count = None if weeks is None else weeks * 7
        elif match["d"]:
            # "a day" is no count ("twice a day"); nights said elsewhere win over days
            count = None if match["d"] in _ARTICLES else to_int(match["d"])
        else:
            count = to_int(match["n"])
        if count is not None:
            found.append(Nights(match.start(), match.end(), count, match["extra"] is not None))
            days.append(bool(match["d"]))
    if not all(days):
        found = [length for length, in_days in zip(found, days, strict=True) if not in_days]
    return found


def says_more_nights(folded: str) -> bool:
    """ "one more night", "dos noches más": nights added to a stay already known."""
    return any(length.extra for length in _nights(folded))


def scan(folded: str, *, language: str, today: date) -> Grammar:
    """Every range, numeric date, weekend, stay length and holiday our rules find in folded
    text."""
    ranges, numeric = _ranges_and_numeric(folded, language)
    holidays = find_holidays(folded, today)
    return Grammar(ranges, numeric, _weekends(folded, today, holidays), _nights(folded), holidays)
