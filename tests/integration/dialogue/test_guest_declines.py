"""A guest who turns the offers down, or says "confirmo" to a question it does not answer.

"esta caro, mejor no" at the room options got the same list again (the guest could only leave);
"confirmo" while the party was asked started "find your booking"; "el jueves que viene" said on
a Sunday was the Thursday a week later. Each through the web chat, judged by the PMS.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import (
    Guest,
    english_range,
    future_stay,
    spanish_range,
    the_booking,
)


async def test_esta_caro_mejor_no_no_repite_la_lista_y_otras_fechas_guardan_el_grupo(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    check_in, check_out = future_stay(days_ahead=45, nights=2)
    guest = Guest(client)
    said = await guest.hears(
        f"hola, tienen habitación {spanish_range(check_in, check_out)} para 2 adultos y un niño"
        " de 5?"
    )
    assert "2 adultos y 1 niño" in said
    said = await guest.hears("esta caro, mejor no")
    assert "no te reservo nada" in said and "€" not in said
    assert guest.list_rows() == []  # the list is not shown again
    # Other days of the same month, said bare: read beside the stay turned down, same party.
    later_in, later_out = check_in + timedelta(days=7), check_out + timedelta(days=7)
    said = await guest.hears(f"y del {later_in.day} al {later_out.day}?")
    assert "2 adultos y 1 niño" in said and f" {later_in.day} de" in said
    await guest.hears("la primera")
    await guest.hears("Rosa Prieto, rosa.prieto@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "rosa.prieto@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (later_in, later_out)
    assert (booking.stay.adults, booking.stay.children) == (2, 1)


async def test_too_pricey_no_thanks_then_a_question_then_other_dates(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    check_in, check_out = future_stay(days_ahead=50, nights=2)
    guest = Guest(client)
    await guest.hears(f"room {english_range(check_in, check_out)} for 2?")
    said = await guest.hears("too pricey, no thanks")
    assert "won't book anything" in said and "€" not in said
    said = await guest.hears("is there parking?")
    assert "car park" in said and "book" not in said.split("car park")[0]
    later_in, later_out = check_in + timedelta(days=10), check_out + timedelta(days=10)
    said = await guest.hears(f"ok what about {english_range(later_in, later_out)}")
    assert ("For 2 adults" in said and "€" in said) or guest.list_rows()


async def test_no_the_second_one_is_still_a_pick(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    check_in, check_out = future_stay(days_ahead=55, nights=2)
    guest = Guest(client)
    await guest.hears(f"room {english_range(check_in, check_out)} for 2?")
    said = await guest.hears("no, the second one")
    assert "full name and an e-mail" in said


async def test_confirmo_mientras_se_pregunta_el_grupo_pregunta_el_grupo_otra_vez(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    check_in, check_out = future_stay(days_ahead=60, nights=2)
    guest = Guest(client)
    said = await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)}")
    assert "¿Cuántas personas" in said
    said = await guest.hears("confirmo")
    assert "¿Cuántas personas" in said and "referencia" not in said and "fechas" not in said
    said = await guest.hears("2 adultos")
    assert "2 adultos" in said
    said = await guest.hears("confirmed")  # at the options: not "find your booking" either
    assert "referencia" not in said


async def test_a_party_as_the_first_message_asks_the_dates_not_a_booking_reference(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """ "3 adults + 1 child" opening a chat was read as a change of a booking (the classifier)
    and the guest was asked for a booking reference they never had."""
    check_in, check_out = future_stay(days_ahead=64, nights=2)
    guest = Guest(client)
    said = await guest.hears("3 adults + 1 child")
    assert "reference" not in said and "dates" in said
    said = await guest.hears(english_range(check_in, check_out))
    assert "3 adults and 1 child" in said
    said = await Guest(client).hears("1 adulto y 1 niño")
    assert "referencia" not in said and "fechas" in said
