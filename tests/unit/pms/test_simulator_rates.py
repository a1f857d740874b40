"""The simulator's prices: weekday and season multipliers, tax included, rounded per night."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from hotel_agent.pms.port import Stay
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL
from hotel_agent.pms.simulator.rates import RatePlan, Season, quote, stay_nights

ONE = Decimal(1)
FLAT = (ONE, ONE, ONE, ONE, ONE, ONE, ONE)
WEEKEND = (ONE, ONE, ONE, ONE, Decimal("1.20"), Decimal("1.50"), ONE)  # Friday, Saturday
MONDAY, FRIDAY, SATURDAY, SUNDAY = (
    date(2027, 3, 1),
    date(2027, 3, 5),
    date(2027, 3, 6),
    date(2027, 3, 7),
)


def plan(
    weekdays: tuple[Decimal, ...] = FLAT,
    seasons: tuple[Season, ...] = (),
    tax: str = "0",
) -> RatePlan:
    assert len(weekdays) == 7
    return RatePlan(
        weekday_multipliers=(
            weekdays[0],
            weekdays[1],
            weekdays[2],
            weekdays[3],
            weekdays[4],
            weekdays[5],
            weekdays[6],
        ),
        seasons=seasons,
        tax_rate=Decimal(tax),
    )


def test_tax_is_included_in_every_price() -> None:
    assert plan(tax="0.10").night_price(Decimal("100.00"), MONDAY) == Decimal("110.00")


def test_weekend_nights_cost_their_weekday_multiplier() -> None:
    rates = plan(WEEKEND)
    base = Decimal("80.00")
    assert rates.night_price(base, MONDAY) == Decimal("80.00")
    assert rates.night_price(base, FRIDAY) == Decimal("96.00")
    assert rates.night_price(base, SATURDAY) == Decimal("120.00")
    assert rates.night_price(base, SUNDAY) == Decimal("80.00")


def test_a_season_applies_inside_its_dates_only() -> None:
    summer = Season("summer", "07-01", "08-31", Decimal("1.40"))
    rates = plan(seasons=(summer,))
    base = Decimal("100.00")
    assert rates.night_price(base, date(2027, 6, 30)) == Decimal("100.00")
    assert rates.night_price(base, date(2027, 7, 1)) == Decimal("140.00")
    assert rates.night_price(base, date(2027, 8, 31)) == Decimal("140.00")
    assert rates.night_price(base, date(2027, 9, 1)) == Decimal("100.00")


def test_a_season_can_span_new_year_and_recurs_every_year() -> None:
    christmas = Season("christmas", "12-22", "01-06", Decimal("1.25"))
    inside = [date(2026, 12, 22), date(2026, 12, 31), date(2027, 1, 1), date(2031, 1, 6)]
    outside = [date(2026, 12, 21), date(2027, 1, 7), date(2027, 7, 15)]
    assert all(christmas.covers(night) for night in inside)
    assert not any(christmas.covers(night) for night in outside)


def test_overlapping_seasons_do_not_compound() -> None:
    high = Season("high", "07-01", "08-31", Decimal("1.40"))
    fair = Season("fair", "08-10", "08-20", Decimal("1.10"))
    rates = plan(seasons=(fair, high))
    assert rates.night_price(Decimal("100.00"), date(2027, 8, 15)) == Decimal("140.00")


def test_weekday_season_and_tax_multiply_then_round_half_up_to_cents() -> None:
    summer = Season("summer", "07-01", "08-31", Decimal("1.40"))
    rates = plan(WEEKEND, (summer,), tax="0.10")
    # 85 × 1.50 × 1.40 × 1.10 = 196.35; 10.05 × 1.10 = 11.055 rounds up to 11.06.
    assert rates.night_price(Decimal("85.00"), date(2027, 7, 3)) == Decimal("196.35")
    assert plan(tax="0.10").night_price(Decimal("10.05"), MONDAY) == Decimal("11.06")


def test_a_quote_is_the_sum_of_its_nights_for_every_room() -> None:
    rates = plan(WEEKEND, tax="0.10")
    friday_to_monday = Stay(check_in=FRIDAY, check_out=date(2027, 3, 8), adults=2, rooms=2)
    assert stay_nights(friday_to_monday) == [FRIDAY, SATURDAY, SUNDAY]
    price = quote(Decimal("80.00"), rates, friday_to_monday)
    # Friday 96 + Saturday 120 + Sunday 80, plus 10 %, for two rooms.
    assert price.nights == (Decimal("211.20"), Decimal("264.00"), Decimal("176.00"))
    assert price.total == Decimal("651.20")
    assert price.nightly_average == Decimal("217.07")
    friday = friday_to_monday.model_copy(update={"check_out": SATURDAY})
    one_night = quote(Decimal("80.00"), rates, friday)
    assert one_night.total == price.nights[0]


@pytest.mark.parametrize(("nights", "rooms"), [(0, 1), (-1, 1), (2, 0)])
def test_a_quote_needs_nights_and_rooms(nights: int, rooms: int) -> None:
    stay = Stay(check_in=MONDAY, check_out=MONDAY + timedelta(days=nights), adults=1, rooms=rooms)
    with pytest.raises(ValueError, match="at least one night and one room"):
        quote(Decimal("80.00"), plan(), stay)


@pytest.mark.parametrize("bad", ["7-01", "13-01", "00-10", "06-32", "06/15", ""])
def test_a_season_date_must_be_month_and_day(bad: str) -> None:
    with pytest.raises(ValueError, match="is not MM-DD"):
        Season("bad", bad, "08-31", ONE)


def test_the_demo_hotel_charges_more_on_summer_weekends() -> None:
    rates = DEMO_HOTEL.rates
    double = next(room for room in DEMO_HOTEL.room_types if room.code == "DBL")
    winter_tuesday = rates.night_price(double.base_rate, date(2027, 2, 9))
    summer_saturday = rates.night_price(double.base_rate, date(2027, 8, 14))
    assert winter_tuesday == Decimal("93.50")  # 85 + 10 % VAT
    assert summer_saturday == Decimal("163.63")  # 85 × 1.25 × 1.40 + 10 % VAT
