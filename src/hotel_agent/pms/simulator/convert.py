"""Rows to port types and back, booking references, and the keys guests are looked up by."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from hotel_agent.db.models.pms_simulator import SimBooking, SimRoomType
from hotel_agent.db.types import utcnow
from hotel_agent.pms.port import (
    Booking,
    BookingRequest,
    BookingStatus,
    GuestDetails,
    RoomLine,
    RoomType,
    Stay,
)

# No 0/O, 1/I/L: a guest reads the reference aloud or types it from a screenshot.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_PREFIX = "HS-"
_REFERENCE_LENGTH = 6
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


def new_reference() -> str:
    """A reference like `HS-7K2Q9D`."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(_REFERENCE_LENGTH))
    return REFERENCE_PREFIX + code


def normalize_reference(text: str) -> str:
    """What a guest typed (`hs 7k2q9d`, `HS7K2Q9D`, `7K2Q9D`) as a stored reference."""
    code = _NOT_ALNUM.sub("", text.upper())
    prefix = REFERENCE_PREFIX.rstrip("-")
    if len(code) == len(prefix) + _REFERENCE_LENGTH and code.startswith(prefix):
        code = code[len(prefix) :]
    return REFERENCE_PREFIX + code if len(code) == _REFERENCE_LENGTH else code


def email_key(email: str) -> str:
    return email.strip().lower()


def phone_key(phone: str | None) -> str | None:
    """The phone's digits only, so formatting and a leading + never matter."""
    digits = "".join(char for char in phone or "" if char.isdigit())
    return digits or None


def room_type_from_row(row: SimRoomType) -> RoomType:
    return RoomType(
        id=row.code,
        names=dict(row.names),
        descriptions=dict(row.descriptions),
        max_adults=row.max_adults,
        max_children=row.max_children,
        max_guests=row.max_guests,
        amenities=list(row.amenities),
    )


def booking_from_row(row: SimBooking, today: date) -> Booking:
    """The booking as the port shows it; a confirmed stay whose nights are over is completed."""
    status = BookingStatus(row.status)
    if status is BookingStatus.CONFIRMED and row.check_out <= today:
        status = BookingStatus.COMPLETED
    return Booking(
        pms_id=str(row.id),
        reference=row.reference,
        status=status,
        stay=Stay(
            check_in=row.check_in,
            check_out=row.check_out,
            adults=row.adults,
            children=row.children,
            rooms=row.rooms,
        ),
        room_type_id=row.room_type.code,
        guest=GuestDetails(name=row.guest_name, email=row.guest_email, phone=row.guest_phone),
        total_price=row.total_price,
        currency=row.currency,
        created_at=row.created_at,
        room_lines=[
            RoomLine(
                room_type_id=line.room_type.code,
                adults=line.adults,
                children=line.children,
                child_ages=[int(age) for age in line.child_ages],
            )
            for line in row.room_lines
        ],
    )


def request_digest(request: BookingRequest) -> str:
    """Identifies a create request, to tell a replay from a different request with its key."""
    # Without room lines the request is digested as before they existed, so a replay of a
    # booking made then still matches.
    exclude = None if request.room_lines else {"room_lines"}
    return hashlib.sha256(request.model_dump_json(exclude=exclude).encode()).hexdigest()


def new_booking_values(
    request: BookingRequest, *, room_type_id: int, total: Decimal, currency: str
) -> dict[str, Any]:
    """The row of a new confirmed booking, except its reference."""
    stay, guest, now = request.stay, request.guest, utcnow()
    return {
        "status": BookingStatus.CONFIRMED.value,
        "room_type_id": room_type_id,
        "check_in": stay.check_in,
        "check_out": stay.check_out,
        "adults": stay.adults,
        "children": stay.children,
        "rooms": stay.rooms,
        "guest_name": guest.name.strip(),
        "guest_email": guest.email.strip(),
        "guest_phone": guest.phone.strip() if guest.phone else None,
        "email_key": email_key(guest.email),
        "phone_key": phone_key(guest.phone),
        "notes": request.notes,
        "total_price": total,
        "currency": currency,
        "idempotency_key": request.idempotency_key,
        "request_digest": request_digest(request),
        "created_at": now,
        "updated_at": now,
    }
