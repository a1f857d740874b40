"""Booking e-mails, written once: the facts of a booking in the guest's language, rendered by
two Jinja2 templates beside this module (HTML, autoescaped, and plain text). Their words are
the catalogue's (`email.*` keys), so both languages stay complete together."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from hotel_agent.channels.email.message import Email
from hotel_agent.dialogue.responses.catalogue import Say

_TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class BookingEmailFacts:
    """What one booking e-mail says, already in the guest's language."""

    kind: str  # booked, changed or cancelled
    to: str
    guest_name: str
    hotel: str
    address: str | None
    reference: str
    arrival: str
    departure: str
    nights: str
    rooms: tuple[str, ...]  # one line per room: its name, and who sleeps in it when several
    party: str
    total: str
    check_in: str | None  # "Check-in from 15:00; …" (not in a cancellation)
    policy: str | None  # the hotel's cancellation policy, when its knowledge has one


@cache
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def booking_email(say: Say, facts: BookingEmailFacts) -> Email:
    """The confirmation, change or cancellation e-mail of one booking."""
    cancelled = facts.kind == "cancelled"
    subject = say(f"email.subject_{facts.kind}", reference=facts.reference, hotel=facts.hotel)
    context = {
        **asdict(facts),
        "say": say,
        "language": say.language,
        "subject": subject,
        "intro": say(f"email.intro_{facts.kind}", hotel=facts.hotel),
        "next_step": say("email.rebook" if cancelled else "email.manage"),
        "closing": say("email.closing_cancelled" if cancelled else "email.closing_stay"),
    }
    templates = _templates()
    return Email(
        to=facts.to,
        subject=subject,
        text=templates.get_template("booking_email.txt.j2").render(context),
        html=templates.get_template("booking_email.html.j2").render(context),
        sender_name=facts.hotel,
    )
