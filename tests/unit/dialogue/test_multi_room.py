"""Several rooms in one booking (flows/multi_room.py), in memory: what the guest is shown per
room and in total, and what reaches the PMS — one booking with every room, once."""

from __future__ import annotations

from hotel_agent.dialogue.state import DialogueState
from hotel_agent.pms.port import Booking
from tests.unit.dialogue.chat import Chat, said, text_of

APRIL = "from 10 to 12 April"
ABRIL = "del 10 al 12 de abril"


def rooms_of(booking: Booking) -> list[tuple[str, int, int]]:
    return [(line.room_type_id, line.adults, line.children) for line in booking.room_lines]


async def talk(chat: Chat, *texts: str) -> str:
    out = None
    for text in texts:
        out = await chat.send(text)
    assert out is not None
    return text_of(out)


async def test_a_double_and_a_single_for_three_adults_are_one_booking() -> None:
    chat = Chat()
    priced = await talk(chat, f"one double and one single for 3 adults {APRIL}")
    # Each room and the total, before the guest's details are asked.
    assert "• Standard Double (2 adults): €229.08\n• Single Room (1 adult): €167.09" in priced
    assert "Total: €396.17" in priced and "full name and an e-mail" in priced
    summary = await talk(chat, "Olga Ruiz, olga@example.com")
    assert "• Standard Double (2 adults): €" in summary
    assert "• Single Room (1 adult): €" in summary and "3 adults in 2 rooms" in summary
    assert not chat.pms.bookings, "nothing is booked before the yes"
    confirmed = await talk(chat, "yes")
    [booking] = chat.pms.bookings.values()
    assert rooms_of(booking) == [("DBL", 2, 0), ("IND", 1, 0)]
    assert confirmed.count("HS-") == 1 and booking.reference in confirmed
    assert "• Standard Double (2 adults)\n• Single Room (1 adult)" in confirmed


async def test_una_doble_y_una_individual_somos_tres() -> None:
    chat = Chat()
    summary = await talk(
        chat, f"una doble y una individual {ABRIL}, somos 3", "Olga Ruiz, olga@example.com"
    )
    assert "• Doble Estándar (2 adultos):" in summary
    assert "• Habitación Individual (1 adulto):" in summary
    await chat.send("sí")
    [booking] = chat.pms.bookings.values()
    assert rooms_of(booking) == [("DBL", 2, 0), ("IND", 1, 0)]


async def test_each_room_with_its_own_guests_is_booked_as_said() -> None:
    chat = Chat()
    summary = await talk(
        chat,
        f"a family room for 2 adults and 2 kids plus a double for the grandparents, {APRIL}",
        "Ana Gil, ana@example.com",
    )
    assert "• Family Room (2 adults and 2 children): €" in summary
    assert "4 adults and 2 children in 2 rooms" in summary
    await chat.send("yes")
    [booking] = chat.pms.bookings.values()
    assert rooms_of(booking) == [("FAM", 2, 2), ("DBL", 2, 0)]


async def test_una_familiar_y_una_doble_para_los_abuelos() -> None:
    chat = Chat()
    await talk(
        chat,
        "una habitación familiar para 2 adultos y 2 niños y una doble para los abuelos, " + ABRIL,
        "Ana Gil, ana@example.com",
        "sí",
    )
    [booking] = chat.pms.bookings.values()
    assert rooms_of(booking) == [("FAM", 2, 2), ("DBL", 2, 0)]


async def test_who_sleeps_in_each_room_is_asked_when_not_said() -> None:
    chat = Chat()
    out = await chat.send(f"a double and a single {APRIL}")
    assert said(out, "booking.ask_room_parties", "en") and "Standard Double" in text_of(out)
    out = await chat.send("2 adults")
    assert said(out, "booking.ask_next_room_party", "en") and "Single Room" in text_of(out)
    await talk(chat, "1 adult", "Ana Gil, ana@example.com", "yes")
    [booking] = chat.pms.bookings.values()
    assert rooms_of(booking) == [("DBL", 2, 0), ("IND", 1, 0)]


async def test_a_party_that_fits_the_rooms_several_ways_is_asked_per_room() -> None:
    chat = Chat()
    out = await chat.send(f"a family room and a double for 3 adults and 2 children {APRIL}")
    assert said(out, "booking.ask_room_parties", "en") and "Family Room" in text_of(out)
    out = await chat.send("1 adult and 2 children")
    # The rest of the party (2 adults) fits the double one way only: it is not asked.
    assert said(out, "booking.ask_name_and_email", "en"), text_of(out)
    await talk(chat, "Ana Gil, ana@example.com", "yes")
    [booking] = chat.pms.bookings.values()
    assert rooms_of(booking) == [("FAM", 1, 2), ("DBL", 2, 0)]


async def test_guests_given_by_room_name_go_to_that_room() -> None:
    chat = Chat()
    await chat.send(f"quiero una doble y una individual {ABRIL}")
    await talk(chat, "2 adultos en la doble, 1 en la individual", "Ana Gil, ana@example.com", "sí")
    [booking] = chat.pms.bookings.values()
    assert rooms_of(booking) == [("DBL", 2, 0), ("IND", 1, 0)]


async def test_two_rooms_for_three_adults_offer_the_cheapest_mix_first() -> None:
    chat = Chat()
    out = await chat.send(f"2 rooms for 3 adults {APRIL}")
    first = text_of(out).split("\n1. ")[1].split("\n")[0]
    assert first.startswith("Standard Double + Single Room: Standard Double (2 adults)"), first
    assert "Single Room (1 adult)" in first and "in total" in first
    await talk(chat, "1", "Ana Gil, ana@example.com", "yes")
    [booking] = chat.pms.bookings.values()
    assert rooms_of(booking) == [("DBL", 2, 0), ("IND", 1, 0)]


async def test_a_retried_yes_books_every_room_once() -> None:
    chat = Chat()
    await talk(chat, f"one double and one single for 3 adults {APRIL}", "Olga Ruiz, o@example.com")
    before = dict(chat.state)
    first = await chat.send("yes", message_id="yes-1")
    chat.state = before  # the lease was lost: the same turn runs again from the same state
    again = await chat.send("yes", message_id="yes-1")
    [booking] = chat.pms.bookings.values()
    assert rooms_of(booking) == [("DBL", 2, 0), ("IND", 1, 0)]
    assert chat.ledger.writes == ["book:turn:webchat:yes-1"]
    assert booking.reference in text_of(first) and booking.reference in text_of(again)


async def test_a_room_too_small_for_its_guests_says_which_and_offers_what_fits() -> None:
    chat = Chat()
    out = await chat.send(f"a single for 2 adults and a double for 2 adults {APRIL}")
    text = text_of(out)
    assert "The Single Room takes 1 adult at most, so it can't hold 2 adults." in text
    assert "For 4 adults in 2 rooms" in text and out.replies[-1].list_picker is not None
    assert not chat.pms.bookings


async def test_rooms_that_cannot_hold_the_party_together_say_so() -> None:
    chat = Chat()
    out = await chat.send(f"una doble y una individual para 5 adultos {ABRIL}")
    assert "Entre Doble Estándar y Habitación Individual no caben 5 adultos." in text_of(out)
    assert "Para 5 adultos en 2 habitaciones" in text_of(out)


async def test_more_rooms_of_a_type_than_are_free_says_how_many_are() -> None:
    chat = Chat()
    out = await chat.send(f"5 singles for 5 adults {APRIL}")
    assert "I have only 4 Single Room free for those dates, and you asked for 5." in text_of(out)
    assert "4 × Single Room (1 adult)" in text_of(out), "the rooms that fit instead"


async def test_a_booking_of_several_types_is_named_whole_and_its_guests_not_changed() -> None:
    chat = Chat()
    await talk(
        chat, f"one double and one single for 3 adults {APRIL}", "Olga Ruiz, o@example.com", "yes"
    )
    [booking] = chat.pms.bookings.values()
    status = await talk(chat, "what's the status of my booking?")
    assert "• Standard Double (2 adults)\n• Single Room (1 adult)" in status
    out = await chat.send("I want to change my booking to 4 adults")
    assert said(out, "invalid.occupancy_not_changeable", "en")
    assert chat.pms.bookings[booking.pms_id].stay.adults == 3
    out = await chat.send("cancel my booking")
    assert "Standard Double and Single Room" in text_of(out)


async def test_dates_of_a_booking_of_several_types_change_for_every_room() -> None:
    chat = Chat()
    await talk(
        chat, f"one double and one single for 3 adults {APRIL}", "Olga Ruiz, o@example.com", "yes"
    )
    [booking] = chat.pms.bookings.values()
    out = await chat.send("I want to change my booking to 20 to 22 April")
    assert "€" in text_of(out), "the new price of every room"
    await chat.send("yes")
    changed = chat.pms.bookings[booking.pms_id]
    assert changed.stay.check_in.day == 20 and rooms_of(changed) == rooms_of(booking)


def test_a_state_stored_by_the_one_booking_per_type_flow_still_loads() -> None:
    stored = {
        "flow": "booking",
        "step": "collect",
        "slots": {"room_type": "IND"},
        "queued_rooms": ["IND"],
        "room_by_room": True,
        "my_bookings": ["7"],
    }
    state = DialogueState.load(stored)
    assert state.my_bookings == ["7"] and state.slots.room_type == "IND"
    assert "queued_rooms" not in state.dump()


async def test_guests_said_for_one_room_stay_in_it_and_the_others_are_asked() -> None:
    chat = Chat()
    out = await chat.send(f"a family room plus a double for the grandparents {APRIL}")
    assert said(out, "booking.ask_next_room_party", "en") and "Family Room" in text_of(out)
    await talk(chat, "2 adults and 2 children", "Ana Gil, ana@example.com", "yes")
    [booking] = chat.pms.bookings.values()
    assert rooms_of(booking) == [("FAM", 2, 2), ("DBL", 2, 0)]
