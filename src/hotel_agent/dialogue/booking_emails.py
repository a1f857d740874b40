"""A turn's booking e-mails: one for each booking it made, changed or cancelled (as its
`RecordingLedger` noted them), and a line in the chat's reply saying where it goes.

Only when the hotel sends e-mails (SMTP configured): otherwise nothing is promised.
"""

from __future__ import annotations

from collections.abc import Sequence

from hotel_agent.bookings.effects import BookingEffect, EffectKind
from hotel_agent.channels.email.message import Email, can_be_mailed
from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.responses.emails import BookingEmailFacts, booking_email
from hotel_agent.knowledge import HotelKnowledge
from hotel_agent.pms.port import Booking


def booking_emails(
    t: Turn, effects: Sequence[BookingEffect], knowledge: HotelKnowledge
) -> list[Email]:
    """The e-mails of the turn's effects; each is also announced in the reply reporting it.
    An address no e-mail can go to (too long to queue) gets neither the e-mail nor the promise."""
    emails = []
    for effect in effects:
        if not can_be_mailed(effect.booking.guest.email):
            continue
        email = booking_email(t.say, _facts(t, effect, knowledge))
        emails.append(email)
        _announce(t, effect, email.to)
    return emails


def _facts(t: Turn, effect: BookingEffect, knowledge: HotelKnowledge) -> BookingEmailFacts:
    booking, say = effect.booking, t.say
    stay = booking.stay
    hotel = t.hotel
    cancelled = effect.kind is EffectKind.CANCELLED
    check_in = None
    if hotel is not None and not cancelled:
        check_in = say(
            "email.check_in",
            check_in_time=say.clock(hotel.check_in_time),
            check_out_time=say.clock(hotel.check_out_time),
        )
    # The PMS's address line usually names the city already.
    address = (hotel.address or hotel.city) if hotel else None
    return BookingEmailFacts(
        kind=effect.kind.value,
        to=booking.guest.email,
        guest_name=booking.guest.first_name,
        hotel=t.hotel_name,
        address=address,
        reference=booking.reference,
        arrival=say.full_day(stay.check_in),
        departure=say.full_day(stay.check_out),
        nights=str((stay.check_out - stay.check_in).days),
        rooms=_rooms(t, booking),
        party=say.party(stay.adults, stay.children, stay.rooms),
        total=say.money(booking.total_price, booking.currency),
        check_in=check_in,
        policy=None if cancelled else knowledge.answer("cancellation_policy", t.language),
    )


def _rooms(t: Turn, booking: Booking) -> tuple[str, ...]:
    """One line per room; with several, who sleeps in each."""
    lines = booking.room_lines
    if len(lines) <= 1:
        return (t.room_name(booking.room_type_id),)
    return tuple(
        f"{t.room_name(line.room_type_id)} — {t.say.party(line.adults, line.children)}"
        for line in lines
    )


def _announce(t: Turn, effect: BookingEffect, address: str) -> None:
    """Add "I'm also sending … to {email}" to the reply that reports the effect (the last one
    naming the booking's reference), or as a reply of its own."""
    note = t.say(f"email.note_{effect.kind.value}", email=address)
    reference = effect.booking.reference
    for reply in reversed(t.replies):
        if reference in reply.text:
            reply.text = f"{reply.text}\n{note}"
            return
    t.reply(note)
