"""The booking e-mail's two parts: the same facts, the HTML escaped, each language complete."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hotel_agent.dialogue.responses import Say
from hotel_agent.dialogue.responses.emails import BookingEmailFacts, booking_email

FACTS = BookingEmailFacts(
    kind="booked",
    to="ana@example.com",
    guest_name="Ana",
    hotel="Hotel <Sol> & Mar",
    address="Calle Mayor 1, Alicante",
    reference="HS-7K2Q9D",
    arrival="jueves 14 de enero de 2027",
    departure="sábado 16 de enero de 2027",
    nights="2",
    rooms=("Doble Estándar — 2 adultos", "Individual — 1 adulto"),
    party="3 adultos en 2 habitaciones",
    total="310,00 €",
    check_in="Check-in a partir de las 15:00; check-out hasta las 12:00.",
    policy="Cancela gratis hasta 48 horas antes <de la llegada>.",
)


def test_html_is_escaped_and_text_is_not() -> None:
    email = booking_email(Say("es"), FACTS)

    assert "Hotel &lt;Sol&gt; &amp; Mar" in email.html and "<Sol>" not in email.html
    assert "antes &lt;de la llegada&gt;." in email.html
    assert "Hotel <Sol> & Mar" in email.text and "antes <de la llegada>." in email.text
    assert email.subject == "Reserva confirmada HS-7K2Q9D · Hotel <Sol> & Mar"
    assert email.sender_name == "Hotel <Sol> & Mar" and email.to == "ana@example.com"


def test_every_room_has_its_line_in_both_parts() -> None:
    email = booking_email(Say("es"), FACTS)
    for part in (email.text, email.html):
        assert "Doble Estándar — 2 adultos" in part and "Individual — 1 adulto" in part
        assert part.count("Habitación") == 2


@pytest.mark.parametrize(
    ("language", "kind", "subject", "closing"),
    [
        ("es", "changed", "Reserva modificada", "¡Te esperamos!"),
        ("es", "cancelled", "Reserva cancelada", "Esperamos recibirte en otra ocasión."),
        ("en", "changed", "Booking changed", "We look forward to welcoming you!"),
        ("en", "cancelled", "Booking cancelled", "We hope to welcome you another time."),
    ],
)
def test_each_kind_says_what_happened(language: str, kind: str, subject: str, closing: str) -> None:
    facts = replace(FACTS, kind=kind, policy=None, check_in=None)
    email = booking_email(Say(language), facts)
    assert email.subject.startswith(f"{subject} HS-7K2Q9D")
    assert closing in email.text and closing in email.html
    assert "15:00" not in email.text and "48" not in email.text
