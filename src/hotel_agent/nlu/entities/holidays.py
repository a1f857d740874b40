"""Holidays guests come for by name: "el finde largo de carnaval", "over Easter", "Semana Santa",
"el puente de diciembre".

A holiday is days, not a stay: which nights a guest wants around it differs from guest to guest
(Carnival is Saturday to Tuesday; many arrive on the Friday, some leave on the Monday). So a
holiday never becomes check-in and check-out by itself: the dialogue names its days and asks
which nights. Before, "el finde largo de carnaval" said in December was read as "this weekend"
and booked.

The days are those of Spain's calendar (the demo hotel's; Easter by the Gregorian computus):
Carnival Saturday to Shrove Tuesday, Holy Week Palm Sunday to Easter Sunday, the Easter weekend
Good Friday to Easter Monday, the December bridge the 6th to the 8th. Single holidays ("Christmas
Day", "Nochevieja") are days Duckling already reads; they stay days.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from hotel_agent.nlu.types import Holiday, HolidayName

# Folded text (lower case, no accents). Longest forms first, so a weekend said with the holiday
# ("fin de semana de pascua", "Easter weekend") is one span.
_HOLIDAY = re.compile(
    r"(?P<carnival>\b(?:(?:el\s+)?(?:finde|fin\s+de\s+semana)\s+(?:largo\s+)?de\s+)?"
    r"(?:carnavale?s?|carnival)\b(?:\s+(?:weekend|holidays?))?)"
    r"|(?P<holy_week>\b(?:semana\s+santa|holy\s+week)\b)"
    r"|(?P<easter>\b(?:(?:el\s+)?(?:finde|fin\s+de\s+semana)\s+(?:largo\s+)?de\s+pascua"
    r"|(?:the\s+)?easter(?:\s+(?:weekend|holidays?|break|bank\s+holiday))?)\b)"
    r"|(?P<december_bridge>\b(?:el\s+)?puente\s+de\s+(?:diciembre|la\s+constitucion"
    r"|la\s+inmaculada|la\s+purisima)\b)"
)
# A weekend qualified so that it is not "this weekend": "el finde largo", "the long weekend",
# "a bank holiday weekend".
LONG_WEEKEND_AFTER = re.compile(r"\s+largo\b")
LONG_WEEKEND_BEFORE = re.compile(r"\b(?:long|bank\s+holiday|easter|carnival)\s+$")


_NAMES: dict[str, HolidayName] = {
    "carnival": "carnival",
    "holy_week": "holy_week",
    "easter": "easter",
    "december_bridge": "december_bridge",
}


def easter_sunday(year: int) -> date:
    """Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _days(name: HolidayName, year: int) -> tuple[date, date]:
    if name == "december_bridge":
        return date(year, 12, 6), date(year, 12, 8)
    easter = easter_sunday(year)
    if name == "carnival":  # Saturday before Ash Wednesday to Shrove Tuesday
        return easter - timedelta(days=50), easter - timedelta(days=47)
    if name == "holy_week":  # Palm Sunday to Easter Sunday
        return easter - timedelta(days=7), easter
    return easter - timedelta(days=2), easter + timedelta(days=1)  # Good Friday to Monday


def find_holidays(folded: str, today: date) -> list[Holiday]:
    """The holidays named in folded text, each at its next occurrence not yet over."""
    found = []
    for match in _HOLIDAY.finditer(folded):
        name = _NAMES[match.lastgroup or ""]
        first, last = _days(name, today.year)
        if last < today:
            first, last = _days(name, today.year + 1)
        found.append(Holiday(match.start(), match.end(), name, first, last))
    return found
