"""The manager's dashboard: a period's figures per day and channel (db/repositories/
dashboard.py computes them in SQL), the period chosen in a form, and the same figures as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.repositories.dashboard import DashboardRepository, Figures

DEFAULT_DAYS = 30
MAX_DAYS = 366
CSV_COLUMNS = (
    "day",
    "channel",
    "conversations",
    "bookings",
    "booking_value",
    "asked_availability",
    "asked_and_booked",
    "availability_to_booking_rate",
    "handoffs",
    "handoff_rate",
    "handoff_reasons",
    "staff_takeovers",
    "staff_responses",
    "response_median_seconds",
    "response_p90_seconds",
)


@dataclass(frozen=True)
class Period:
    """Whole days of `zone`, `first` to `last` included."""

    first: date
    last: date
    zone: tzinfo = UTC

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), self.zone)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), self.zone)

    @property
    def zone_name(self) -> str:
        return str(self.zone)


def zone_of(hotel_timezone: str | None) -> tzinfo:
    """The days of one hotel are its time zone's; of every hotel together, UTC's (a hotel's
    zone that is not one falls back to UTC too)."""
    try:
        return ZoneInfo(hotel_timezone) if hotel_timezone else UTC
    except (ValueError, LookupError):
        return UTC


def period(first: str, last: str, *, now: datetime, zone: tzinfo = UTC) -> tuple[Period, str]:
    """The period the form asks for, in days of `zone`, and a problem ("" if none):
    `bad_date`, `reversed` or `too_long`. Empty fields mean the last 30 days (to today in
    `zone`); with a problem, the default period."""
    today = now.astimezone(zone).date()
    default = Period(today - timedelta(days=DEFAULT_DAYS - 1), today, zone)
    try:
        start = date.fromisoformat(first) if first else default.first
        end = date.fromisoformat(last) if last else default.last
    except ValueError:
        return default, "bad_date"
    if end < start:
        return default, "reversed"
    if (end - start).days >= MAX_DAYS:
        return default, "too_long"
    return Period(start, end, zone), ""


async def figures(
    session: AsyncSession, chosen: Period, *, hotel_id: int | None = None
) -> list[Figures]:
    return await DashboardRepository(session).figures(
        chosen.start, chosen.end, hotel_id=hotel_id, zone=chosen.zone
    )


def rate(part: int, whole: int) -> float | None:
    """A share between 0 and 1, rounded to 3 places; None when there is nothing to share."""
    return round(part / whole, 3) if whole else None


def as_csv(rows: list[Figures]) -> str:
    """The dashboard's rows as CSV: one per day and channel, then per channel (day "all"),
    then the period (both "all")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.day or "all",
                row.channel or "all",
                row.conversations,
                row.bookings,
                f"{row.booking_value:.2f}",
                row.asked_availability,
                row.asked_and_booked,
                _blank(rate(row.asked_and_booked, row.asked_availability)),
                row.handoffs,
                _blank(rate(row.handoffs, row.conversations)),
                ";".join(f"{k}={v}" for k, v in sorted(row.reasons.items())),
                row.takeovers,
                row.responses,
                _blank(row.response_p50_seconds),
                _blank(row.response_p90_seconds),
            ]
        )
    return out.getvalue()


def _blank(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
