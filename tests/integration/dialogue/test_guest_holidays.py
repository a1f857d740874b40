"""Holidays said by name, through the web chat in Spanish and English, judged by the PMS.

"el finde largo de carnaval" said in December was read as "this weekend" and booked on the
wrong nights; "over Easter weekend" gave a check-in on Easter Sunday. A holiday is days, not a
stay: the agent names its days, asks which nights, and reads the answer around the holiday.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import Guest, hotel_today, the_booking

# Easter Sunday, from the published calendars (not computed here: the agent computes it).
EASTER = {
    2026: date(2026, 4, 5),
    2027: date(2027, 3, 28),
    2028: date(2028, 4, 16),
    2029: date(2029, 4, 1),
    2030: date(2030, 4, 21),
    2031: date(2031, 4, 13),
    2032: date(2032, 3, 28),
}


def next_easter() -> date:
    today = hotel_today()
    # The Easter weekend ends on Easter Monday: until then it is this year's.
    return next(day for year, day in sorted(EASTER.items()) if day + timedelta(days=1) >= today)


async def test_el_finde_largo_de_carnaval_pregunta_las_noches_y_reserva_esas(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    easter = next_easter()
    if easter - timedelta(days=47) < hotel_today():  # this year's Carnival is over
        easter = EASTER[easter.year + 1]
    saturday, tuesday = easter - timedelta(days=50), easter - timedelta(days=47)
    guest = Guest(client)
    said = await guest.hears(
        "buenas! queria saber si tienen lugar para el finde largo de carnaval, somos 2 adultos"
    )
    assert "€" not in said  # no offers for a weekend nobody asked for
    assert "Carnaval" in said and f"sábado {saturday.day} de febrero" in said
    assert f"martes {tuesday.day} de" in said and "noches" in said
    said = await guest.hears("llegamos el viernes y nos vamos el martes")
    assert "€" in said
    await guest.hears("la primera")
    await guest.hears("Lucía Fernández, lucia.fernandez@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "lucia.fernandez@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (
        saturday - timedelta(days=1),
        tuesday,
    )
    assert booking.stay.adults == 2


async def test_over_easter_weekend_names_good_friday_to_easter_monday(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    easter = next_easter()
    friday, monday = easter - timedelta(days=2), easter + timedelta(days=1)
    guest = Guest(client)
    said = await guest.hears("hi, any rooms over easter weekend for 2 adults?")
    assert "€" not in said
    assert "Easter" in said and f"Friday {friday.day}" in said and f"Monday {monday.day}" in said
    said = await guest.hears("we'd arrive on the thursday and leave on monday")
    assert "€" in said
    await guest.hears("the first one")
    await guest.hears("Tom Hardy, tom.hardy@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "tom.hardy@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (friday - timedelta(days=1), monday)


async def test_this_weekend_is_still_this_weekend(client: httpx.AsyncClient) -> None:
    guest = Guest(client)
    said = await guest.hears("tienen habitación para este finde? somos 2")
    assert "€" in said  # offers for this weekend, as before
    assert "Carnaval" not in said


async def test_semana_santa_el_jueves_es_jueves_santo_y_el_grupo_dicho_se_apunta(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    easter = next_easter()
    palm_sunday, holy_thursday = easter - timedelta(days=7), easter - timedelta(days=3)
    guest = Guest(client)
    said = await guest.hears("tenéis habitaciones para semana santa?")
    assert "Semana Santa" in said and f"domingo {palm_sunday.day} de" in said
    assert "€" not in said
    # The party given meanwhile is acknowledged, not met with the same question as if unheard.
    said = await guest.hears("somos 2 adultos")
    assert "Apuntado: 2 adultos." in said and "€" not in said
    # "el jueves" of Holy Week is Holy Thursday, not the Thursday before Palm Sunday.
    said = await guest.hears("llegamos el jueves y nos vamos el domingo")
    assert f"jueves {holy_thursday.day} de" in said and "€" in said
    await guest.hears("la primera")
    await guest.hears("Carmen Ruiz, carmen.ruiz@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "carmen.ruiz@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (holy_thursday, easter)
    assert booking.stay.adults == 2


async def test_the_holy_week_wednesday_is_its_own_and_the_party_is_noted(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    easter = next_easter()
    wednesday, saturday = easter - timedelta(days=4), easter - timedelta(days=1)
    guest = Guest(client)
    said = await guest.hears("hey, do you have anything for holy week?")
    assert "Holy Week" in said and "€" not in said
    said = await guest.hears("there's 3 of us, all adults")
    assert "Noted: 3 adults." in said and "€" not in said
    said = await guest.hears("arriving wednesday, leaving saturday")
    assert f"Wednesday {wednesday.day}" in said and "€" in said
    await guest.hears("the first one")
    await guest.hears("Ann Lee, ann.lee@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "ann.lee@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (wednesday, saturday)
    assert booking.stay.adults == 3
