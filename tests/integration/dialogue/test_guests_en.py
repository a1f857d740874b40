"""Ten English-speaking guests who write as people do: no capitals, typos, chat shorthand,
several answers in one message, changes of mind. Judged by what lands in the PMS (the
simulator). Dialogue logic only: SQLite.
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
    room_type_id,
    the_booking,
)


async def book(guest: Guest, email: str, days_ahead: int) -> None:
    check_in, check_out = future_stay(days_ahead=days_ahead, nights=2)
    await guest.hears(f"hi, a room {english_range(check_in, check_out)} for 2 adults pls")
    await guest.hears("1")
    await guest.hears(f"Sam Jones, {email}")
    said = await guest.hears("yes")
    assert "HS-" in said


async def test_lower_case_and_slang(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=40, nights=2)
    said = await guest.hears(
        f"hi i wanna book a room {english_range(check_in, check_out).lower()} for 2 ppl"
    )
    if "How many" in said:
        said = await guest.hears("2")
    assert "2 adults" in said
    await guest.hears("the cheaper one")
    said = await guest.hears("john doe john.doe@example.com")
    assert "John Doe" in said
    await guest.hears("yep")
    booking = await the_booking(runtime, "john.doe@example.com")
    assert booking.guest.name == "John Doe" and booking.stay.adults == 2


async def test_american_family(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=43, nights=3)
    said = await guest.hears(
        f"Hey there! Looking for a room {english_range(check_in, check_out)}, 2 adults 1 kid"
    )
    assert "2 adults and 1 child" in said
    await guest.hears("option 2")
    said = await guest.hears("Name's Mike Ross, mike.ross@example.com")
    assert "Mike Ross" in said
    await guest.hears("sounds good")
    booking = await the_booking(runtime, "mike.ross@example.com")
    assert (booking.stay.adults, booking.stay.children) == (2, 1)


async def test_everything_in_one_message(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=46, nights=2)
    said = await guest.hears(
        f"Book the family room {english_range(check_in, check_out)} for 2 adults and 2 kids, "
        "name Sarah Connor, sarah.c@example.com"
    )
    assert "Shall I confirm it?" in said and "Sarah Connor" in said
    await guest.hears("yes")
    booking = await the_booking(runtime, "sarah.c@example.com")
    assert booking.room_type_id == await room_type_id(runtime, "Family Room")
    assert (booking.stay.adults, booking.stay.children) == (2, 2)


async def test_changes_the_dates_at_the_summary(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=48, nights=2)
    await guest.hears(f"need a room {english_range(check_in, check_out)}, 2 adults")
    await guest.hears("first one")
    await guest.hears("Bruce Wayne - bruce.wayne@example.com")
    new_in, new_out = check_in + timedelta(days=3), check_out + timedelta(days=3)
    said = await guest.hears(f"oh wait, can we do {english_range(new_in, new_out)} instead")
    assert "differs from the option you chose" in said and "Dates:" in said
    await guest.hears("yes")
    booking = await the_booking(runtime, "bruce.wayne@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (new_in, new_out)


async def test_one_more_adult_after_the_details(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=51, nights=2)
    await guest.hears(f"a room {english_range(check_in, check_out)} for 2 adults")
    await guest.hears("the family room")
    await guest.hears("Peter Parker, peter.p@example.com")
    said = await guest.hears("make it 3 adults")
    assert "3 adults" in said and "Shall I confirm it?" in said
    await guest.hears("go ahead")
    booking = await the_booking(runtime, "peter.p@example.com")
    assert booking.stay.adults == 3


async def test_cancels_with_shorthand(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    await book(guest, "cancel.me@example.com", days_ahead=53)
    said = await guest.hears("pls cancel my booking")
    assert "Cancellation policy" in said
    said = await guest.hears("yes cancel it")
    booking = await the_booking(runtime, "cancel.me@example.com")
    assert booking.status is BookingStatus.CANCELLED and booking.reference in said


async def test_one_guest_fewer(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    await book(guest, "fewer@example.com", days_ahead=56)
    said = await guest.hears("can i change my booking? it'll be just 1 adult now")
    assert "Before:" in said and "1 adult" in said
    await guest.hears("yes")
    booking = await the_booking(runtime, "fewer@example.com")
    assert booking.stay.adults == 1


async def test_asks_about_the_gym_in_the_middle(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=59, nights=2)
    await guest.hears(f"I'd like to book {english_range(check_in, check_out)} for 2 adults")
    said = await guest.hears("btw is there a gym?")
    assert "gym" in said.lower() and "carry on" in said
    await guest.hears("the first one")
    await guest.hears("Clark Kent, clark@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "clark@example.com")
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)


async def test_checks_the_status_after_booking(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    await book(guest, "status.check@example.com", days_ahead=61)
    booking = await the_booking(runtime, "status.check@example.com")
    said = await guest.hears("whats the status of my reservation?")
    assert booking.reference in said and "confirmed" in said


async def test_two_rooms_for_two_couples(client: httpx.AsyncClient, runtime: Runtime) -> None:
    guest = Guest(client)
    check_in, check_out = future_stay(days_ahead=63, nights=2)
    said = await guest.hears(
        f"we need 2 rooms for 4 adults {english_range(check_in, check_out)}, two couples"
    )
    assert "4 adults in 2 rooms" in said and "per room" in said
    await guest.hears("the cheapest")
    await guest.hears("Lois Lane, lois@example.com")
    await guest.hears("yes")
    booking = await the_booking(runtime, "lois@example.com")
    assert (booking.stay.rooms, booking.stay.adults) == (2, 4)
