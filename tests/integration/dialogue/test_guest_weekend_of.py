"""A guest who names the weekend by a day of it, and asks about the room chosen (price, what it
includes).

"…a room with a sea view for the weekend of January 15th" was offered (and booked, after
"yes") on THIS weekend; "how much is it per night?" at the details step got the details
question again with no price. Through the web chat, judged by the PMS.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import (
    MONTHS_EN,
    Guest,
    hotel_today,
    spanish_range,
    the_booking,
)


async def test_the_weekend_of_a_day_is_that_day_s_weekend_and_its_night_is_priced(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    day = hotel_today() + timedelta(days=40)
    friday = day + timedelta(days=(4 - day.weekday()) % 7)  # the weekend on or after the day
    guest = Guest(client)
    said = await guest.hears(
        "Good evening. My husband and I are celebrating our anniversary and would love a room"
        f" with a sea view for the weekend of {MONTHS_EN[friday.month - 1]} {friday.day}th"
    )
    assert f"Friday {friday.day} {MONTHS_EN[friday.month - 1]}" in said
    said = await guest.hears("how much is it per night?")
    assert "a night" in said and "in total" in said
    assert said.strip().endswith("e-mail address.")  # the details still the question
    await guest.hears("Margaret Hale, margaret.hale@example.org")
    await guest.hears("yes")
    booking = await the_booking(runtime, "margaret.hale@example.org")
    assert (booking.stay.check_in, booking.stay.check_out) == (
        friday,
        friday + timedelta(days=2),
    )


async def test_que_incluye_tras_elegir_describe_la_habitacion_y_el_desayuno_es_el_desayuno(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """ "¿qué incluye?" once the family room was chosen got the payment terms."""
    check_in = hotel_today() + timedelta(days=44)
    check_out = check_in + timedelta(days=3)
    guest = Guest(client)
    await guest.hears(
        f"una familiar {spanish_range(check_in, check_out)} para 2 adultos y 2 niños de 6 y 9"
    )
    said = await guest.hears("que incluye?")
    assert "Dos ambientes" in said  # the PMS's description of the family room
    assert "Visa" not in said and said.strip().endswith("correo electrónico.")
    said = await guest.hears("qué incluye el desayuno?")
    assert "buffet" in said and "Dos ambientes" not in said
    await guest.hears("Pedro Gómez, pedro.incluye@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "pedro.incluye@example.com")
    assert (booking.stay.adults, booking.stay.children) == (2, 2)


async def test_friday_and_saturday_for_two_of_us_plus_a_baby_is_two_nights_for_three(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Booked as 1 adult and 1 child for one night: "+" did not add the baby to "2 of us", and
    "friday and saturday" was read as arriving Friday, leaving Saturday."""
    today = hotel_today()
    friday = today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    guest = Guest(client)
    said = await guest.hears("hey! any rooms free next friday and saturday? 2 of us + a baby")
    assert "2 adults and 1 child" in said and "(2 nights)" in said
    await guest.hears("whats the cheapest")
    await guest.hears("Jess Day jess.day.plus@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "jess.day.plus@example.com")
    assert (booking.stay.adults, booking.stay.children) == (2, 1)
    assert booking.stay.check_out - booking.stay.check_in == timedelta(days=2)
    assert booking.stay.check_in.weekday() == friday.weekday() == 4
