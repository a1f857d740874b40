"""The tasks behind the `TaskFlow` interface (flows/port.py, flows/registry.py), carried to the
end in memory: what reaches the PMS, through the ledger, and only on a yes to the summary."""

from __future__ import annotations

import inspect

import pytest

from hotel_agent.dialogue.flows.port import TaskFlow
from hotel_agent.dialogue.flows.registry import STARTED_BY, TASKS
from hotel_agent.dialogue.state import Flow
from hotel_agent.pms.errors import RoomUnavailable
from hotel_agent.pms.port import BookingRequest, BookingStatus, GuestDetails, Stay
from tests.unit.dialogue.chat import Chat, april, said, text_of

BOOK = (
    "quiero reservar del 10 al 12 de abril para 2 adultos",
    "la primera",
    "Ana López, ana@example.com",
)
OTHER_GUEST = GuestDetails(name="Luis Pardo", email="luis@example.com")


async def booked(chat: Chat) -> str:
    """Book the first offer in the chat; its PMS id."""
    for text in BOOK:
        await chat.send(text)
    out = await chat.send("sí")
    assert said(out, "booking.confirmed"), text_of(out)
    [pms_id] = chat.pms.bookings
    return pms_id


async def booked_elsewhere(chat: Chat) -> str:
    """A booking the guest made by phone: its reference."""
    booking = await chat.pms.create_booking(
        BookingRequest(
            stay=Stay(check_in=april(20), check_out=april(22), adults=2),
            room_type_id="DBL",
            guest=OTHER_GUEST,
            idempotency_key="phone-1",
        )
    )
    return booking.reference


def test_every_flow_has_a_task_and_every_started_flow_is_known() -> None:
    assert set(TASKS) == set(Flow)
    assert set(STARTED_BY.values()) <= set(TASKS)
    members = [name for name, _ in inspect.getmembers(TaskFlow) if not name.startswith("_")]
    for task in set(TASKS.values()):
        for name in members:
            assert callable(getattr(task, name)), f"{task.__name__} lacks {name}"


async def test_a_booking_is_written_once_and_only_on_yes() -> None:
    chat = Chat()
    for text in BOOK:
        await chat.send(text)
    assert chat.ledger.writes == [], "nothing is written before the yes"

    out = await chat.send("sí", message_id="yes-1")

    [booking] = chat.pms.bookings.values()
    assert chat.ledger.writes == ["book:turn:webchat:yes-1"]
    assert booking.guest.email == "ana@example.com" and booking.stay.check_in == april(10)
    assert booking.reference in text_of(out)
    assert chat.state["my_bookings"] == [booking.pms_id]


async def test_a_retried_yes_books_nothing_new() -> None:
    chat = Chat()
    for text in BOOK:
        await chat.send(text)
    before = chat.state

    first = await chat.send("sí", message_id="yes-1")
    chat.state = before  # the worker runs the same turn again
    again = await chat.send("sí", message_id="yes-1")

    assert len(chat.pms.bookings) == 1 and chat.ledger.writes == ["book:turn:webchat:yes-1"]
    assert text_of(first) == text_of(again)


async def test_no_at_the_summary_asks_what_to_change_and_books_nothing() -> None:
    chat = Chat()
    for text in BOOK:
        await chat.send(text)

    out = await chat.send("no")

    assert said(out, "booking.what_to_change")
    assert chat.state["step"] == "collect" and chat.pms.bookings == {}


async def test_the_room_taken_meanwhile_is_said_and_nothing_is_booked() -> None:
    chat = Chat()
    for text in BOOK:
        await chat.send(text)
    for n in range(20):  # every Doble Estándar of those nights goes meanwhile
        try:
            await chat.pms.create_booking(
                BookingRequest(
                    stay=Stay(check_in=april(10), check_out=april(12), adults=1),
                    room_type_id="DBL",
                    guest=OTHER_GUEST,
                    idempotency_key=f"phone-{n}",
                )
            )
        except RoomUnavailable:
            break
    taken = len(chat.pms.bookings)

    out = await chat.send("sí")

    assert said(out, "booking.room_taken"), text_of(out)
    assert len(chat.pms.bookings) == taken and chat.ledger.writes == []


async def test_a_booking_made_here_is_cancelled_without_proof() -> None:
    chat = Chat()
    pms_id = await booked(chat)

    asked = await chat.send("quiero cancelar mi reserva")
    done = await chat.send("sí", message_id="yes-cancel")

    assert said(asked, "cancel.confirm") and said(done, "cancel.done")
    assert chat.pms.bookings[pms_id].status is BookingStatus.CANCELLED
    assert chat.ledger.writes[-1] == "cancel:turn:webchat:yes-cancel"
    assert chat.state.get("flow") is None


async def test_a_retried_yes_to_a_cancellation_reports_it_done() -> None:
    chat = Chat()
    await booked(chat)
    await chat.send("quiero cancelar mi reserva")
    before = chat.state

    await chat.send("sí", message_id="yes-cancel")
    chat.state = before
    again = await chat.send("sí", message_id="yes-cancel")

    assert said(again, "cancel.done"), text_of(again)
    assert [w for w in chat.ledger.writes if w.startswith("cancel:")] == [
        "cancel:turn:webchat:yes-cancel"
    ]


async def test_new_dates_for_a_booking_made_here() -> None:
    chat = Chat()
    pms_id = await booked(chat)

    await chat.send("quiero cambiar las fechas de mi reserva")
    shown = await chat.send("del 11 al 13 de abril")
    await chat.send("sí")

    assert chat.state.get("flow") is None, text_of(shown)
    stay = chat.pms.bookings[pms_id].stay
    assert (stay.check_in, stay.check_out) == (april(11), april(13))
    assert chat.ledger.writes[-1].startswith("modify:")


async def test_a_booking_made_elsewhere_is_shown_with_its_reference_and_email() -> None:
    chat = Chat()
    reference = await booked_elsewhere(chat)

    await chat.send("¿cómo va mi reserva?")
    out = await chat.send(f"{reference} {OTHER_GUEST.email}")

    assert reference in text_of(out) and chat.state.get("flow") is None
    assert chat.ledger.writes == [], "a status is no write"


async def test_a_reference_with_another_email_shows_nothing() -> None:
    chat = Chat()
    reference = await booked_elsewhere(chat)

    await chat.send("quiero cancelar mi reserva")
    out = await chat.send(f"{reference} otra@example.com")

    assert said(out, "manage.not_found"), text_of(out)
    assert all(b.status is BookingStatus.CONFIRMED for b in chat.pms.bookings.values())


async def test_a_booking_deleted_meanwhile_ends_the_task() -> None:
    chat = Chat()
    pms_id = await booked(chat)
    await chat.send("quiero cancelar mi reserva")
    del chat.pms.bookings[pms_id]  # staff deleted it in the PMS

    out = await chat.send("sí")

    assert out.decided_by == "booking_gone" and said(out, "manage.not_found")
    assert chat.state.get("flow") is None


@pytest.mark.parametrize(
    ("before", "key"),
    [
        (("quiero reservar una habitación",), "booking.stay_again"),
        (BOOK[:1], "booking.choose_again"),
        (BOOK[:2], "booking.details_again"),
        (BOOK, "booking.confirm_again"),
        (("quiero cancelar mi reserva",), "manage.find_again"),
    ],
)
async def test_each_task_asks_its_question_again_in_other_words(
    before: tuple[str, ...], key: str
) -> None:
    chat = Chat()
    for text in before:
        await chat.send(text)

    out = await chat.send("👍")

    assert out.decided_by == "nothing_to_act_on" and said(out, key), text_of(out)


async def test_a_day_earlier_at_the_summary_moves_only_the_arrival() -> None:
    chat = Chat()
    for text in BOOK:
        await chat.send(text)

    out = await chat.send("¿podemos llegar un día antes?")
    assert said(out, "booking.changed_dates"), text_of(out)  # the difference, restated
    out = await chat.send("sí")

    assert said(out, "booking.confirmed"), text_of(out)
    [booking] = chat.pms.bookings.values()
    assert (booking.stay.check_in, booking.stay.check_out) == (april(9), april(12))


async def test_a_day_later_moves_only_the_departure_of_a_booking() -> None:
    chat = Chat()
    pms_id = await booked(chat)

    out = await chat.send("¿podemos salir un día más tarde?")
    assert said(out, "modify.summary"), text_of(out)
    await chat.send("sí")

    stay = chat.pms.bookings[pms_id].stay
    assert (stay.check_in, stay.check_out) == (april(10), april(13))
