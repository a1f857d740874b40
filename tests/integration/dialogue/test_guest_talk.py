"""Regressions of issue 8 (conversations real guests cannot break), each through the web chat in
English and Spanish, judged by what the agent says and what lands in the PMS: girls and boys
who are children, a question beside the choice of room, a name at the option step, new dates
at the option step, and arriving a day earlier (or leaving a day later).

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import (
    MONTHS_EN,
    MONTHS_ES,
    Guest,
    english_range,
    future_stay,
    room_type_id,
    spanish_range,
    the_booking,
)

# --- 1. girls and boys who are the guests' children are children ------------------------


async def test_our_two_girls_are_two_children(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=31, nights=2)
    said = await guest.hears(
        f"Hi! A room {english_range(check_in, check_out)} for me, my husband and our two "
        "girls (8 and 11)"
    )
    assert "2 adults and 2 children" in said and "€" in said
    await guest.hears("the family room")
    await guest.hears("Kate Moss, kate.moss@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "kate.moss@example.com")
    assert (booking.stay.adults, booking.stay.children) == (2, 2)


async def test_nuestras_dos_ninas_son_dos_ninas_y_dos_chicas_dos_adultas(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=32, nights=2)
    said = await guest.hears(
        f"Hola, una habitación {spanish_range(check_in, check_out)} para mi marido, yo y "
        "las niñas de 8 y 11"
    )
    assert "2 adultos y 2 niños" in said and "€" in said
    await guest.hears("la familiar")
    await guest.hears("Lola Flores, lola.flores@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "lola.flores@example.com")
    assert (booking.stay.adults, booking.stay.children) == (2, 2)

    other = Guest(client)
    said = await other.hears(
        f"hola, somos dos chicas, queremos una habitación {spanish_range(check_in, check_out)}"
    )
    assert "2 adultos," in said and "niño" not in said


# --- 2. a question beside the choice of room is answered --------------------------------


async def test_a_price_and_breakfast_asked_at_the_offers_are_answered(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=33, nights=2)
    said = await guest.hears(
        f"a room {english_range(check_in, check_out)} for 2 adults and 2 children aged 8 and 11"
    )
    family_total = next(
        row["description"].split("·")[-1].split()[0]
        for row in guest.list_rows()
        if row["title"] == "Family Room"
    )
    said = await guest.hears("how much is the family one in total? and is breakfast included?")
    assert family_total in said and "in total" in said  # the price asked for
    assert "Breakfast" in said  # the hotel's answer about breakfast
    assert "full name" not in said  # nothing was picked: the choice is asked again
    await guest.hears("the family room")
    await guest.hears("Ray Dalio, ray.dalio@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "ray.dalio@example.com")
    assert booking.room_type_id == await room_type_id(runtime, "Family Room")


async def test_la_familiar_y_una_pregunta_responde_y_sigue_con_la_familiar(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=34, nights=2)
    await guest.hears(
        f"una habitación {spanish_range(check_in, check_out)} para 2 adultos y 2 niños de 8 y 11"
    )
    said = await guest.hears("la familiar, ¿hay cama supletoria?")
    assert "supletoria" in said  # the hotel's answer
    assert "Habitación Familiar" in said and "nombre" in said  # the pick kept
    await guest.hears("Pau Gasol, pau.gasol@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "pau.gasol@example.com")
    assert booking.room_type_id == await room_type_id(runtime, "Habitación Familiar", "es")


# --- 3. a name at the option step is a name, never a handoff ----------------------------


async def test_me_llamo_at_the_offers_is_a_name_not_a_call(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=35, nights=2)
    await guest.hears(f"quiero una habitación {spanish_range(check_in, check_out)} para 2 adultos")
    said = await guest.hears("me llamo Ana López")
    assert "Ana López" in said and "compañero" not in said
    said = await guest.hears("la primera")
    # Only the e-mail is missing (the privacy notice said first names the data it covers).
    asked = said.split("\n")[-1]
    assert "correo" in asked and "nombre" not in asked
    said = await guest.hears("ana.lopez@example.com")
    assert "Ana López" in said
    await guest.hears("sí")
    booking = await the_booking(runtime, "ana.lopez@example.com")
    assert booking.guest.name == "Ana López"


async def test_my_name_is_at_the_offers_is_kept(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=36, nights=2)
    await guest.hears(f"I want a room {english_range(check_in, check_out)} for 2 adults")
    said = await guest.hears("my name is Tom Hanks")
    assert "Tom Hanks" in said and "colleague" not in said
    said = await guest.hears("the first one")
    assert "e-mail" in said and "full name" not in said
    await guest.hears("tom.hanks@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "tom.hanks@example.com")
    assert booking.guest.name == "Tom Hanks"


# --- 4. new dates at the option step are a new search, never a pick ---------------------


def same_month_stay(days_ahead: int, nights: int = 3) -> tuple[date, date]:
    """A stay that starts and ends in one month, so that it is said short ("del 21 al 24 de
    abril"): short enough to have been read as "mejor" = the dearest option."""
    while True:
        check_in, check_out = future_stay(days_ahead, nights)
        if check_in.month == check_out.month:
            return check_in, check_out
        days_ahead += 1


async def test_mejor_otras_fechas_busca_de_nuevo(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    first_in, first_out = future_stay(days_ahead=37, nights=2)
    check_in, check_out = same_month_stay(47)
    await guest.hears(f"quiero una habitación {spanish_range(first_in, first_out)} para 2 adultos")
    month = MONTHS_ES[check_in.month - 1]
    said = await guest.hears(f"mejor del {check_in.day} al {check_out.day} de {month}")
    assert "3 noches" in said and "¿Cuál prefieres?" in said  # new offers, nothing picked
    await guest.hears("la primera")
    await guest.hears("Rosa Díaz, rosa.diaz@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "rosa.diaz@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)
    assert booking.room_type_id == await room_type_id(runtime, "Doble Estándar", "es")


async def test_best_other_dates_search_again(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    first_in, first_out = future_stay(days_ahead=38, nights=2)
    check_in, check_out = same_month_stay(48)
    await guest.hears(f"I want a room {english_range(first_in, first_out)} for 2 adults")
    month = MONTHS_EN[check_in.month - 1]
    said = await guest.hears(f"best {check_in.day} to {check_out.day} {month}")
    assert "3 nights" in said and "Which one would you like?" in said
    await guest.hears("the first one")
    await guest.hears("Amy Adams, amy.adams@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "amy.adams@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)
    assert booking.room_type_id == await room_type_id(runtime, "Standard Double")


# --- 5. a day earlier moves the arrival only; a day later the departure only ------------


async def test_llegar_un_dia_antes_mueve_solo_la_entrada(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=39, nights=2)
    await guest.hears(f"quiero una habitación {spanish_range(check_in, check_out)} para 2 adultos")
    await guest.hears("la primera")
    await guest.hears("Eva Luna, eva.luna@example.com")
    said = await guest.hears("¿podemos llegar un día antes?")
    assert "3 noches" in said and "→" in said  # the summary restates the change
    await guest.hears("sí")
    booking = await the_booking(runtime, "eva.luna@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (
        check_in - timedelta(days=1),
        check_out,
    )


async def test_a_day_earlier_and_later_change_one_end_of_a_booking(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=40, nights=2)
    await guest.hears(f"I want a room {english_range(check_in, check_out)} for 2 adults")
    await guest.hears("the first one")
    await guest.hears("Jim Hall, jim.hall@example.com")
    await guest.hears("yes")

    said = await guest.hears("can we arrive a day earlier?")
    assert "3 nights" in said and "Before" in said  # the change, as a change
    await guest.hears("yes")
    booking = await the_booking(runtime, "jim.hall@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (
        check_in - timedelta(days=1),
        check_out,
    )

    await guest.hears("I'd like to change my booking")
    said = await guest.hears("can we leave a day later?")
    assert "4 nights" in said
    await guest.hears("yes")
    booking = await the_booking(runtime, "jim.hall@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (
        check_in - timedelta(days=1),
        check_out + timedelta(days=1),
    )
