"""Questions about the rooms offered, asked at the option step, through the web chat in English
and Spanish: "what's the difference between them" is answered from the PMS's own room
descriptions (it was answered with the housekeeping FAQ), then the choice is asked again, and
the room picked next is the one booked.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

import httpx

from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import (
    MONTHS_EN,
    Guest,
    english_range,
    future_stay,
    room_type_id,
    spanish_range,
    the_booking,
)


async def test_whats_the_difference_between_them_describes_each_room_offered(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=41, nights=3)
    await guest.hears(f"a room for me and my wife {english_range(check_in, check_out)}")
    offered = [row["title"] for row in guest.list_rows()]
    assert "Standard Double" in offered and "Mirador Suite" in offered
    said = await guest.hears("whats the difference between them")
    assert "cleaned daily" not in said  # not the housekeeping answer
    assert "A double bed or two singles" in said  # the Standard Double, as the PMS says
    assert "panoramic sea view" in said  # the suite
    assert "Quiet room with a 105 cm bed" not in said  # the single was not offered to two
    assert "full name" not in said  # nothing picked yet
    await guest.hears("ok the suite then")
    await guest.hears("Ann Lee, ann.lee@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "ann.lee@example.com")
    assert booking.room_type_id == await room_type_id(runtime, "Mirador Suite")


async def test_como_es_la_familiar_describe_solo_esa(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=42, nights=2)
    await guest.hears(
        f"hola, una habitación {spanish_range(check_in, check_out)} para 2 adultos y 2 niños"
    )
    said = await guest.hears("¿cómo es la familiar?")
    assert "Dos ambientes" in said  # the family room, as the PMS describes it
    assert "Salón independiente" not in said  # only the room asked about
    assert "nombre y apellidos" not in said  # nothing picked yet
    await guest.hears("vale, esa")
    await guest.hears("Rosa Díaz, rosa.diaz@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "rosa.diaz@example.com")
    assert booking.room_type_id == await room_type_id(runtime, "Habitación Familiar", "es")


async def test_a_room_and_details_given_while_the_dates_are_asked_are_acknowledged(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Seen as a guest: "k. the single pls" and a name got the identical date question back,
    # three times, as if unheard (they were kept, the summary showed them).
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=43, nights=2)
    month = MONTHS_EN[check_in.month - 1]
    asked = await guest.hears(f"hey do u have smth on {month} {check_in.day}? just me")
    said = await guest.hears("k. the single pls")
    assert said.startswith("Noted: the Single Room.") and said != asked
    said = await guest.hears("Marco Rossi marco.rossi@example.it")
    assert "Marco Rossi" in said and "marco.rossi@example.it" in said
    said = await guest.hears("2 nights")
    assert "Single Room" in said and "Marco Rossi" in said  # the summary: nothing asked again
    await guest.hears("yes")
    booking = await the_booking(runtime, "marco.rossi@example.it")
    assert booking.room_type_id == await room_type_id(runtime, "Single Room")
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)


async def test_la_individual_mientras_se_piden_las_fechas_se_apunta(
    client: httpx.AsyncClient,
) -> None:
    guest = Guest(client)
    await guest.hears("hola, quiero reservar para mí solo")
    said = await guest.hears("la individual")
    assert said.startswith("Apuntado: Habitación Individual.")
