"""The e-mail channel end to end, against real servers: guests' e-mails are left in a dovecot
mailbox (IMAP), the service reads them, answers through an aiosmtpd server (SMTP), threaded
under the guest's message; a conversation by e-mail books a room in the PMS; a mail fetched
twice is answered once; robots are never answered.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from hotel_agent.db.models import Direction, InboxEvent, Message
from hotel_agent.runtime import Runtime
from hotel_agent.staff.service import transcript
from tests.fakes.imap_server import ImapServer
from tests.fakes.mail_server import SENDER, MailServer
from tests.integration.channels.email.conftest import EmailGuest, MakeRuntime, said
from tests.integration.dialogue.guest import future_stay, spanish_range, the_booking
from tests.support import make_settings


async def test_an_email_conversation_books_a_room_with_threaded_replies(
    runtime: Runtime, mail: MailServer, imap: ImapServer
) -> None:
    guest = EmailGuest(imap, mail, "ana.ruiz@example.com", "Ana Ruiz")
    check_in, check_out = future_stay(days_ahead=50, nights=2)

    first = guest.compose(
        f"Hola, quiero reservar {spanish_range(check_in, check_out)} para 2 adultos"
    )
    first_id = str(first["Message-ID"])
    imap.deliver(bytes(first))
    [offer] = await mail.wait_for(1, timeout=30)
    guest.last_reply = offer
    assert offer["To"] == "ana.ruiz@example.com"
    assert offer["Subject"] == "Re: Reserva"
    assert offer["In-Reply-To"] == first_id and offer["References"] == first_id
    assert offer["Auto-Submitted"] == "auto-replied"
    assert offer.get_body(preferencelist=("html",)) is None  # plain text, numbered rooms
    assert "1. " in said(offer)

    chosen = await guest.writes("la primera")
    assert chosen["Subject"] == "Re: Reserva"  # never "Re: Re:"
    assert chosen["References"].split()[0] == first_id  # the whole thread, oldest first
    await guest.writes("Ana Ruiz, ana.ruiz@example.com")
    confirmed = await guest.writes("sí")

    booking = await the_booking(runtime, "ana.ruiz@example.com")
    assert booking.reference in said(confirmed)
    assert (booking.stay.check_in, booking.stay.check_out) == (check_in, check_out)
    # The booking's confirmation e-mail goes out too, through the same SMTP server.
    received = await mail.wait_for(5, timeout=30)
    assert any(m["Subject"].startswith("Reserva confirmada") for m in received)
    # The guest's words only reached the dialogue: no quote, no signature.
    async with runtime.sessions() as session:
        inbound = list(
            await session.scalars(
                select(Message.body)
                .where(Message.direction == Direction.INBOUND.value)
                .order_by(Message.id)
            )
        )
    assert inbound[1:] == ["la primera", "Ana Ruiz, ana.ruiz@example.com", "sí"]
    assert "Enviado desde" not in inbound[0] and inbound[0].startswith("Hola, quiero reservar")
    assert all("\\Seen" in flags for flags in imap.flags())


async def test_an_email_fetched_again_is_answered_once(
    runtime: Runtime, mail: MailServer, imap: ImapServer
) -> None:
    guest = EmailGuest(imap, mail, "twice@example.com", "Tom")
    message = guest.compose("What time is check-in?", subject="Question")
    imap.deliver(bytes(message))
    imap.deliver(bytes(message))  # the same mail twice (a re-delivery, a copy)
    [reply] = await mail.wait_for(1, timeout=30)
    assert reply["In-Reply-To"] == message["Message-ID"]

    imap.mark_all_unseen()  # staff's mail app marks everything unread: fetched again
    await _until_all_seen(imap)
    async with runtime.sessions() as session:
        events = await session.scalar(select(func.count()).select_from(InboxEvent))
    assert events == 1
    await asyncio.sleep(0.5)  # a second reply would have been sent by now (polls of 50 ms)
    assert len(mail.received) == 1


async def test_auto_replies_and_bounces_are_never_answered(
    runtime: Runtime, mail: MailServer, imap: ImapServer
) -> None:
    robots = []
    vacation = EmailGuest(imap, mail, "away@example.com", "Away").compose("I am on holiday")
    vacation["Auto-Submitted"] = "auto-replied"
    robots.append(vacation)
    bounce = EmailGuest(imap, mail, "MAILER-DAEMON@example.com", "Mail Delivery").compose(
        "Undelivered Mail Returned to Sender"
    )
    robots.append(bounce)
    ourselves = EmailGuest(imap, mail, SENDER, "Hotel Prueba").compose("our own reply, back")
    robots.append(ourselves)
    for robot in robots:
        imap.deliver(bytes(robot))
    real = EmailGuest(imap, mail, "person@example.com", "Person")
    reply = await real.writes("Do you have parking?", subject="Parking")

    await _until_all_seen(imap)
    assert [m["To"] for m in mail.received] == ["person@example.com"]
    assert reply["Subject"] == "Re: Parking"


async def test_attachments_are_listed_for_staff(
    runtime: Runtime, mail: MailServer, imap: ImapServer
) -> None:
    guest = EmailGuest(imap, mail, "files@example.com", "Files")
    message = guest.compose("Here is my passport for the check-in.", subject="Documents")
    message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf",
                           filename="pasaporte.pdf")  # fmt: skip
    imap.deliver(bytes(message))
    await mail.wait_for(1, timeout=30)

    async with runtime.sessions() as session:
        conversation_id = await session.scalar(select(Message.conversation_id).limit(1))
        assert conversation_id is not None
        shown = await transcript(session, conversation_id)
    assert shown is not None
    guest_message = shown.messages[0]
    assert guest_message.text == "Here is my passport for the check-in."
    assert guest_message.attachments == ["pasaporte.pdf (application/pdf)"]


async def _until_all_seen(imap: ImapServer) -> None:
    async with asyncio.timeout(30):
        while not all("\\Seen" in flags for flags in await asyncio.to_thread(imap.flags)):
            await asyncio.sleep(0.05)


async def test_a_mailbox_down_at_start_is_read_once_it_is_up(
    make_runtime: MakeRuntime, sqlite_url: str, mail: MailServer
) -> None:
    imap = ImapServer()  # not started yet: connections are refused
    try:
        settings = make_settings(
            sqlite_url, smtp=mail.settings(), imap=imap.settings(poll_seconds=1)
        )
        runtime = await make_runtime(settings)
        runtime.start_background()
        await asyncio.sleep(0.5)  # the poller has failed to connect by now, and waits
        await asyncio.to_thread(imap.run)
        guest = EmailGuest(imap, mail, "patient@example.com", "Pat")
        reply = await guest.writes("Is there a lift?", subject="Lift")
        assert reply["To"] == "patient@example.com" and reply["Subject"] == "Re: Lift"
    finally:
        imap.stop()
