"""How many guests and rooms a guest says, and the guest's name, read through the web chat in
English and Spanish (issue 8): "para 2 del 4 de febrero" is two guests, "my wife, me and 3
friends" five, "dos pequeñas habitaciones" two rooms, "una para tres y otra para dos" two rooms
for five, and "Vale Rodríguez" at the name question a name, not "ok".

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

import httpx

from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import (
    MONTHS_ES,
    Guest,
    book_the_first,
    english_range,
    future_stay,
    spanish_range,
    the_booking,
)

# --- the party said beside the dates --------------------------------------------------------


async def test_una_noche_para_2_del_dia_son_dos_personas_y_ese_dia(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Seen as a guest: the 2 was not read as the party and the party was asked again.
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=50, nights=1)
    await guest.hears("hola, quiero reservar")
    month = MONTHS_ES[check_in.month - 1]
    said = await guest.hears(f"una noche para 2 del {check_in.day} de {month}")
    assert "Para 2 adultos" in said and "(1 noche)" in said
    assert f" {check_in.day} de {month}" in said
    assert "Cuántas personas" not in said
    booking = await book_the_first(guest, runtime, "julia.ortega@example.com", "es")
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)
    assert (booking.stay.adults, booking.stay.children) == (2, 0)


# --- relatives, friends and the speaker -----------------------------------------------------


async def test_my_wife_me_and_3_friends_are_five(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Seen as a guest: four were looked for, one short.
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=51, nights=2)
    await guest.hears(f"I'd like to book {english_range(check_in, check_out)}")
    said = await guest.hears("my wife, me and 3 friends")
    assert "5 guests" in said and "2 rooms" in said  # no single room holds five
    said = await guest.hears("2 rooms")
    assert "5 adults in 2 rooms" in said
    booking = await book_the_first(guest, runtime, "owen.hart@example.com", "en")
    assert (booking.stay.adults, booking.stay.children, booking.stay.rooms) == (5, 0, 2)


async def test_mi_mujer_yo_y_3_amigos_son_cinco(client: httpx.AsyncClient) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=52, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)}")
    said = await guest.hears("mi mujer, yo y 3 amigos")
    assert "5 personas" in said and "2 habitaciones" in said
    said = await guest.hears("2")
    assert "5 adultos en 2 habitaciones" in said


async def test_relatives_beside_friends_without_the_speaker_are_asked_not_guessed(
    client: httpx.AsyncClient,
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=53, nights=2)
    await guest.hears(f"I'd like to book {english_range(check_in, check_out)}")
    said = await guest.hears("my wife and 3 friends")
    assert "how many adults" in said and "4 guests" not in said  # four or five: asked
    said = await guest.hears("we are 5 adults")
    assert "5 guests" in said


async def test_me_and_my_2_kids_is_one_adult_and_two_children(client: httpx.AsyncClient) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=54, nights=2)
    await guest.hears(f"I'd like a room {english_range(check_in, check_out)}")
    said = await guest.hears("me and my 2 kids")
    assert "For 1 adult and 2 children" in said


async def test_nosotros_dos_y_nuestra_hija_son_dos_adultos_y_una_nina(
    client: httpx.AsyncClient,
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=55, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)}")
    said = await guest.hears("nosotros dos y nuestra hija")
    assert "Para 2 adultos y 1 niño" in said


# --- rooms counted with words between the count and "rooms" --------------------------------


async def test_dos_pequenas_habitaciones_son_dos_habitaciones(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Seen as a guest: "dos pequeñas habitaciones" gave no rooms, the question came again.
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=56, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 4 adultos")
    said = await guest.hears("dos pequeñas habitaciones")
    assert "4 adultos en 2 habitaciones" in said and "Cuántas habitaciones" not in said
    booking = await book_the_first(guest, runtime, "nuria.gil@example.com", "es")
    assert (booking.stay.adults, booking.stay.rooms) == (4, 2)


async def test_two_small_rooms_are_two_rooms(client: httpx.AsyncClient) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=57, nights=2)
    await guest.hears(f"hi, 4 adults {english_range(check_in, check_out)}")
    said = await guest.hears("two small rooms")
    assert "4 adults in 2 rooms" in said and "How many rooms" not in said


async def test_una_para_tres_y_otra_para_dos_son_dos_habitaciones_para_cinco(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Seen as a guest: rooms for 2 adults were offered, the first room's three forgotten.
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=58, nights=2)
    said = await guest.hears(
        f"hola, {spanish_range(check_in, check_out)}, una habitación para tres personas"
        " y otra para dos"
    )
    assert "5 adultos en 2 habitaciones" in said
    booking = await book_the_first(guest, runtime, "pablo.ruiz@example.com", "es")
    assert (booking.stay.adults, booking.stay.rooms) == (5, 2)


# --- "Vale" is a name when the name is asked and a surname or her e-mail follows -----------


async def test_vale_rodriguez_con_su_correo_es_su_nombre(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Seen as a guest: "Vale" was read as "ok" and the name was asked again.
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=59, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
    await guest.hears("1")
    said = await guest.hears("Vale Rodríguez, vale@example.com")
    assert "A nombre de Vale Rodríguez (vale@example.com)" in said
    await guest.hears("sí")
    booking = await the_booking(runtime, "vale@example.com")
    assert booking.guest.name == "Vale Rodríguez"


async def test_vale_rodriguez_solo_es_su_nombre_y_vale_solo_es_de_acuerdo(
    client: httpx.AsyncClient,
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=60, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
    await guest.hears("1")
    said = await guest.hears("vale")
    assert "Vale" not in said  # "ok": no name taken
    said = await guest.hears("Vale Rodríguez")
    assert "correo" in said and "nombre" not in said  # the name kept, the e-mail asked
    said = await guest.hears("vale.rodriguez@example.com")
    assert "A nombre de Vale Rodríguez (vale.rodriguez@example.com)" in said
