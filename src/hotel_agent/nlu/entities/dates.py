"""Check-in, check-out and nights of one message, resolved against the hotel's clock.

Rules, in order:
- A range ("del 15 al 18", "this weekend", "Dec 28 - Jan 2") gives both dates; the first one said
  wins, except that days said beat a weekend ("el finde del 12 al 14 de febrero"). An impossible
  day ("31 de febrero", "del 30 al 31 de febrero") gives no date at all, and nothing else is read
  into its words.
- Otherwise single days: one after an arrival word ("llegamos", "from", "check in") or the first
  plain one is the check-in; one after a departure word ("hasta", "leaving", "check out") or the
  next plain one is the check-out, taken as its first reading after the check-in ("del 3 de enero
  ... el 7" is 7 January).
- Dates prefer the future: a day already past this year is next year's; "el 3" is the next 3rd.
- A stay length ("3 noches", "una semana" = 7) fills the missing date; nights is derived from two
  dates when not said. A check-out on or before the check-in is kept as said, without nights: the
  dialogue asks.
- With `previous` (the slots so far): a lone new check-in keeps the nights ("no, mejor el 16"), a
  lone check-out or stay length keeps the check-in, "one more night" extends the stay, and a bare
  day ("el 20") is read in the month of the previous check-in.
- A shift of one end ("¿podemos llegar un día antes?", "can we leave a day later?") moves only
  that end of the previous stay, the other one kept; without a previous stay it says no date.
- "the day after the 14th", "el día después del 14" is the 15th (not a shift of the stay).
- A day said as an event's ("the wedding is on 17 April", "la boda es el 17") is no stay date:
  it is kept apart as `event_day`, for the dialogue to ask which nights around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from hotel_agent.nlu.entities.date_grammar import DayRef, says_more_nights, scan
from hotel_agent.nlu.entities.duckling_time import TimeMention, find_days
from hotel_agent.nlu.entities.folding import fold
from hotel_agent.nlu.entities.holidays import find_holidays
from hotel_agent.nlu.entities.numbers import NUMBER, to_int
from hotel_agent.nlu.types import Entities, Holiday

Role = Literal["in", "out", "event"] | None

_IN_CUE = re.compile(
    r"\b(?:lleg\w*|entrad\w*|entramos|check(?:ing)?[\s-]?in|arriv\w*|desde|a partir|from|starting"
    r"|empezando|comenzando)\b"
)
_OUT_CUE = re.compile(
    r"\b(?:salid\w*|salimos|salgo|saldr\w*|salir|nos vamos|me voy|irnos|hasta"
    r"|check(?:ing)?[\s-]?out|leav\w*|depart\w*|until|till|through|regres\w*|volvemos"
    r"|return\w*|going\s+home|head\w*\s+home)\b"
)
# Duckling reads "el 14" but not "a partir del 14": "del" becomes " el" (offsets unchanged).
_DEL_DAY = re.compile(r"\bdel(?=\s+(?:d[ií]a\s+)?\d{1,2}\b(?!\s*[/:.]))", re.IGNORECASE)
# The part of a day says nothing of the date, and Duckling loses ranges over it ("from tomorrow
# till friday morning" is read as tomorrow morning): it is blanked after a day's name.
_PART_OF_DAY = re.compile(
    r"(\b(?:mon|tues|wednes|thurs|fri|satur|sun)day|\b(?:lunes|martes|mi[eé]rcoles|jueves"
    r"|viernes|s[aá]bado|domingo)|\btomorrow|\bma[ñn]ana|\d(?:st|nd|rd|th)?)"
    r"(\s+(?:in\s+the\s+)?(?:morning|afternoon|evening|a\.?m\.?|p\.?m\.?)"
    r"|\s+(?:por|a)\s+la\s+(?:ma[ñn]ana|tarde|noche))\b",
    re.IGNORECASE,
)
# "something for tonight", "para esta noche", "for tomorrow night", "la noche del 14": a stay of
# that one night unless a departure is said ("from tonight until Friday"). Without "for"/"para"
# it is a time of arrival ("llegamos mañana por la noche"), not a length.
_ONE_NIGHT = re.compile(
    r"\b(?:(?:for|para)\s+(?:(?:just|only|solo)\s+)?|(?:just|only|solo)\s+)"
    r"(?:tonight|esta\s+noche|(?:tomorrow|manana)\s+(?:(?:por|en|a)\s+la\s+)?(?:night|noche)"
    r"|(?:the\s+)?night\s+of\s+(?:the\s+)?\d{1,2}|la\s+noche\s+del?\s+(?:dia\s+)?\d{1,2})\b"
)
# "looking at the week of Feb 15th": Duckling reads the week as a span it gives no day for;
# the day said is where the stay starts (blanked before Duckling, offsets kept).
_WEEK_OF = re.compile(r"\b(?:the\s+)?week\s+of\s+(?=(?:the\s+)?[\w.]+\s*\d|\d)", re.IGNORECASE)
_DAY_ONLY = re.compile(r"(?:(?:on\s+)?the\s+|el\s+(?:dia\s+)?|dia\s+)?(\d{1,2})(?:st|nd|rd|th|º)?")
# A weekday named on its own ("leave on Monday", "salimos el lunes") is any week's: after a
# check-in weeks away it is the first such day after it. "next Monday" is told from today.
_WEEKDAY = re.compile(
    r"(?:(?:on|till|until|by|from|hasta|desde)\s+)?(?:el\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|lunes|martes|miercoles"
    r"|jueves|viernes|sabado|domingo)(?:\s+(?:morning|afternoon|evening|night))?"
)
# "from Saturday to Monday", "del viernes al martes": a range of weekdays, any week's.
_DAY_NAME = (
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun"
    r"|lunes|martes|miercoles|jueves|viernes|sabado|domingo)"
)
_WEEKDAY_RANGE = re.compile(
    rf"(?:(?:from|desde|del?)\s+)?(?:el\s+|the\s+)?{_DAY_NAME}"
    rf"(?:\s*-\s*|\s+(?:to|till|until|al|a|hasta(?:\s+el)?)\s+)(?:the\s+|el\s+)?{_DAY_NAME}\b"
)
# Two weekdays listed ("friday and saturday", "el viernes y el sábado"): the nights wanted.
_NIGHTS_OF_WEEKDAYS = re.compile(
    rf"\b{_DAY_NAME}\s*(?:,|&|\band\b|\by\b|\be\b)\s*(?:(?:el|the|on)\s+)?{_DAY_NAME}\b"
)
_CUE_WINDOW = 40
# "the wedding is on 17 April", "la boda es el 17", "for a wedding on the 17th": the day is the
# event's. Only a day without an arrival or departure cue of its own is read so.
_EVENT_DAY = re.compile(
    r"\b(?:wedding|boda|conference|congress|congreso|concert|concierto|event|evento|party"
    r"|fiesta|celebration|celebracion|ceremony|ceremonia|comunion|bautizo|baptism|christening"
    r"|funeral|graduation|graduacion|birthday|cumpleanos|anniversary|aniversario|festival|feria"
    r"|match|partido|game|race|carrera|marathon|maraton|exam|examen|meeting|reunion|show"
    r"|gig|convention|convencion|fair)\b"
    r"(?:\s+(?:is|es|sera|will\s+be|takes\s+place|se\s+celebra|happens|falls|cae))?"
    r"\s+(?:on\s+|el\s+(?:dia\s+)?|is\s+|es\s+)?$"
)
# "the day after the 14th", "el día después del 14", "el día antes del 20": a day next to the
# one said. The words are blanked for Duckling ("del" kept as " el"), the day moved after.
_NEXT_TO = re.compile(
    r"\b(?:(?:the\s+)?day\s+(?:(?P<after>after)|before)(?:\s+of)?"
    r"|(?:el\s+)?dia\s+(?:(?P<despues>despues|siguiente)|antes|anterior)"
    r"(?:\s+(?P<link>del|de|al|a))?)\s+(?=(?:the\s+|el\s+)?\d)"
)
_AS_EL = {"del": " el", "al": "el", "de": "el", "a": " "}
# What joins the two days of a range: a next-to day after it is the check-out's.
_RANGE_LINK = re.compile(r"\b(?:to|until|till|through|thru|al|hasta|a)\b|-")
# A range whose first day is after its last ("del 28 al 2 de enero") crosses a month end, as
# long as that makes a plausible stay; "del 18 al 15 de diciembre" is a slip, kept as said.
_MAX_WRAPPED_NIGHTS = 21
# A day of the month said for the check-in when only the check-out is known is the last one
# before it: one read from this many days before the check-out.
_DAYS_BEFORE_CHECK_OUT = 30
# A check-out read again after the check-in ("... hasta el domingo") stays this close to it.
_MAX_STAY = timedelta(days=120)


@dataclass(frozen=True)
class StayDates:
    check_in: date | None = None
    check_out: date | None = None
    nights: int | None = None
    event_day: date | None = None  # the day of the event the guest comes for
    holiday: Holiday | None = None  # "Carnaval": days to stay around, not the stay


# "llegar un día antes", "arrive two days earlier", "check out a day later", "salir el día
# después": one end of the stay moves, by days ("llegamos el 9, dos días antes de la boda"
# names its day, and "two days before the wedding" is told from another event: no shift).
_SHIFT = re.compile(
    r"\b(?:(?P<arrive>lleg\w*|entrar|entramos|arriv\w*|come|coming|get\s+there|check(?:ing)?"
    r"[\s-]?in)|(?P<leave>sal\w*|irnos|marcharnos|nos\s+vamos|leav\w*|go(?:ing)?\s+home"
    r"|check(?:ing)?[\s-]?out|depart\w*|quedarnos|stay(?:ing)?))"
    rf"(?:\s+[a-z']+){{0,2}}?\s+(?:(?P<n>{NUMBER})|el|the)\s+(?:dias?|days?|noches?|nights?)\s+"
    r"(?:(?P<earlier>antes|before|earlier|early|sooner|anterior)"
    r"|(?P<later>despues|mas\s+tarde|later|after|siguiente))\b"
    # "dos días antes de la boda", "two days before the wedding": told from another event.
    r"(?!\s+(?:de\s+(?:la|las|los|mis?|nuestr\w*|sus?|tus?)|the\s+(?!\d)|our|my|his|her|their)\b)"
)


# "two days before the wedding ... and leave the day after": days told from another event.
_EVENT = re.compile(
    r"\b(?:antes|despues|before|after)\s+(?:de\s+(?:la|las|los|mis?|nuestr\w*|sus?|tus?)"
    r"|the|our|my|his|her|their)\s+(?!\d)"
)


def says_shift(text: str) -> bool:
    """ "¿podemos llegar un día antes?": one end of a stay is moved, by days (not when the
    message tells days from another event)."""
    folded = fold(text)
    return (
        _SHIFT.search(folded) is not None
        and _EVENT.search(folded) is None
        and _NEXT_TO.search(folded) is None
    )


def says_stay_change(text: str) -> bool:
    """ "¿podemos quedarnos una noche más?", "arrive a day earlier": a change to a stay already
    known (a booking, when no other stay is being talked of)."""
    folded = fold(text)
    return says_more_nights(folded) or says_shift(text)


def shifted_stay(text: str, check_in: date, check_out: date) -> tuple[date, date] | None:
    """The stay with the end the message moves moved ("leave a day later": the check-out
    one day on, the check-in kept); None when the message moves neither."""
    match = _SHIFT.search(fold(text))
    if match is None:
        return None
    days = timedelta(days=(to_int(match["n"]) or 1) if match["n"] else 1)
    step = -days if match["earlier"] else days
    if match["arrive"]:
        return check_in + step, check_out
    return check_in, check_out + step


def _shift(text: str, before: Entities) -> StayDates | None:
    """A shift of one end of the previous stay (see `_SHIFT`); None when none is said."""
    if not says_shift(text):
        return None
    if before.check_in is None or before.check_out is None:
        return StayDates()  # "a day earlier" than nothing known: no date
    shifted = shifted_stay(text, before.check_in, before.check_out)
    assert shifted is not None
    check_in, check_out = shifted
    return StayDates(check_in, check_out, (check_out - check_in).days)


@dataclass(frozen=True)
class _Stay:
    start: int
    end: int
    check_in: date
    check_out: date
    relative: bool = False  # "this weekend": a range with days said wins over it


@dataclass(frozen=True)
class _Single:
    start: int
    end: int
    role: Role
    candidates: tuple[date, ...]  # readings, the preferred first
    day_only: int | None  # "el 16": read again relative to whatever anchors it
    weekday: bool = False  # "el lunes": any week's Monday
    moved: int = 0  # days from the day said: "the day after the 14th" is +1


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_day(day: int, not_before: date) -> date | None:
    """The first date >= not_before whose day of the month is `day`."""
    year, month = not_before.year, not_before.month
    for _ in range(13):
        found = _valid(year, month, day)
        if found is not None and found >= not_before:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _next_month_day(month: int, day: int, not_before: date) -> date | None:
    for year in range(not_before.year, not_before.year + 5):  # 29 February waits for a leap year
        found = _valid(year, month, day)
        if found is not None and found >= not_before:
            return found
    return None


def _dated_range(
    first: DayRef, last: DayRef, months: tuple[int, int], not_before: date
) -> tuple[date, date] | None:
    """The range with these months; the years said, else the first check-in >= not_before."""
    month_in, month_out = months
    crosses_year = month_out < month_in
    if first.year is not None:
        start = _valid(first.year, month_in, first.day)
    elif last.year is not None:
        start = _valid(last.year - crosses_year, month_in, first.day)
    else:
        start = _next_month_day(month_in, first.day, not_before)
    if start is None:
        return None
    end = _valid(last.year or start.year + crosses_year, month_out, last.day)
    return (start, end) if end else None


def _resolve_range(first: DayRef, last: DayRef, not_before: date) -> tuple[date, date] | None:
    if first.month is None and last.month is None:
        start = _next_day(first.day, not_before)
        if start is None:
            return None
        end = _next_day(last.day, start + timedelta(days=1))
        if end is None or end - start > timedelta(days=_MAX_WRAPPED_NIGHTS):
            end = _valid(start.year, start.month, last.day)
        return (start, end) if end else None
    said_in = first.month or last.month or 1
    said_out = last.month or said_in
    if (first.month is None or last.month is None) and first.day > last.day:
        # "del 28 al 2 de enero" crosses a month end: the month not said is the one before/after.
        months = (
            (said_in, said_in % 12 + 1)
            if last.month is None
            else ((said_out - 2) % 12 + 1, said_out)
        )
        wrapped = _dated_range(first, last, months, not_before)
        if wrapped and wrapped[1] - wrapped[0] <= timedelta(days=_MAX_WRAPPED_NIGHTS):
            return wrapped
    return _dated_range(first, last, (said_in, said_out), not_before)


def _pick(candidates: tuple[date, ...], not_before: date, until: date = date.max) -> date:
    """The preferred reading unless it is before `not_before`: then the first one after (and
    not after `until`), else the preferred one as said."""
    return next((day for day in candidates if not_before <= day <= until), candidates[0])


def _role(folded: str, start: int, since: int) -> Role:
    """Arrival or departure, from the closest cue word before the day (and after the last day);
    "event" for the day of an event said without either."""
    window = folded[max(since, start - _CUE_WINDOW) : start]
    last_in = max((m.end() for m in _IN_CUE.finditer(window)), default=-1)
    last_out = max((m.end() for m in _OUT_CUE.finditer(window)), default=-1)
    if last_in == last_out:  # neither
        return "event" if _EVENT_DAY.search(window) else None
    return "in" if last_in > last_out else "out"


def _from_duckling(
    mention: TimeMention, folded: str, since: int, today: date, week_floor: date
) -> _Stay | _Single:
    if mention.kind == "range":
        pairs = list(zip(mention.firsts, mention.lasts, strict=True))
        first, last = next((pair for pair in pairs if pair[0] >= today), pairs[0])
        said = folded[mention.start : mention.end]
        if _WEEKDAY_RANGE.match(said) and (first < today or last - first > timedelta(days=7)):
            # "fri to sun next week": Duckling puts only the Sunday in next week (this week's
            # Friday, gone, to next week's Sunday, 9 nights). Two weekdays are one week's.
            first = last - timedelta(days=(last.weekday() - first.weekday()) % 7 or 7)
        if first < week_floor and _WEEKDAY_RANGE.fullmatch(folded[mention.start : mention.end]):
            # "from Saturday to Monday" answering about Carnival: that week's, not this one.
            weeks = timedelta(weeks=-((first - week_floor).days // 7))  # whole weeks, rounded up
            first, last = first + weeks, last + weeks
        return _Stay(mention.start, mention.end, first, last)
    role: Role = "in" if mention.kind == "from" else "out" if mention.kind == "to" else None
    said = folded[mention.start : mention.end].strip(" ,.;:!?")
    shape = _DAY_ONLY.fullmatch(said)
    return _Single(
        mention.start,
        mention.end,
        role or _role(folded, mention.start, since),
        mention.firsts,
        int(shape.group(1)) if shape else None,
        _WEEKDAY.fullmatch(said) is not None,
    )


def _mentions(
    text: str, *, language: str, now: datetime, day_anchor: date, week_floor: date | None = None
) -> tuple[list[_Stay | _Single], list[tuple[int, bool]]]:
    """Every range and single day in order, and the stay lengths said (count, is_extra)."""
    today = now.date()
    folded = fold(text)
    grammar = scan(folded, language=language, today=today)
    found: list[_Stay | _Single] = []
    # An impossible day yields no mention, but its span stays claimed (blanked below).
    for said in grammar.ranges:
        anchor = day_anchor if said.first.month is None and said.last.month is None else today
        stay = _resolve_range(said.first, said.last, anchor)
        if stay is not None:
            check_out = stay[1] + timedelta(days=1) if said.nights_listed else stay[1]
            found.append(_Stay(said.start, said.end, stay[0], check_out))
    found += [_Stay(w.start, w.end, w.check_in, w.check_out, True) for w in grammar.weekends]
    for numeric in grammar.numeric:
        ref = numeric.ref
        if ref is None or ref.month is None:
            continue
        if ref.year:
            day = _valid(ref.year, ref.month, ref.day)
        else:
            day = _next_month_day(ref.month, ref.day, today)
        if day is not None:
            role = _role(folded, numeric.start, 0)
            found.append(_Single(numeric.start, numeric.end, role, (day,), None))
    blanked = list(text)
    for span in grammar.spans():
        blanked[span.start : span.end] = " " * (span.end - span.start)
    moves = []
    for next_to in _NEXT_TO.finditer(folded):
        link = next_to["link"]
        words_end = next_to.start("link") if link else next_to.end()
        blanked[next_to.start() : words_end] = " " * (words_end - next_to.start())
        if link:  # "del 14" is read by Duckling as "el 14"
            blanked[next_to.start("link") : next_to.end("link")] = _AS_EL[link]
        after = next_to["after"] or next_to["despues"]
        moves.append((next_to.start(), next_to.end(), 1 if after else -1))
    since = 0
    for mention in find_days(_for_duckling("".join(blanked)), language=language, now=now):
        found.append(_from_duckling(mention, folded, since, today, week_floor or today))
        since = mention.end
    for index, next_day_said in enumerate(found):
        if isinstance(next_day_said, _Single):
            move = next((m for s, e, m in moves if s <= next_day_said.start <= e), 0)
            if move:
                found[index] = replace(next_day_said, moved=move)
            continue
        for s, e, move in moves:
            # "from the 10th to the day after the 14th": Duckling reads the blanked range "from
            # the 10th to the 14th"; the words said before its link word move the check-in.
            if next_day_said.start <= s < next_day_said.end or s <= next_day_said.start <= e:
                step = timedelta(days=move)
                link = _RANGE_LINK.search(folded, next_day_said.start, s)
                next_day_said = (
                    replace(next_day_said, check_out=next_day_said.check_out + step)
                    if link
                    else replace(next_day_said, check_in=next_day_said.check_in + step)
                )
        found[index] = next_day_said
    found.sort(key=lambda m: m.start)
    return found, [(n.count, n.extra) for n in grammar.nights]


def _for_duckling(text: str) -> str:
    """`text` with what misleads Duckling blanked, every offset unchanged."""
    text = _WEEK_OF.sub(lambda m: " " * len(m[0]), text)
    text = _DEL_DAY.sub(" el", text)
    return _PART_OF_DAY.sub(lambda m: m[1] + " " * len(m[2]), text)


def _resolve_single(
    single: _Single, not_before: date, *, day_anchor: date, until: date = date.max
) -> date:
    if single.moved:
        # The day said, read as if it were meant, then moved: "the day after the 14th".
        step = timedelta(days=single.moved)
        said = replace(single, moved=0)
        return (
            _resolve_single(said, not_before - step, day_anchor=day_anchor - step, until=until)
            + step
        )
    if single.day_only is not None:
        day = _next_day(single.day_only, max(not_before, day_anchor))
        if day is not None:
            return day
    candidates = single.candidates
    if single.weekday and candidates[-1] < not_before:
        weeks = (not_before - candidates[0]).days // 7 + 1
        later = candidates[0] + timedelta(weeks=weeks)
        candidates = (later - timedelta(weeks=1), later)
    return _pick(candidates, not_before, until)


def _choose(
    found: list[_Stay | _Single],
    today: date,
    day_anchor: date,
    out_anchor: date,
    week_floor: date,
) -> tuple[date | None, date | None]:
    # "el finde del 12 al 14 de febrero": the days said name the weekend meant.
    stays = sorted((m for m in found if isinstance(m, _Stay)), key=lambda m: m.relative)
    singles = [m for m in found if isinstance(m, _Single) and m.role != "event"]
    dated = [s for s in singles if not s.weekday]
    if stays and stays[0].relative and dated:
        # "the weekend of January 15th", "el finde del 15 de enero": that day's weekend, not
        # this one (booked on this weekend before).
        day = _resolve_single(dated[0], today, day_anchor=day_anchor)
        friday = day + timedelta(days=4 - day.weekday())  # Sat/Sun: back; Mon–Thu: ahead
        return friday, friday + timedelta(days=2)
    if stays:
        return stays[0].check_in, stays[0].check_out
    arrival = next((s for s in singles if s.role == "in"), None) or next(
        (s for s in singles if s.role is None), None
    )
    later = [s for s in singles if s is not arrival and s.role != "in"]
    if arrival is not None:
        later = [s for s in later if s.role == "out" or s.start > arrival.start]
    departure = next((s for s in later if s.role == "out"), None) or next(iter(later), None)
    check_in = None
    if arrival is not None:
        floor = max(today, week_floor) if arrival.weekday else today
        check_in = _resolve_single(arrival, floor, day_anchor=day_anchor)
    check_out = None
    if departure is not None:
        after = check_in + timedelta(days=1) if check_in else out_anchor
        check_out = _resolve_single(departure, after, day_anchor=after, until=after + _MAX_STAY)
    return check_in, check_out


def extract_dates(
    text: str, *, language: str, now: datetime, previous: Entities | None = None
) -> StayDates:
    """The stay dates said in `text`; `now` is the hotel's local time."""
    today = now.date()
    before = previous or Entities()
    shifted = _shift(text, before)
    if shifted is not None:
        return shifted
    day_anchor = today
    if before.check_in is not None and before.check_in >= today:
        day_anchor = max(today, before.check_in.replace(day=1))
    out_anchor = before.check_in + timedelta(days=1) if before.check_in else today
    found, lengths = _mentions(text, language=language, now=now, day_anchor=day_anchor)
    event_day = _event_day(found, today)
    said_holiday = next(iter(find_holidays(fold(text), today)), None)
    holiday = said_holiday or before.holiday
    arrival_floor = week_floor = today
    if before.check_in is None and holiday is not None:
        # "Carnaval" then "del 5 al 9": the days around it. A weekday is the one in the week
        # ending on its last day: "el jueves" of Holy Week is Holy Thursday, not the Thursday
        # before Palm Sunday; "el viernes" of Carnival (Saturday to Tuesday), the day before.
        arrival_floor = max(today, holiday.first - timedelta(days=6))
        # Days said for a holiday already begun are its days: "del 5 al 8" for the December
        # long weekend said on the 6th is the 5th (gone: the guest is told), not 5 January.
        day_anchor = holiday.first - timedelta(days=6)
        week_floor = max(today, holiday.last - timedelta(days=6))
        found, lengths = _mentions(
            text, language=language, now=now, day_anchor=day_anchor, week_floor=week_floor
        )
    elif before.check_in is None and (event_day or before.event_day):
        event_day = event_day or before.event_day
        assert event_day is not None
        # "the wedding is on 17 April; we arrive on the 16th": the 16th of April.
        day_anchor = event_day.replace(day=1)
        found, lengths = _mentions(text, language=language, now=now, day_anchor=day_anchor)
    elif before.check_in is None and before.check_out is not None:
        # "leaving on 8 February", then "checking in on the 4th": the 4th before it.
        day_anchor = max(today, before.check_out - timedelta(days=_DAYS_BEFORE_CHECK_OUT))
        found, lengths = _mentions(text, language=language, now=now, day_anchor=day_anchor)
    check_in, check_out = _choose(found, arrival_floor, day_anchor, out_anchor, week_floor)
    if (
        check_in is not None
        and check_out == check_in + timedelta(days=1)
        and not lengths
        and _NIGHTS_OF_WEEKDAYS.search(fold(text))
    ):
        # "next friday and saturday", "el viernes y el sábado": those nights, as "para el 24 y
        # 25" (it was one night, Friday to Saturday).
        check_out += timedelta(days=1)
    plain = [count for count, extra in lengths if not extra]
    extra = [count for count, is_extra in lengths if is_extra]
    nights = plain[-1] if plain else None
    if check_in and check_out is None and not lengths and _ONE_NIGHT.search(fold(text)):
        nights = 1

    known_nights = before.nights
    if known_nights is None and before.check_in and before.check_out:
        known_nights = (before.check_out - before.check_in).days
    if check_in is None and check_out is None and nights is None and extra and before.check_out:
        check_out = before.check_out + timedelta(days=extra[-1])
        nights = known_nights + extra[-1] if known_nights else None
    elif check_in and check_out is None and nights is None and known_nights and known_nights > 0:
        nights = known_nights
    if before.check_in and check_in is None and (check_out is None) != (nights is None):
        # A new check-out or stay length only: the stay still starts on the known check-in.
        start = before.check_in
        if check_out is None and nights is not None:
            check_out = start + timedelta(days=nights)
        elif check_out is not None and check_out > start:
            nights = (check_out - start).days

    if check_in and check_out:
        if nights is None and check_out > check_in:
            nights = (check_out - check_in).days
    elif check_in and nights is not None:
        check_out = check_in + timedelta(days=nights)
    elif check_out and nights is not None and before.check_in is None:
        check_in = check_out - timedelta(days=nights)
    return StayDates(check_in, check_out, nights, _event_day(found, today), said_holiday)


def _event_day(found: list[_Stay | _Single], today: date) -> date | None:
    """The day of the event the guest comes for, when they said it as such."""
    event = next((m for m in found if isinstance(m, _Single) and m.role == "event"), None)
    return _resolve_single(event, today, day_anchor=today) if event else None
