"""Ten Spanish-speaking guests who write as people do: typos, no accents, WhatsApp shorthand,
Latin-American Spanish, several answers in one message, changes of mind. Judged by what lands
in the PMS (the simulator). Dialogue logic only: SQLite.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from hotel_agent.pms.port import BookingStatus
from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import (
    MONTHS_ES,
    Guest,
    future_stay,
    room_type_id,
    spanish_range,
    the_booking,
)


async def test_latin_american_family_with_a_little_girl(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=40, nights=3)
    said = await guest.hears(
        f"Hola buenas tardes, quisiera reservar una habitación {spanish_range(check_in, check_out)}"
        ", somos 2 adultos y una nena de 5 años"
    )
    assert "2 adultos y 1 niño" in said
    await guest.hears("la más económica")
    said = await guest.hears("Mi nombre es Camila Fernández y mi correo camila.f@example.com")
    assert "Camila Fernández" in said
    said = await guest.hears("dale, confirmo")
    assert "HS-" in said
    booking = await the_booking(runtime, "camila.f@example.com")
    assert (booking.stay.adults, booking.stay.children) == (2, 1)
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)


async def test_no_accents_and_typos(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=42, nights=2)
    month = MONTHS_ES[check_in.month - 1]
    said = await guest.hears(
        f"qiero reservar una habitacion del {check_in.day} al {check_out.day} de {month}"
        if check_in.month == check_out.month
        else f"qiero reservar una habitacion {spanish_range(check_in, check_out)}"
    )
    said = await guest.hears("2 adultos")
    assert "2 noches" in said
    await guest.hears("la 1")
    said = await guest.hears("jose perez jose.perez@example.com")
    assert "Jose Perez" in said
    await guest.hears("si")
    booking = await the_booking(runtime, "jose.perez@example.com")
    assert booking.guest.name == "Jose Perez" and booking.stay.adults == 2


async def test_whatsapp_shorthand(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=45, nights=2)
    said = await guest.hears(f"hola q tal, 1 hab {spanish_range(check_in, check_out)} xfa")
    assert "personas" in said
    said = await guest.hears("2")
    assert "2 adultos" in said, "a bare number answers how many"
    await guest.hears("la 2")
    await guest.hears("Ana Ruiz ana.ruiz@example.com")
    said = await guest.hears("ok")
    assert "HS-" in said
    booking = await the_booking(runtime, "ana.ruiz@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)


async def test_everything_in_one_message(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=50, nights=2)
    said = await guest.hears(
        f"Buenas! Quiero la suite {spanish_range(check_in, check_out)} para 2 adultos, "
        "a nombre de Lola Flores, lola.flores@example.com"
    )
    assert "¿La confirmo?" in said and "Suite Mirador" in said and "Lola Flores" in said
    await guest.hears("sí")
    booking = await the_booking(runtime, "lola.flores@example.com")
    assert booking.room_type_id == await room_type_id(runtime, "Suite Mirador", "es")


async def test_changes_the_dates_at_the_summary(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=55, nights=2)
    await guest.hears(f"reserva {spanish_range(check_in, check_out)}, 2 adultos")
    await guest.hears("la primera")
    await guest.hears("Pedro Páramo, pedro.paramo@example.com")
    new_in, new_out = check_in + timedelta(days=2), check_out + timedelta(days=2)
    said = await guest.hears(f"uy no, mejor {spanish_range(new_in, new_out)}")
    assert "cambia respecto a la opción que elegiste" in said and "Fechas:" in said
    await guest.hears("sí")
    booking = await the_booking(runtime, "pedro.paramo@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (new_in, new_out)


async def test_changes_the_room_at_the_summary(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=57, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para dos")
    await guest.hears("la primera")
    await guest.hears("Rita Moreno, rita.moreno@example.com")
    said = await guest.hears("pensandolo mejor, la suite")
    assert "Suite Mirador" in said and "¿La confirmo?" in said
    await guest.hears("sí")
    booking = await the_booking(runtime, "rita.moreno@example.com")
    assert booking.room_type_id == await room_type_id(runtime, "Suite Mirador", "es")


async def test_one_more_person_after_choosing(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=58, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
    await guest.hears("la familiar")
    await guest.hears("Julio Cortázar, julio.c@example.com")
    said = await guest.hears("al final vamos 3 adultos")
    assert "3 adultos" in said
    if "¿La confirmo?" not in said:
        said = await guest.hears("la familiar")
    await guest.hears("sí")
    booking = await the_booking(runtime, "julio.c@example.com")
    assert booking.stay.adults == 3


async def test_cancels_a_reservacion(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=60, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
    await guest.hears("la primera")
    await guest.hears("Frida Kahlo, frida@example.com")
    await guest.hears("sí")
    said = await guest.hears("oiga, necesito cancelar mi reservación")
    assert "Política de cancelación" in said
    said = await guest.hears("sí, cancélala")
    booking = await the_booking(runtime, "frida@example.com")
    assert booking.status is BookingStatus.CANCELLED and booking.reference in said


async def test_moves_the_dates_of_a_booking(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=62, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
    await guest.hears("la primera")
    await guest.hears("Diego Rivera, diego@example.com")
    await guest.hears("sí")
    new_in, new_out = check_in + timedelta(days=7), check_out + timedelta(days=8)
    said = await guest.hears("me podrian cambiar la fecha de mi reserva?")
    said = await guest.hears(spanish_range(new_in, new_out))
    assert "¿Confirmo el cambio?" in said
    await guest.hears("dale")
    booking = await the_booking(runtime, "diego@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (new_in, new_out)


async def test_asks_about_parking_in_the_middle(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=64, nights=2)
    await guest.hears(f"quisiera reservar {spanish_range(check_in, check_out)} para 2 personas")
    said = await guest.hears("tienen estacionamiento?")
    assert "parking" in said.lower() and "Sigamos con tu reserva" in said
    await guest.hears("la primera")
    await guest.hears("Mario Bros, mario@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "mario@example.com")
    assert booking.stay.adults == 2
