"""Special requests said while booking ("we're coming by car", "can we add breakfast?",
"necesitamos una cuna") reach the hotel: acknowledged, listed in the summary before "yes", and
stored with the booking in the PMS as its notes, with the guest's own words. The hotel's own
answers invite them ("tell us when you book that you're coming by car and we'll note it");
before, the agent noted nothing. A question about the hotel ("do you have parking?") is no
request.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

import httpx
from sqlalchemy import select

from hotel_agent.db.models.pms_simulator import SimBooking
from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import (
    Guest,
    english_range,
    future_stay,
    spanish_range,
    the_booking,
)


async def notes_in_the_pms(runtime: Runtime, reference: str) -> str | None:
    async with runtime.sessions() as session:
        return await session.scalar(
            select(SimBooking.notes).where(SimBooking.reference == reference)
        )


async def test_a_car_and_breakfast_asked_while_booking_reach_the_hotel(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    check_in, check_out = future_stay(days_ahead=33, nights=3)
    guest = Guest(client)
    said = await guest.hears(
        f"Hello, a room {english_range(check_in, check_out)} for two adults, we are coming by car"
    )
    assert "Noted for the hotel: a parking space." in said
    await guest.hears("the first one")
    said = await guest.hears("Priya Patel, priya.patel@example.com")
    assert "Passed on to the hotel, to confirm on arrival: a parking space" in said
    said = await guest.hears("Actually, can we add breakfast?")
    assert "a parking space and breakfast" in said  # the summary again, with both
    await guest.hears("yes please")
    booking = await the_booking(runtime, "priya.patel@example.com")
    notes = await notes_in_the_pms(runtime, booking.reference)
    assert notes is not None
    assert "«Actually, can we add breakfast?»" in notes and "we are coming by car»" in notes


async def test_una_cuna_y_llegada_tarde_se_apuntan_y_una_pregunta_no(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    check_in, check_out = future_stay(days_ahead=36, nights=2)
    guest = Guest(client)
    said = await guest.hears(
        f"hola, ¿tenéis parking? querríamos una habitación {spanish_range(check_in, check_out)}"
        ", somos 2 adultos y un bebé"
    )
    assert "Apuntado para el hotel" not in said  # asking about parking requests nothing
    said = await guest.hears("necesitamos una cuna para el bebé, y llegaremos tarde, sobre las 23h")
    assert "Apuntado para el hotel: una cuna y llegada tarde." in said
    await guest.hears("la primera")
    said = await guest.hears("Lola Vidal, lola.vidal@example.com")
    assert "que te lo confirma a la llegada: una cuna y llegada tarde" in said
    assert "aparcamiento" not in said
    await guest.hears("sí")
    booking = await the_booking(runtime, "lola.vidal@example.com")
    notes = await notes_in_the_pms(runtime, booking.reference)
    assert notes is not None and "una cuna y llegada tarde" in notes
    assert "sobre las 23h" in notes
