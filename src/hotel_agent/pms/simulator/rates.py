"""Nightly prices from a room type's base rate and the hotel's rate rules (pure, no I/O).

A night's price is `base rate × weekday multiplier × season multiplier × (1 + tax)`, rounded
to cents per night, so the total of a stay is exactly the sum of its nights and a two-night
quote equals the two one-night quotes added up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hotel_agent.pms.port import Stay

CENT = Decimal("0.01")
_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Season:
    """A recurring yearly period, "MM-DD" to "MM-DD" inclusive; it may wrap past New Year.

    Month-days rather than dates so the demo hotel's seasons never run out of years.
    """

    name: str
    starts_on: str
    ends_on: str
    multiplier: Decimal

    def __post_init__(self) -> None:
        for value in (self.starts_on, self.ends_on):
            if not _MONTH_DAY.match(value):
                raise ValueError(f"season {self.name!r}: {value!r} is not MM-DD")

    def covers(self, night: date) -> bool:
        # "MM-DD" strings sort like the dates they name.
        key = night.strftime("%m-%d")
        if self.starts_on <= self.ends_on:
            return self.starts_on <= key <= self.ends_on
        return key >= self.starts_on or key <= self.ends_on


@dataclass(frozen=True)
class RatePlan:
    """The hotel-wide rules: one multiplier per weekday (Monday first), seasons and tax."""

    weekday_multipliers: tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]
    seasons: Sequence[Season]
    tax_rate: Decimal  # 0.10 for Spain's 10 % VAT on accommodation

    def season_multiplier(self, night: date) -> Decimal:
        # Overlapping seasons do not compound: the dearest one applies.
        return max(
            (season.multiplier for season in self.seasons if season.covers(night)),
            default=Decimal(1),
        )

    def night_price(self, base_rate: Decimal, night: date) -> Decimal:
        """One room for one night, tax included."""
        net = base_rate * self.weekday_multipliers[night.weekday()]
        return to_cents(net * self.season_multiplier(night) * (1 + self.tax_rate))


@dataclass(frozen=True)
class Quote:
    nights: tuple[Decimal, ...]  # price of each night for all rooms, tax included
    total: Decimal

    @property
    def nightly_average(self) -> Decimal:
        return to_cents(self.total / len(self.nights))


def stay_nights(stay: Stay) -> list[date]:
    """The nights of a stay: check-in day up to, not including, check-out day."""
    return [stay.check_in + timedelta(days=offset) for offset in range(stay.nights)]


def quote(base_rate: Decimal, plan: RatePlan, stay: Stay) -> Quote:
    """The price of the stay's rooms, every night, tax included."""
    if stay.nights < 1 or stay.rooms < 1:
        raise ValueError("a quote needs at least one night and one room")
    nights = tuple(plan.night_price(base_rate, night) * stay.rooms for night in stay_nights(stay))
    return Quote(nights=nights, total=sum(nights, Decimal("0.00")))
