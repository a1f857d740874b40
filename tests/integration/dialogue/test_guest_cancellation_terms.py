"""A guest who cancels is told which side of the free-cancellation deadline they are on and what
a late cancellation costs, from the hotel's terms (knowledge file `cancellation`) and the PMS's
check-in time — not only the policy's wording, which left the sum to the guest: a guest two
days from arrival read "free up to 48 hours before" and cancelled believing it was free.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from hotel_agent.pms.port import BookingStatus
from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import (
    Guest,
    english_range,
    future_stay,
    hotel_today,
    spanish_range,
    the_booking,
)


async def test_cancelling_a_month_ahead_is_said_to_be_free_until_the_deadline(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    check_in, check_out = future_stay(days_ahead=30, nights=2)
    guest = Guest(client)
    await guest.hears(f"hi, a room {english_range(check_in, check_out)} for 2 adults")
    await guest.hears("1")
    await guest.hears("Early Bird, early.bird@example.com")
    await guest.hears("yes")
    said = await guest.hears("I need to cancel my booking")
    deadline = check_in - timedelta(days=2)
    assert "Cancelling now is free of charge" in said
    assert f"free until {deadline.strftime('%A')} {deadline.day}" in said and "15:00" in said
    await guest.hears("yes")
    booking = await the_booking(runtime, "early.bird@example.com")
    assert booking.status is BookingStatus.CANCELLED


async def test_cancelar_la_vispera_dice_que_se_cobra_la_primera_noche(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    check_in = hotel_today() + timedelta(days=1)
    check_out = check_in + timedelta(days=2)
    guest = Guest(client)
    await guest.hears(f"hola, una habitación {spanish_range(check_in, check_out)} para 2 adultos")
    await guest.hears("1")
    await guest.hears("Tardía Pérez, tardia@example.com")
    await guest.hears("sí")
    said = await guest.hears("quiero cancelar la reserva")
    assert "La cancelación gratuita terminó el" in said
    # The demo hotel's charge is one night (late_charge_nights: 1): its sum is said too.
    night = (await the_booking(runtime, "tardia@example.com")).total_price / 2
    sum_said = f"{night:.2f}".replace(".", ",") + "\u00a0€"  # no break before the sign
    assert f"si cancelas ahora, se cobra la primera noche ({sum_said})" in said
    # Told before, the guest may still keep it.
    said = await guest.hears("no, entonces la mantengo")
    booking = await the_booking(runtime, "tardia@example.com")
    assert booking.status is BookingStatus.CONFIRMED and booking.reference in said


async def test_una_huesped_con_reserva_pregunta_por_su_perro_y_el_coste_y_cancela(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """The question beside the booking reference is answered with the booking; "y cuánto me
    costaría cancelar?" is the policy (it started a new booking); "cancélala" cancels hers."""
    check_in, check_out = future_stay(days_ahead=40, nights=2)
    booker = Guest(client)
    await booker.hears(f"hola, una habitación {spanish_range(check_in, check_out)} para 2 adultos")
    await booker.hears("1")
    await booker.hears("Laura Ortiz, laura.ortiz@example.com")
    await booker.hears("sí")
    reference = (await the_booking(runtime, "laura.ortiz@example.com")).reference

    guest = Guest(client)  # another day, another chat
    said = await guest.hears(
        f"buenas tardes, tengo una reserva {reference} a nombre de laura.ortiz@example.com y"
        " quisiera saber si puedo llevar a mi perro"
    )
    assert "perros" in said and reference in said
    said = await guest.hears("y cuanto me costaria cancelar?")
    assert "48 horas" in said and "fechas" not in said  # the policy, no new booking
    said = await guest.hears("ok cancelala entonces")
    assert reference in said and "Si cancelas ahora, no tiene coste" in said
    await guest.hears("si")
    booking = await the_booking(runtime, "laura.ortiz@example.com")
    assert booking.status is BookingStatus.CANCELLED
