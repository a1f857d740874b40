"""Booking e-mails end to end: a guest books, changes and cancels through the web chat, and a
real SMTP server (aiosmtpd) receives one e-mail for each, in the guest's language, through the
outbox: retried while the server is down, dead-lettered with its reason when it refuses.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from hotel_agent.channels.email.message import ADDRESS_MAX_CHARS
from hotel_agent.db.models import DeadLetter, Direction, Message, OutboxItem, OutboxKind
from hotel_agent.db.models.outbox_item import RECIPIENT_CHARS
from hotel_agent.dialogue.port import DialogueEngine, TurnInput, TurnOutput
from hotel_agent.dialogue.responses import Say
from hotel_agent.pms.port import BookingStatus
from hotel_agent.runtime import Runtime
from tests.fakes.mail_server import MailServer, parts
from tests.integration.dialogue.guest import (
    Guest,
    english_range,
    future_stay,
    spanish_range,
    the_booking,
)
from tests.support import asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


async def mailing_runtime(
    make_runtime: MakeRuntime,
    database_url: str,
    mail: MailServer,
    *,
    wrap: Callable[[DialogueEngine], DialogueEngine] | None = None,
) -> Runtime:
    settings = make_settings(database_url, queue={"retry_max_seconds": 0.2}, smtp=mail.settings())
    runtime = await make_runtime(settings)
    if wrap is not None:
        runtime.dialogue = wrap(runtime.dialogue)
    runtime.start_background()
    return runtime


@pytest.fixture
async def runtime(make_runtime: MakeRuntime, sqlite_url: str, mail: MailServer) -> Runtime:
    return await mailing_runtime(make_runtime, sqlite_url, mail)


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(runtime) as http:
        yield http


async def book(guest: Guest, email: str, *, language: str, days_ahead: int) -> str:
    """Chat to a booking of 2 adults for 2 nights; what the bot said to the "yes"."""
    check_in, check_out = future_stay(days_ahead=days_ahead, nights=2)
    if language == "es":
        await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
        await guest.hears("la primera")
        await guest.hears(f"Ana Ruiz, {email}")
        return await guest.hears("sí")
    await guest.hears(f"I'd like to book {english_range(check_in, check_out)} for 2 adults")
    await guest.hears("the first one")
    await guest.hears(f"Anna Smith, {email}")
    return await guest.hears("yes")


async def email_rows(runtime: Runtime) -> list[OutboxItem]:
    async with runtime.sessions() as session:
        rows = await session.scalars(
            select(OutboxItem).where(OutboxItem.kind == OutboxKind.EMAIL).order_by(OutboxItem.id)
        )
        return list(rows)


async def settled_email_rows(runtime: Runtime, count: int) -> list[OutboxItem]:
    """The e-mail rows once `count` exist and none is waiting to be sent any more."""
    async with asyncio.timeout(15):
        while True:
            rows = await email_rows(runtime)
            if len(rows) >= count and all(row.state in ("sent", "dead") for row in rows):
                return rows
            await asyncio.sleep(0.05)


@pytest.mark.parametrize(
    ("language", "email", "note", "subject", "greeting", "party", "policy", "arrival"),
    [
        ("es", "ana.ruiz@example.com", "Te envío también la confirmación a", "Reserva confirmada",
         "Hola, Ana:", "2 adultos", "Puedes cancelar gratis", "Llegada: "),
        ("en", "anna.smith@example.com", "I'm also sending the confirmation to",
         "Booking confirmed", "Hello Anna,", "2 adults", "You can cancel free of charge",
         "Arrival: "),
    ],
)  # fmt: skip
async def test_a_booking_is_confirmed_by_one_email_with_everything_in_its_language(
    client: httpx.AsyncClient,
    runtime: Runtime,
    mail: MailServer,
    language: str,
    email: str,
    note: str,
    subject: str,
    greeting: str,
    party: str,
    policy: str,
    arrival: str,
) -> None:
    said = await book(Guest(client), email, language=language, days_ahead=40)

    assert f"{note} {email}" in said
    booking = await the_booking(runtime, email)
    hotel = await runtime.pms.hotel()
    [row] = await settled_email_rows(runtime, 1)
    assert row.state == "sent" and row.recipient == email
    [message] = mail.received
    assert message["To"] == email
    assert message["Subject"] == f"{subject} {booking.reference} · {hotel.name}"
    assert message["From"].addresses[0].display_name == hotel.name
    text, html = parts(message)
    say = Say(language)
    assert f"{arrival}{say.full_day(booking.stay.check_in)}" in text
    for part in (text, html):
        assert booking.reference in part
        assert say.full_day(booking.stay.check_in) in part
        assert say.full_day(booking.stay.check_out) in part
        assert say.money(booking.total_price, booking.currency) in part
        assert say.clock(hotel.check_in_time) in part  # check-in time
        assert policy in part  # the hotel's cancellation policy
        assert greeting in part and party in part
    assert f'<html lang="{language}">' in html and f"<strong>{booking.reference}" in html


async def test_a_change_and_a_cancellation_each_send_their_email(
    client: httpx.AsyncClient, runtime: Runtime, mail: MailServer
) -> None:
    guest = Guest(client)
    await book(guest, "change.me@example.com", language="en", days_ahead=42)
    before = await the_booking(runtime, "change.me@example.com")
    new_in = before.stay.check_in + timedelta(days=5)
    new_out = new_in + timedelta(days=2)

    said = await guest.hears(f"I want to change my booking to {english_range(new_in, new_out)}")
    assert before.reference in said
    said = await guest.hears("yes")
    assert "I'm also sending the updated booking to change.me@example.com" in said
    changed = await mail.wait_for(2)
    assert changed[1]["Subject"].startswith(f"Booking changed {before.reference} · ")
    text, _ = parts(changed[1])
    assert f"Arrival: {Say('en').full_day(new_in)}" in text

    await guest.hears("cancel my booking")
    said = await guest.hears("yes")
    assert "I'm also sending the cancellation to change.me@example.com" in said
    assert (await runtime.pms.get_booking(before.pms_id)).status is BookingStatus.CANCELLED
    cancelled = await mail.wait_for(3)
    assert cancelled[2]["Subject"].startswith(f"Booking cancelled {before.reference} · ")
    text, html = parts(cancelled[2])
    assert "has been cancelled" in text and before.reference in html
    assert "Check-in from" not in text and "Cancellation policy" not in text
    assert len(await settled_email_rows(runtime, 3)) == 3


@dataclass
class CrashAfterWriting:
    """The worker dies once after the PMS write of a turn, before the turn commits (the
    engine's answer is lost): the turn runs again."""

    engine: DialogueEngine
    crashes: int = 0

    async def handle(self, turn: TurnInput) -> TurnOutput:
        output = await self.engine.handle(turn)
        if output.emails and not self.crashes:
            self.crashes += 1
            raise RuntimeError("worker died between the PMS booking and the commit")
        return output


async def test_a_retried_confirmation_turn_sends_one_email(
    make_runtime: MakeRuntime, database_url: str, mail: MailServer
) -> None:
    crashing: list[CrashAfterWriting] = []

    def wrap(engine: DialogueEngine) -> DialogueEngine:
        crashing.append(CrashAfterWriting(engine))
        return crashing[0]

    runtime = await mailing_runtime(make_runtime, database_url, mail, wrap=wrap)
    async with asgi_client(runtime) as client:
        guest = Guest(client)
        await book(guest, "twice.yes@example.com", language="es", days_ahead=43)
        [message] = await mail.wait_for(1)
        await guest.hears("sí")  # said again: nothing is left to confirm
        [row] = await settled_email_rows(runtime, 1)

    assert crashing[0].crashes == 1
    booking = await the_booking(runtime, "twice.yes@example.com")  # one booking in the PMS
    assert booking.reference in message["Subject"]
    assert row.state == "sent" and row.attempts == 1
    assert len(mail.received) == 1
    transcript = await guest_replies(runtime)
    assert sum("Te envío también la confirmación" in text for text in transcript) == 1


async def guest_replies(runtime: Runtime) -> list[str]:
    async with runtime.sessions() as session:
        outbound = Message.direction == Direction.OUTBOUND
        rows = await session.scalars(select(Message.body).where(outbound))
        return list(rows)


async def test_an_email_waits_while_the_server_is_down_and_goes_when_it_is_back(
    client: httpx.AsyncClient, runtime: Runtime, mail: MailServer
) -> None:
    mail.stop()
    said = await book(Guest(client), "patient@example.com", language="en", days_ahead=44)
    booking = await the_booking(runtime, "patient@example.com")
    assert booking.reference in said  # the chat's replies never wait for the mail server

    async with asyncio.timeout(15):
        while True:
            [row] = await email_rows(runtime)
            # Between attempts, not during one: a row being tried is "processing".
            if row.attempts >= 2 and row.state != "processing":
                break
            await asyncio.sleep(0.05)
    assert row.state == "pending" and "smtp_unavailable" in (row.last_error or "")

    mail.start()
    [message] = await mail.wait_for(1)
    assert booking.reference in message["Subject"]
    [row] = await settled_email_rows(runtime, 1)
    assert row.state == "sent"


async def test_a_refused_email_is_dead_lettered_with_the_servers_reason(
    client: httpx.AsyncClient, runtime: Runtime, mail: MailServer
) -> None:
    mail.refuse_recipients = "550 5.1.1 <nobody@example.com>: no such mailbox"
    await book(Guest(client), "nobody@example.com", language="es", days_ahead=45)

    [row] = await settled_email_rows(runtime, 1)
    assert row.state == "dead"
    async with runtime.sessions() as session:
        [letter] = await session.scalars(
            select(DeadLetter).where(DeadLetter.source == "outbox", DeadLetter.source_id == row.id)
        )
    assert (letter.channel, letter.reason, letter.error_code) == ("email", "smtp_rejected", 550)
    assert "no such mailbox" in (letter.detail or "")
    assert mail.received == []


async def test_without_smtp_nothing_is_queued_or_promised(
    make_runtime: MakeRuntime, sqlite_url: str
) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    runtime.start_background()
    async with asgi_client(runtime) as client:
        said = await book(Guest(client), "no.mail@example.com", language="es", days_ahead=46)
    assert "HS-" in said and "Te envío" not in said and "no.mail@" not in said
    assert await email_rows(runtime) == []


async def test_an_address_too_long_to_queue_gets_no_email_and_no_promise(
    client: httpx.AsyncClient, runtime: Runtime, mail: MailServer
) -> None:
    # 143 characters: a valid address (labels under 64), longer than any e-mail is sent to.
    email = "ana.ruiz@" + ".".join(["a" * 40] * 3) + ".example.com"
    assert len(email) > ADDRESS_MAX_CHARS

    said = await book(Guest(client), email, language="es", days_ahead=48)

    assert "HS-" in said, "the booking itself is made"
    assert "Te envío" not in said and "ana.ruiz@" not in said
    assert await email_rows(runtime) == []
    assert mail.received == []


def test_every_address_an_email_goes_to_fits_the_outbox() -> None:
    assert ADDRESS_MAX_CHARS <= RECIPIENT_CHARS
