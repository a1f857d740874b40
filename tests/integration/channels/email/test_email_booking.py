"""A guest booking by e-mail is not asked for an e-mail address: the one they write from is the
booking's, said when their name is asked and shown in the summary, where another may be given."""

from __future__ import annotations

from hotel_agent.runtime import Runtime
from tests.fakes.imap_server import ImapServer
from tests.fakes.mail_server import MailServer
from tests.integration.channels.email.conftest import EmailGuest, said
from tests.integration.dialogue.guest import english_range, future_stay, spanish_range, the_booking


async def test_the_address_written_from_is_the_bookings_in_english(
    runtime: Runtime, mail: MailServer, imap: ImapServer
) -> None:
    guest = EmailGuest(imap, mail, "john.smith@example.com", "John Smith")
    check_in, check_out = future_stay(days_ahead=40, nights=2)
    await guest.writes(
        f"Hello, I'd like to book a room {english_range(check_in, check_out)} for 2 adults",
        subject="Booking",
    )
    asked = said(await guest.writes("the first one"))
    assert "Who should the booking be under?" in asked
    assert "john.smith@example.com, the address you're writing from" in asked
    assert "an e-mail address" not in asked

    summary = said(await guest.writes("John Smith"))
    assert "Under the name John Smith (john.smith@example.com)" in summary
    confirmed = said(await guest.writes("yes"))

    booking = await the_booking(runtime, "john.smith@example.com")
    assert booking.reference in confirmed
    assert booking.guest.name == "John Smith"


async def test_another_address_given_at_the_summary_replaces_it_in_spanish(
    runtime: Runtime, mail: MailServer, imap: ImapServer
) -> None:
    guest = EmailGuest(imap, mail, "lucia.gomez@empresa.example", "Lucía Gómez")
    check_in, check_out = future_stay(days_ahead=45, nights=3)
    await guest.writes(f"Hola, quiero reservar {spanish_range(check_in, check_out)} para 2 adultos")
    asked = said(await guest.writes("la primera"))
    assert "¿A nombre de quién hago la reserva?" in asked
    assert "lucia.gomez@empresa.example, la dirección desde la que escribes" in asked
    assert "un correo electrónico" not in asked

    summary = said(await guest.writes("Lucía Gómez"))
    assert "A nombre de Lucía Gómez (lucia.gomez@empresa.example)" in summary
    corrected = said(await guest.writes("mejor a mi correo personal, lucia.gomez@example.com"))
    assert "(lucia.gomez@example.com)" in corrected
    assert "empresa.example" not in corrected
    confirmed = said(await guest.writes("sí"))

    booking = await the_booking(runtime, "lucia.gomez@example.com")
    assert booking.reference in confirmed
    assert await runtime.pms.find_bookings(email="lucia.gomez@empresa.example") == []
