"""Regressions of issue 8, each through the web chat (English and Spanish): option picks that
are never dates, misses at the option step, summaries that never change silently, true
reasons, names beside contact details, several questions in one message, no promised e-mail,
and rooms for a bigger party booked as one booking.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest

from hotel_agent.dialogue.responses import Say
from hotel_agent.pms.port import Booking, BookingStatus, Offer, RoomLine
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL
from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import (
    MONTHS_EN,
    MONTHS_ES,
    Guest,
    english_range,
    future_stay,
    hotel_today,
    spanish_range,
    the_booking,
)
from tests.integration.dialogue.test_bad_input import EngineChat, chat_to_the_summary
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


def next_january(day: int) -> date:
    today = hotel_today()
    this_year = date(today.year, 1, day)
    return this_year if this_year > today else date(today.year + 1, 1, day)


# --- 1. an answer to the options is never a date -------------------------------------------


async def test_the_first_one_books_the_dates_offered_not_the_first_of_the_month(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = next_january(13), next_january(15)
    said = await guest.hears("Hi, I'd like a room from 13 to 15 January for 2 adults")
    assert "2 nights" in said
    first = guest.list_rows()[0]["id"].removeprefix("offer:")

    said = await guest.hears("the first one")
    assert "full name" in said and "complaint" not in said.lower()
    said = await guest.hears("Tom Baker, tom.baker@example.com")
    assert "Tuesday 1 " not in said and "2 nights" in said
    assert str(check_in.day) in said and str(check_out.day) in said
    await guest.hears("yes")

    booking = await the_booking(runtime, "tom.baker@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)
    assert booking.room_type_id == first


async def test_la_primera_reserva_las_fechas_ofrecidas(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = next_january(13), next_january(15)
    await guest.hears("Hola, quiero una habitación del 13 al 15 de enero para 2 adultos")
    said = await guest.hears("la primera")
    assert "nombre" in said
    said = await guest.hears("Sara Baras, sara.baras@example.com")
    assert "2 noches" in said
    await guest.hears("sí")
    booking = await the_booking(runtime, "sara.baras@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)


@pytest.mark.parametrize(
    ("pick", "index"),
    [("la de arriba", 0), ("opción 2", 1), ("la segunda porfa", 1), ("la última", -1)],
)
async def test_spanish_picks_are_answers_never_dates_or_complaints(
    client: httpx.AsyncClient, runtime: Runtime, pick: str, index: int
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=41, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
    wanted = guest.list_rows()[index]["id"].removeprefix("offer:")

    said = await guest.hears(pick)
    assert "nombre" in said and "recepción" not in said
    await guest.hears(f"Eva Soler, eva.{index}@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, f"eva.{index}@example.com")
    assert booking.room_type_id == wanted
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)


async def test_a_room_not_on_offer_is_said_so_and_the_choice_stays_pending(
    client: httpx.AsyncClient,
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=44, nights=2)
    # Four adults in one room: only the family room takes them, not the suite.
    await guest.hears(f"a room {english_range(check_in, check_out)} for 3 adults and 1 child")
    said = await guest.hears("the suite")
    assert "isn't available" in said and "Shall I book the Family Room" in said
    assert "reference" not in said, "not read as a change of an existing booking"
    said = await guest.hears("yes")
    assert "full name" in said


# --- 2. something else at the option step ------------------------------------------------


async def test_details_before_choosing_are_kept_and_the_choice_asked_in_other_words(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=47, nights=2)
    listing = await guest.hears(f"I want to book {english_range(check_in, check_out)} for 2 adults")
    said = await guest.hears("Kate Bush, kate.bush@example.com")
    assert "Noted" in said and "Kate Bush" in said and "kate.bush@example.com" in said
    assert "Which room shall I book" in said and said not in listing

    # Details are kept, and still a miss (a new detail at every prompt must not loop for
    # ever): at the second, reception is offered.
    again = await guest.hears("my mobile is +44 7700 900123")
    assert "Noted" in again and "+447700900123" in again
    assert again != said and "reception" in again

    said = await guest.hears("2")
    assert "Here's your booking" in said and "Kate Bush" in said, "nothing asked twice"
    await guest.hears("yes")
    booking = await the_booking(runtime, "kate.bush@example.com")
    assert (booking.guest.name, booking.guest.phone) == ("Kate Bush", "+447700900123")


async def test_spanish_details_before_choosing_are_kept(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=48, nights=3)
    await guest.hears(f"reserva {spanish_range(check_in, check_out)} 2 adultos")
    said = await guest.hears("Lucía Prieto, lucia.prieto@example.com")
    assert "Apuntado" in said and "Lucía Prieto" in said and "¿Qué habitación te reservo" in said
    said = await guest.hears("la más barata")
    assert "¿La confirmo?" in said
    await guest.hears("sí")
    assert (await the_booking(runtime, "lucia.prieto@example.com")).stay.adults == 2


async def test_a_third_miss_at_the_option_step_hands_over(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=49, nights=2)
    await guest.hears(f"reserva {spanish_range(check_in, check_out)} 2 adultos")
    replies = [
        await guest.hears("Gema Ruiz, gema@example.com"),  # kept, and a miss
        await guest.hears("Gema Ruiz, gema@example.com"),  # nothing new: a miss
        await guest.hears("mi correo es gema@example.com"),
    ]
    assert len(set(replies)) == 3, "never the same question twice"
    assert "recepción" not in replies[0] and "recepción" in replies[1]
    assert "Te paso con un compañero" in replies[2]
    assert await guest.says("la primera", wait=1.5) == [], "staff own the conversation now"
    assert await runtime.pms.find_bookings(email="gema@example.com") == []


# --- 3. a summary never changes silently ---------------------------------------------------


async def test_a_summary_restates_what_changed_since_the_offer_was_picked(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=52, nights=2)
    await guest.hears(f"I'd like to book {english_range(check_in, check_out)} for 2 adults")
    await guest.hears("the first one")
    said = await guest.hears("Rosa Parks, rosa.parks@example.com")
    assert "differs" not in said, "as picked: nothing to restate"

    later_out = check_out + timedelta(days=1)
    said = await guest.hears(f"actually {english_range(check_in, later_out)}")
    assert "differs from the option you chose" in said and "Dates:" in said
    assert "now from" in said and "(3 nights)" in said and "Total:" in said
    await guest.hears("yes")
    booking = await the_booking(runtime, "rosa.parks@example.com")
    assert booking.stay.check_out == later_out


async def test_a_party_too_big_for_the_room_is_told_as_too_small_and_restated(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=53, nights=2)
    await guest.hears(f"I'd like to book {english_range(check_in, check_out)} for 2 adults")
    rows = guest.list_rows()
    double = next(r for r in rows if r["title"] == "Standard Double")
    await guest.hears("", choice_id=double["id"])
    await guest.hears("Ann Lee, ann.lee@example.com")

    said = await guest.hears("actually we're 3 adults")
    assert "too small for 3 adults" in said and "no longer available" not in said
    said = await guest.hears("the family room")
    assert "3 adults" in said and "differs" not in said, "picked from the list for 3 adults"
    await guest.hears("yes")
    booking = await the_booking(runtime, "ann.lee@example.com")
    assert booking.stay.adults == 3


async def test_una_habitacion_pequena_se_dice_pequena(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=53, nights=2)
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
    double = next(r for r in guest.list_rows() if r["title"] == "Doble Estándar")
    await guest.hears("", choice_id=double["id"])
    await guest.hears("Ana Belén, ana.belen@example.com")
    said = await guest.hears("al final somos 3 adultos")
    assert "se queda pequeña para 3 adultos" in said and "ya no está disponible" not in said


# --- 5. and 6. the party -------------------------------------------------------------------


async def test_dos_personas_answers_how_many_and_never_hands_over(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=54, nights=2)
    said = await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)}")
    assert "personas" in said
    said = await guest.hears("2 personas")
    assert "recepción" not in said and "2 adultos" in said and guest.list_rows()


async def test_seriamos_dos_with_the_question_is_not_asked_again(
    client: httpx.AsyncClient,
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=55, nights=2)
    said = await guest.hears(f"¿Tenéis la suite {spanish_range(check_in, check_out)}? Seríamos dos")
    assert "¿Cuántas personas" not in said and "nombre" in said
    said = await guest.hears("Sol Ortiz, sol.ortiz@example.com")
    assert "Suite Mirador" in said and "2 adultos" in said


async def test_two_people_answers_how_many_in_english(client: httpx.AsyncClient) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=54, nights=2)
    await guest.hears(f"book a room {english_range(check_in, check_out)}")
    said = await guest.hears("2 people")
    assert "reception" not in said and "2 adults" in said


async def test_a_party_read_as_one_among_company_is_asked_not_guessed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=56, nights=2)
    said = await guest.hears(
        f"quiero reservar {spanish_range(check_in, check_out)} para mí y mi mujer"
    )
    assert "1 adulto" not in said
    if "2 adultos" not in said:  # the understanding was not sure: asked
        assert "cuántos adultos" in said
        said = await guest.hears("2 adultos")
    assert "2 adultos" in said


async def test_me_and_my_husband_is_not_one_adult(client: httpx.AsyncClient) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=56, nights=2)
    said = await guest.hears(f"a room {english_range(check_in, check_out)} for me and my husband")
    assert "1 adult" not in said


async def test_a_child_spoken_of_is_never_dropped(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=58, nights=2)
    said = await guest.hears(
        f"room {english_range(check_in, check_out)} for 2 adults and a 5-year-old"
    )
    if "1 child" not in said:  # the understanding missed the child: asked, not dropped
        assert "how many children" in said and "€" not in said
        said = await guest.hears("2 adults and 1 child")
    assert "2 adults and 1 child" in said
    await guest.hears("1")
    await guest.hears("Mia Wong, mia.wong@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "mia.wong@example.com")
    assert (booking.stay.adults, booking.stay.children) == (2, 1)


@pytest.mark.parametrize(
    ("said_party", "email", "summary"),
    [
        ("somos mi pareja y yo con el peque de 4 años", "lucia.paz@example.com", "2 adultos y 1"),
        ("mi mujer y nuestro hijo de 7", "jorge.gil@example.com", "2 adultos y 1"),
    ],
)
async def test_una_pareja_con_su_peque_son_dos_adultos_y_un_nino(
    client: httpx.AsyncClient, runtime: Runtime, said_party: str, email: str, summary: str
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=60, nights=2)
    said = await guest.hears(f"hola, una habitación {spanish_range(check_in, check_out)}")
    said = await guest.hears(said_party)
    assert summary in said and "€" in said  # offers for the whole family, no question first
    await guest.hears("la familiar")
    name = email.split("@")[0].replace(".", " ").title()
    await guest.hears(f"{name}, {email}")
    await guest.hears("sí")
    booking = await the_booking(runtime, email)
    assert (booking.stay.adults, booking.stay.children) == (2, 1)


async def test_my_wife_and_our_little_one_are_two_adults_and_a_child(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=61, nights=2)
    said = await guest.hears(
        f"a room {english_range(check_in, check_out)} for my wife and I with the baby"
    )
    assert "2 adults and 1 child" in said
    await guest.hears("the family room")
    await guest.hears("Omar Haddad, omar.haddad@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "omar.haddad@example.com")
    assert (booking.stay.adults, booking.stay.children) == (2, 1)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("hi, a room for 2 adults, 3 nights, leaving on {day} {month_en}", "A stay from "),
        ("hola, habitación para 2, salimos el {day} de {month_es}, 3 noches", "Una estancia del "),
    ],
)
async def test_a_stay_worked_out_into_the_past_is_shown_not_just_refused(
    client: httpx.AsyncClient, message: str, expected: str
) -> None:
    tomorrow = hotel_today() + timedelta(days=1)
    month_en, month_es = MONTHS_EN[tomorrow.month - 1], MONTHS_ES[tomorrow.month - 1]
    said = await Guest(client).hears(
        message.format(day=tomorrow.day, month_en=month_en, month_es=month_es)
    )
    # The guest gave a departure, not an arrival: the reply shows the arrival it worked out.
    assert expected in said and "€" not in said
    arrival = tomorrow - timedelta(days=3)
    assert f" {arrival.day} " in said and "(3 " in said


async def test_a_room_named_later_does_not_undo_two_rooms(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=64, nights=2)
    await guest.hears(f"hi, I need 2 rooms {english_range(check_in, check_out)}")
    said = await guest.hears("we are 4 adults, a room with sea view if possible")
    assert "room for 4 guests together" not in said
    said = await guest.hears("Al Green, al.green@example.com")
    assert "4 adults in 2 rooms" in said and "Shall I confirm" in said  # still English
    await guest.hears("yes")
    booking = await the_booking(runtime, "al.green@example.com")
    assert (booking.stay.adults, booking.stay.rooms) == (4, 2)


async def test_the_weekend_of_named_days_is_booked_not_this_weekend(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Said on any day: "el finde del 12 al 14 de febrero" booked THIS weekend before.
    guest = Guest(client)
    check_in = next_february(12)
    said = await guest.hears(
        "buenas! somos mi pareja y yo con el peque de 4 años, tenéis algo para el finde "
        "del 12 al 14 de febrero?"
    )
    assert "12 de febrero" in said and "2 noches" in said
    await guest.hears("la familiar")
    await guest.hears("Marta Ruiz, marta.ruiz@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "marta.ruiz@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (
        check_in,
        check_in + timedelta(days=2),
    )


def next_february(day: int) -> date:
    today = hotel_today()
    this_year = date(today.year, 2, day)
    return this_year if this_year > today else date(today.year + 1, 2, day)


# --- 7. names beside contact details -------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "name", "email", "phone"),
    [
        (
            "Valentina Rojas, mi mail es vale.rojas@example.com",
            "Valentina Rojas",
            "vale.rojas",
            None,
        ),
        ("Hannah Moore - hannah.moore@example.com", "Hannah Moore", "hannah.moore", None),
        (
            "Pilar Vega, pilar.vega@example.com, tel +34 622 333 444",
            "Pilar Vega",
            "pilar.vega",
            "+34622333444",
        ),
    ],
)
@pytest.mark.parametrize("language", ["es", "en"])
async def test_a_name_beside_contact_details_is_the_name(
    client: httpx.AsyncClient,
    runtime: Runtime,
    typed: str,
    name: str,
    email: str,
    phone: str | None,
    language: str,
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=57, nights=2)
    if language == "es":
        await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
        await guest.hears("la primera")
    else:
        await guest.hears(f"I'd like a room {english_range(check_in, check_out)} for 2 adults")
        await guest.hears("the first one")
    said = await guest.hears(typed)
    assert f"A nombre de {name} (" in said or f"Under the name {name} (" in said
    await guest.hears("sí" if language == "es" else "yes")
    booking = await the_booking(runtime, f"{email}@example.com")
    assert booking.guest.name == name
    if phone:
        assert booking.guest.phone == phone


# --- 8. reasons must be true: a proven booking needs no second proof -------------------------


async def test_a_booking_proved_once_is_cancelled_without_asking_again(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = Guest(client)
    check_in, check_out = future_stay(days_ahead=62, nights=2)
    await owner.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
    await owner.hears("la primera")
    await owner.hears("Marco Polo, marco.polo@example.com")
    await owner.hears("sí")
    booking = await the_booking(runtime, "marco.polo@example.com")

    other_device = Guest(client)
    said = await other_device.hears(
        f"what's the status of booking {booking.reference}? email marco.polo@example.com"
    )
    assert booking.reference in said and "confirmed" in said
    said = await other_device.hears("I need to cancel it")
    assert "Cancellation policy" in said and "reference" not in said.split("\n")[0].lower()
    await other_device.hears("yes")
    assert (await runtime.pms.get_booking(booking.pms_id)).status is BookingStatus.CANCELLED


async def test_una_reserva_ya_probada_se_cancela_sin_volver_a_pedirla(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = Guest(client)
    check_in, check_out = future_stay(days_ahead=63, nights=2)
    await owner.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
    await owner.hears("la primera")
    await owner.hears("Rosa Díez, rosa.diez@example.com")
    await owner.hears("sí")
    booking = await the_booking(runtime, "rosa.diez@example.com")

    other_device = Guest(client)
    said = await other_device.hears(
        f"¿cómo está mi reserva {booking.reference}? mi correo es rosa.diez@example.com"
    )
    assert booking.reference in said and "confirmada" in said
    said = await other_device.hears("quiero cancelarla")
    assert "Política de cancelación" in said and "referencia" not in said.split("\n")[0]
    await other_device.hears("sí")
    assert (await runtime.pms.get_booking(booking.pms_id)).status is BookingStatus.CANCELLED


# --- 9. several questions, every answer ----------------------------------------------------


async def test_two_questions_in_one_message_get_two_answers(client: httpx.AsyncClient) -> None:
    guest = Guest(client)
    said = await guest.hears("Is breakfast included, and do you have parking?")
    assert "Breakfast" in said and "car park" in said

    guest = Guest(client)
    said = await guest.hears("¿El desayuno está incluido? ¿Tenéis parking?")
    assert "desayuno" in said.lower() and "parking" in said.lower()


# --- 10. no promised e-mail -----------------------------------------------------------------


async def test_the_confirmation_promises_no_email(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    for language, opening, yes in (
        ("es", "quiero reservar {} para 2 adultos", "sí"),
        ("en", "I'd like to book {} for 2 adults", "yes"),
    ):
        guest = Guest(client)
        check_in, check_out = future_stay(days_ahead=64, nights=2)
        dates = (spanish_range if language == "es" else english_range)(check_in, check_out)
        await guest.hears(opening.format(dates))
        await guest.hears("1")
        said = await guest.hears(f"Noa Gil, noa.{language}@example.com")
        assert "confirmación" not in said and "for the confirmation" not in said
        said = await guest.hears(yes)
        assert "HS-" in said
        assert "enviaremos" not in said and "send" not in said and "noa." not in said


# --- 11. several rooms ---------------------------------------------------------------------


async def test_two_rooms_for_four_adults_are_one_booking_with_per_room_prices(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=66, nights=2)
    said = await guest.hears(f"2 rooms for 4 adults {english_range(check_in, check_out)}")
    assert "4 adults in 2 rooms" in said and "per room" in said and "in total for 2 rooms" in said
    await guest.hears("the cheapest")
    said = await guest.hears("Joe Root, joe.root@example.com")
    assert "4 adults in 2 rooms" in said
    said = await guest.hears("yes")
    booking = await the_booking(runtime, "joe.root@example.com")
    assert (booking.stay.rooms, booking.stay.adults) == (2, 4)
    assert booking.reference in said and said.count("HS-") == 1


async def test_two_rooms_with_two_adults_each_are_four_adults(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=68, nights=2)
    said = await guest.hears(
        f"2 rooms with 2 adults each {english_range(check_in, check_out)} please"
    )
    assert "4 adults in 2 rooms" in said
    await guest.hears("1")
    await guest.hears("Ben Stokes, ben.stokes@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "ben.stokes@example.com")
    assert (booking.stay.rooms, booking.stay.adults) == (2, 4)


async def test_dos_habitaciones_son_una_reserva(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=67, nights=3)
    said = await guest.hears(
        f"necesito 2 habitaciones para 4 adultos {spanish_range(check_in, check_out)}"
    )
    assert "por habitación" in said and "en total por 2 habitaciones" in said
    await guest.hears("la primera")
    await guest.hears("Iker Casillas, iker@example.com")
    await guest.hears("sí")
    booking = await the_booking(runtime, "iker@example.com")
    assert (booking.stay.rooms, booking.stay.adults) == (2, 4)


# --- 4. a "yes" to a change or a cancellation run twice -----------------------------------


@pytest.fixture
async def quiet_runtime(sqlite_url: str, make_runtime: MakeRuntime) -> Runtime:
    """The agent without its background loops: the test is the worker."""
    return await make_runtime(make_settings(sqlite_url))


@pytest.mark.parametrize("language", ["es", "en"])
async def test_a_yes_to_a_cancellation_run_twice_tells_it_was_made(
    quiet_runtime: Runtime, language: str
) -> None:
    runtime = quiet_runtime
    chat = await chat_to_the_summary(runtime, f"rerun.cancel.{language}@example.com")
    await chat.says("sí")
    await chat.says("necesito cancelar mi reserva" if language == "es" else "cancel my booking")
    yes = chat.turn("sí" if language == "es" else "yes")  # same message, same state: a rerun

    first = await runtime.dialogue.handle(yes)
    again = await runtime.dialogue.handle(yes)

    [booking] = await runtime.pms.find_bookings(email=f"rerun.cancel.{language}@example.com")
    assert booking.status is BookingStatus.CANCELLED
    done = "está cancelada" if language == "es" else "is cancelled"
    for output in (first, again):
        said = "\n".join(reply.text for reply in output.replies)
        assert done in said and booking.reference in said, said
    assert first.state == again.state


@pytest.mark.parametrize("language", ["es", "en"])
async def test_a_yes_to_a_change_run_twice_tells_it_was_made(
    quiet_runtime: Runtime, language: str
) -> None:
    runtime = quiet_runtime
    email = f"rerun.modify.{language}@example.com"
    chat = await chat_to_the_summary(runtime, email)
    await chat.says("sí")
    [before] = await runtime.pms.find_bookings(email=email)
    new_in = before.stay.check_in + timedelta(days=5)
    new_out = new_in + timedelta(days=2)
    if language == "es":
        said = await chat.says(f"quiero cambiar mi reserva {spanish_range(new_in, new_out)}")
    else:
        said = await chat.says(f"I want to change my booking to {english_range(new_in, new_out)}")
    assert before.reference in said
    yes = chat.turn("sí" if language == "es" else "yes")

    first = await runtime.dialogue.handle(yes)
    again = await runtime.dialogue.handle(yes)

    after = await runtime.pms.get_booking(before.pms_id)
    assert (after.stay.check_in, after.stay.check_out) == (new_in, new_out)
    done = "Hecho" if language == "es" else "Done"
    for output in (first, again):
        said = "\n".join(reply.text for reply in output.replies)
        assert done in said and after.reference in said, said
        assert "ya tienes" not in said and "already have" not in said


# --- issue 8: several rooms, of one type or several, are ONE booking --------------------


def _rooms(booking_lines: list[RoomLine]) -> list[tuple[str, int, int]]:
    return sorted((line.room_type_id, line.adults, line.children) for line in booking_lines)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_double_and_a_single_are_one_booking_priced_per_room(
    client: httpx.AsyncClient, runtime: Runtime, language: str
) -> None:
    guest = Guest(client)
    email = f"mixed.{language}@example.com"
    check_in, check_out = future_stay(days_ahead=70, nights=2)
    if language == "en":
        said = await guest.hears(
            f"one double and one single for 3 adults {english_range(check_in, check_out)}"
        )
        said = await guest.hears(f"Olga Ruiz, {email}")
        assert "• Standard Double (2 adults): €" in said, said
        assert "• Single Room (1 adult): €" in said and "3 adults in 2 rooms" in said
        said = await guest.hears("yes")
    else:
        said = await guest.hears(
            f"una doble y una individual {spanish_range(check_in, check_out)}, somos 3"
        )
        said = await guest.hears(f"Olga Ruiz, {email}")
        assert "• Doble Estándar (2 adultos):" in said, said
        assert "• Habitación Individual (1 adulto):" in said and "3 adultos en 2" in said
        said = await guest.hears("sí")
    [booking] = await runtime.pms.find_bookings(email=email)
    assert _rooms(booking.room_lines) == [("DBL", 2, 0), ("IND", 1, 0)]
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)
    assert booking.reference in said and said.count("HS-") == 1
    assert booking.total_price == sum(
        (o.total_price for o in await _one_room_offers(runtime, booking)), Decimal("0")
    )
    assert t_money(booking.total_price, language) in said


async def _one_room_offers(runtime: Runtime, booking: Booking) -> list[Offer]:
    """The live offer of each room of the booking on its own, as the guest was quoted."""
    offers = []
    for line in booking.room_lines:
        stay = booking.stay.model_copy(
            update={"adults": line.adults, "children": line.children, "rooms": 1}
        )
        found = await runtime.pms.search(stay)
        # The booking holds its rooms now: priced by type, any availability.
        offers.append(next(o for o in found if o.room_type.id == line.room_type_id))
    return offers


def t_money(amount: Decimal, language: str) -> str:
    return Say(language).money(amount, "EUR")


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_family_room_plus_a_double_for_the_grandparents(
    client: httpx.AsyncClient, runtime: Runtime, language: str
) -> None:
    guest = Guest(client)
    email = f"family.{language}@example.com"
    check_in, check_out = future_stay(days_ahead=71, nights=3)
    if language == "en":
        await guest.hears(
            "a family room for 2 adults and 2 kids plus a double for the grandparents, "
            + english_range(check_in, check_out)
        )
        said = await guest.hears(f"Rosa Díaz, {email}")
        assert "• Family Room (2 adults and 2 children): €" in said, said
        assert "• Standard Double (2 adults): €" in said and "Total:" in said
        said = await guest.hears("yes")
    else:
        await guest.hears(
            "una habitación familiar para 2 adultos y 2 niños y una doble para los abuelos, "
            + spanish_range(check_in, check_out)
        )
        said = await guest.hears(f"Rosa Díaz, {email}")
        assert "• Habitación Familiar (2 adultos y 2 niños):" in said, said
        said = await guest.hears("sí")
    [booking] = await runtime.pms.find_bookings(email=email)
    assert _rooms(booking.room_lines) == [("DBL", 2, 0), ("FAM", 2, 2)]
    assert booking.reference in said and said.count("HS-") == 1


@pytest.mark.parametrize("language", ["en", "es"])
async def test_two_rooms_for_four_adults_show_each_room_and_book_both_lines(
    client: httpx.AsyncClient, runtime: Runtime, language: str
) -> None:
    guest = Guest(client)
    email = f"two.rooms.{language}@example.com"
    check_in, check_out = future_stay(days_ahead=73, nights=2)
    if language == "en":
        said = await guest.hears(f"2 rooms for 4 adults {english_range(check_in, check_out)}")
        assert "in total for 2 rooms" in said
        await guest.hears("Standard Double")
        said = await guest.hears(f"Joe Root, {email}")
        assert said.count("• Standard Double (2 adults): €") == 2, said
        await guest.hears("yes")
    else:
        said = await guest.hears(
            f"2 habitaciones para 4 adultos {spanish_range(check_in, check_out)}"
        )
        assert "en total por 2 habitaciones" in said
        await guest.hears("la doble estándar")
        said = await guest.hears(f"Joe Root, {email}")
        assert said.count("• Doble Estándar (2 adultos):") == 2, said
        await guest.hears("sí")
    [booking] = await runtime.pms.find_bookings(email=email)
    assert _rooms(booking.room_lines) == [("DBL", 2, 0), ("DBL", 2, 0)]


@pytest.mark.parametrize("language", ["en", "es"])
async def test_rooms_that_cannot_take_the_party_are_refused_with_the_reason(
    client: httpx.AsyncClient, runtime: Runtime, language: str
) -> None:
    guest = Guest(client)
    before = await runtime.pms.find_bookings(email=f"small.{language}@example.com")
    check_in, check_out = future_stay(days_ahead=74, nights=2)
    if language == "en":
        said = await guest.hears(
            "a single for 2 adults and a double for 2 adults " + english_range(check_in, check_out)
        )
        assert "The Single Room takes 1 adult at most, so it can't hold 2 adults." in said
        assert "For 4 adults in 2 rooms" in said, "the rooms that do fit are offered"
        said = await guest.hears(
            f"a double and a single for 5 adults {english_range(check_in, check_out)}"
        )
        assert "Standard Double and Single Room can't hold 5 adults between them" in said
    else:
        said = await guest.hears(
            "una individual para 2 adultos y una doble para 2 adultos "
            + spanish_range(check_in, check_out)
        )
        assert "En la Habitación Individual caben como máximo 1 adulto" in said, said
        assert "no caben 2 adultos" in said and "Para 4 adultos en 2 habitaciones" in said
    assert guest.list_rows()
    assert await runtime.pms.find_bookings(email=f"small.{language}@example.com") == before


async def test_more_rooms_of_a_type_than_are_free_says_how_many_are(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    singles = next(rt for rt in DEMO_HOTEL.room_types if rt.code == "IND").inventory
    check_in, check_out = future_stay(days_ahead=75, nights=2)
    said = await guest.hears(
        f"{singles + 1} singles for {singles + 1} adults {english_range(check_in, check_out)}"
    )
    assert f"I have only {singles} Single Room free" in said and f"asked for {singles + 1}" in said
    assert guest.list_rows(), "rooms that fit are offered instead"


async def test_a_yes_to_several_rooms_run_twice_books_once_with_every_room(
    quiet_runtime: Runtime,
) -> None:
    runtime = quiet_runtime
    chat = await EngineChat.open(runtime, sender="34600999888")
    check_in, check_out = future_stay(days_ahead=76, nights=2)
    await chat.says(f"una doble y una individual {spanish_range(check_in, check_out)}, somos 3")
    said = await chat.says("Olga Ruiz, olga.rerun@example.com")
    assert "¿La confirmo?" in said
    yes = chat.turn("sí")  # a lost lease: the same message and state run again

    first = await runtime.dialogue.handle(yes)
    again = await runtime.dialogue.handle(yes)

    [booking] = await runtime.pms.find_bookings(email="olga.rerun@example.com")
    assert _rooms(booking.room_lines) == [("DBL", 2, 0), ("IND", 1, 0)]
    for output in (first, again):
        said = "\n".join(reply.text for reply in output.replies)
        assert "Reserva confirmada" in said and booking.reference in said
    assert first.state == again.state
    [record] = await runtime.bookings.recent()
    assert record.pms_id == booking.pms_id
    assert sorted((line["room_type_id"], line["adults"]) for line in record.room_lines) == [
        ("DBL", 2),
        ("IND", 1),
    ]


class Watcher:
    """Reads the conversation as the guest does: the list they picked from and each summary.
    Every summary must match the picked offer, or name each difference."""

    _HEADER = re.compile(
        r"For (?P<party>.+?), (?P<stay>from .+?\)), (I have|these rooms are) available"
    )

    def __init__(self, guest: Guest) -> None:
        self.guest = guest
        self.header: dict[str, str] = {}
        self.rows: list[dict[str, str]] = []
        self.picked: dict[str, str] | None = None
        self.summaries = 0

    async def says(self, text: str) -> str:
        said = await self.guest.hears(text)
        header = self._HEADER.search(said)
        if header:
            self.header = header.groupdict()
            self.rows = self.guest.list_rows()
        elif self.rows and not self.guest.list_rows() and self._picked_row(text) is not None:
            row = self._picked_row(text)
            assert row is not None
            self.picked = {
                **self.header,
                "room": row["title"],
                "total": row["description"].split(" · ")[1].removesuffix(" in total"),
            }
            self.rows = []
        if "Here's your booking" in said:
            self._check(said)
        return said

    def _picked_row(self, text: str) -> dict[str, str] | None:
        if text.isdigit() and 1 <= int(text) <= len(self.rows):
            return self.rows[int(text) - 1]
        return next((r for r in self.rows if r["title"].lower() in text.lower()), None)

    def _check(self, said: str) -> None:
        assert self.picked is not None
        self.summaries += 1
        body = said.split("Here's your booking:")[1]
        room, stay, party, _name, total = (line[2:] for line in body.split("\n")[1:6])
        shown = {"room": room, "stay": stay, "party": party, "total": total.split(" ")[1]}
        labels = {"room": "Room:", "stay": "Dates:", "party": "Guests:", "total": "Total:"}
        for field, label in labels.items():
            differs = shown[field] != self.picked[field]
            restated = re.search(rf"• {label} .+ → now ", said) is not None
            assert restated is differs, f"{field}: {self.picked[field]} → {shown[field]}"
        assert ("differs from the option you chose" in said) is (shown != self.picked_view())

    def picked_view(self) -> dict[str, str]:
        assert self.picked is not None
        return {key: self.picked[key] for key in ("room", "stay", "party", "total")}


@pytest.mark.parametrize(
    "after_summary",
    [
        ["actually until the day after", "make it 1 adult"],
        ["we're 3 adults", "Family Room"],
        ["another room", "1"],
        ["actually 2 adults and 1 child"],
    ],
)
async def test_a_summary_never_changes_silently(
    client: httpx.AsyncClient, runtime: Runtime, after_summary: list[str]
) -> None:
    guest = Watcher(Guest(client))
    check_in, check_out = future_stay(days_ahead=72, nights=2)
    await guest.says(f"I'd like to book {english_range(check_in, check_out)} for 2 adults")
    await guest.says("Standard Double")
    await guest.says("Nora Ephron, nora@example.com")
    for text in after_summary:
        if text == "actually until the day after":
            text = f"actually {english_range(check_in, check_out + timedelta(days=1))}"
        await guest.says(text)
    assert guest.summaries >= 2
