"""A turn's booking e-mails, in memory: one per booking, change or cancellation the turn made
(also when the turn runs again), announced in the reply that reports it; none at all when the
hotel sends no e-mails."""

from __future__ import annotations

from dataclasses import replace

from hotel_agent.dialogue.engine import Engine
from tests.unit.dialogue.chat import Chat, text_of
from tests.unit.dialogue.test_flows import BOOK


def mailing(chat: Chat) -> Chat:
    """The chat's engine as configured with SMTP."""
    chat.engine = Engine(
        replace(chat.engine.services, booking_emails=True), clock=chat.engine.clock
    )
    return chat


async def test_a_booking_turn_carries_one_email_and_says_where_it_goes() -> None:
    chat = mailing(Chat())
    for text in BOOK:
        assert (await chat.send(text)).emails == []
    before = chat.state

    first = await chat.send("sí", message_id="yes-1")
    chat.state = before  # the worker runs the same turn again
    again = await chat.send("sí", message_id="yes-1")

    [booking] = chat.pms.bookings.values()
    for out in (first, again):
        [email] = out.emails
        assert email.to == "ana@example.com" and booking.reference in email.subject
        assert email.subject.startswith("Reserva confirmada")
        [reply] = [r for r in out.replies if booking.reference in r.text]
        assert reply.text.endswith("Te envío también la confirmación a ana@example.com.")


async def test_a_rerun_cancellation_is_mailed_as_a_cancellation() -> None:
    chat = mailing(Chat())
    for text in BOOK:
        await chat.send(text)
    await chat.send("sí")
    await chat.send("quiero cancelar mi reserva")
    before = chat.state

    first = await chat.send("sí", message_id="yes-cancel")
    chat.state = before
    again = await chat.send("sí", message_id="yes-cancel")  # change_made reports it

    for out in (first, again):
        [email] = out.emails
        assert email.subject.startswith("Reserva cancelada"), email.subject
        assert "Te envío también la cancelación a ana@example.com." in text_of(out)


async def test_without_smtp_no_email_is_made_or_promised() -> None:
    chat = Chat()
    for text in BOOK:
        await chat.send(text)
    out = await chat.send("sí")
    assert out.emails == [] and "ana@example.com" not in text_of(out)
