"""Calendar days from Duckling (pyduckling-native-phihos): relative days, weekdays, month names.

Only dates matter to a hotel, so the reference time is the hotel's wall clock passed as UTC:
Duckling's "today" is then the hotel's today whatever `tzinfo` the caller used. Spans come from
the returned offsets (its `body` of non-ASCII text is mis-decoded). A closed interval has an
exclusive end ("del 15 al 18" ends on the 19th at 00:00), so its last night is the day before.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, Literal

import duckling  # type: ignore[import-untyped]  # the wheel ships no py.typed

from hotel_agent.nlu.entities.folding import fold

Kind = Literal["date", "from", "to", "range"]

# Duckling cost grows faster than linearly with the text (3 s for 5,000 chars of date words);
# a chunk this long still holds any date phrase a guest writes.
_CHUNK = re.compile(r"\S.{0,299}(?=\s|$)|\S{300}", re.DOTALL)
# Duckling's binding panics on NUL (a C string) and on lone surrogates (not UTF-8); a space
# keeps every offset.
_UNSENDABLE = re.compile(r"[\x00\ud800-\udfff]")
# "para 2 de febrero": Duckling reads "para" before a number as "to" of a clock ("diez para
# las 3") and puts the day before first; blanked (same length) it is the 2nd.
# Only before a day of a month: "vistas al mar para 4 adultos" blanked would be "mar 4".
_PARA_BEFORE_NUMBER = re.compile(r"\bpara(?=\s+\d{1,2}\s+de\s+\w)", re.IGNORECASE)
# A time of day carries a date only when the guest named one: "a las 3" is no day,
# "mañana a las 3" is. "por la mañana" is "in the morning", not "tomorrow".
_DAY_WORD = re.compile(
    r"(?<!la )\bmanana\b|\bhoy\b|\bpasado\b|\besta\s+noche\b|\btoday\b|\btomorrow\b|\btonight\b"
    r"|\bdias?\b|\bdays?\b|\d(?:st|nd|rd|th)\b|\bel \d|\bthe \d|/"
    r"|\b(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|\b(?:ene|feb|mar|abr|may|jun|jul|ago|sep|oct|nov|dic|jan|apr|aug|dec)[a-z]*\b"
)

# Words Duckling takes for days that are mostly something else: "vista al mar" (martes),
# "sun terrace", "I sat", "uno de mis hijos" (the 1st).
_NOT_A_DAY = re.compile(
    r"(?:(?:el|la|al|del|de|a|en|on|the)\s+)?"
    r"(?:mar|sun|sat|dom|un|uno|una|one|two|three|dos|tres|cuatro|four|cinco|five|day|dia)"
)

# An option picked from a list, not a day: "the first one", "la segunda", "the 2nd option".
# A day needs a date word: "the 1st of January", "el 14", "from the 14th".
_ORDINAL_WORD = re.compile(
    r"(?:(?:el|la|lo|the|on\s+the)\s+)?(?:first|second|third|fourth|fifth|sixth|last"
    r"|primer[oa]?|segund[oa]|tercer[oa]?|cuart[oa]|quint[oa]|sext[oa]|ultim[oa])"
)
_PICK_AFTER = re.compile(r"\s*(?:one|ones|option|opcion|room|habitacion)\b")
# "el jueves que viene" is the Thursday of the week that comes (Monday to Sunday), as "el jueves
# de la semana que viene": said on a Sunday that is this coming Thursday, where Duckling reads
# the one a week later (and "el próximo jueves" as the coming one).
_WEEKDAYS_ES = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
_WEEKDAY_THAT_COMES = re.compile(
    r"(?:el\s+)?(?P<day>" + "|".join(_WEEKDAYS_ES) + r")\s+que\s+viene"
)


@dataclass(frozen=True)
class TimeMention:
    """One day (or stay) Duckling found: candidates best first, as Duckling ranks them."""

    start: int
    end: int
    kind: Kind  # "from"/"to": an open interval ("from Friday", "until Sunday")
    firsts: tuple[date, ...]  # the day, or the check-in of a range
    lasts: tuple[date, ...] = ()  # the check-out of each candidate range


@cache
def _zones() -> Any:
    # The reference is always UTC, which Duckling knows without zone files. An empty directory
    # spares the 0.2 s load of /usr/share/zoneinfo, and the hard process exit Duckling makes
    # when that directory is missing (slim containers).
    with tempfile.TemporaryDirectory() as empty:
        return duckling.load_time_zones(empty)


@cache
def _locale(language: str) -> Any:
    return duckling.default_locale_lang(duckling.parse_lang("ES" if language == "es" else "EN"))


@cache
def _dimensions() -> Any:
    return duckling.parse_dimensions(["time"])


def _day(value: dict[str, Any]) -> date:
    return date.fromisoformat(str(value["value"])[:10])


def _mention(result: dict[str, Any], offset: int, text: str) -> TimeMention | None:
    value: dict[str, Any] = result["value"]
    start, end = offset + int(result["start"]), offset + int(result["end"])
    said = fold(text[start:end]).strip()
    if _NOT_A_DAY.fullmatch(said) or _ORDINAL_WORD.fullmatch(said):
        return None
    if _PICK_AFTER.match(fold(text[end : end + 12])):
        return None
    if value.get("type") == "value":
        if value["grain"] not in ("day", "hour", "minute"):
            return None  # "en diciembre", "next week": not a day to book
        if value["grain"] != "day" and not _DAY_WORD.search(fold(text[start:end])):
            return None
        days = [_day(value)] + [_day(v) for v in value.get("values", [])]
        return TimeMention(start, end, "date", tuple(dict.fromkeys(days)))
    low, high = value.get("from"), value.get("to")
    grain = (low or high or {}).get("grain")
    if grain not in ("day", "hour"):
        return None
    if grain == "hour":  # "tonight", "mañana por la noche": the evening of one day
        if not _DAY_WORD.search(fold(text[start:end])):
            return None
        if low is None:  # "till Friday morning": the check-out day
            return TimeMention(start, end, "to", (_day(high),)) if high else None
        return TimeMention(start, end, "date", (_day(low),))
    if low is not None and high is not None:
        pairs = [(_day(low), _day(high))]
        pairs += [(_day(v["from"]), _day(v["to"])) for v in value.get("values", [])]
        pairs = list(dict.fromkeys(pairs))
        return TimeMention(
            start,
            end,
            "range",
            tuple(first for first, _ in pairs),
            tuple(after - timedelta(days=1) for _, after in pairs),
        )
    bound: dict[str, Any] = low or high or {}
    side = [v.get("from" if low else "to") for v in value.get("values", [])]
    days = [_day(bound)] + [_day(v) for v in side if v]
    return TimeMention(start, end, "from" if low else "to", tuple(dict.fromkeys(days)))


def _in_the_week_that_comes(mention: TimeMention, text: str, today: date) -> TimeMention:
    said = _WEEKDAY_THAT_COMES.match(fold(text[mention.start : mention.end]).strip())
    if said is None:
        return mention
    next_monday = today + timedelta(days=7 - today.weekday())
    day = next_monday + timedelta(days=_WEEKDAYS_ES.index(said["day"]))
    return TimeMention(mention.start, mention.end, "date", (day,))


def find_days(text: str, *, language: str, now: datetime) -> list[TimeMention]:
    """Days Duckling finds in `text`, in order, without overlaps; `now` is the hotel's clock."""
    wall_clock = now.replace(tzinfo=UTC)
    reference = duckling.parse_ref_time(_zones(), "UTC", int(wall_clock.timestamp()))
    context = duckling.Context(reference, _locale(language))
    found: list[TimeMention] = []
    sendable = _UNSENDABLE.sub(" ", text)
    if language == "es":
        sendable = _PARA_BEFORE_NUMBER.sub("    ", sendable)
    for chunk in _CHUNK.finditer(sendable):
        results: list[dict[str, Any]] = duckling.parse(chunk.group(), context, _dimensions())
        for result in results:
            if result.get("dim") != "time":
                continue
            mention = _mention(result, chunk.start(), text)
            if mention is not None and mention.kind == "date":
                mention = _in_the_week_that_comes(mention, text, wall_clock.date())
            if mention is not None and mention.firsts:
                found.append(mention)
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[TimeMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept
