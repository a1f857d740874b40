"""What goes over the wire to QloApps and back: request bodies and answer parsing (no I/O).

QloApps' own shapes stay here; the adapter sees port types and a few small records.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from hotel_agent.pms.errors import InvalidStay, PmsError
from hotel_agent.pms.port import (
    Booking,
    BookingStatus,
    GuestDetails,
    RoomLine,
    Stay,
    even_rooms,
)

Json = dict[str, Any]
CENT = Decimal("0.01")
SOURCE = "agente-hotelero"
# Characters with a meaning inside PrestaShop's `filter[field]=[value]` syntax.
_FILTER_SYNTAX = frozenset("[]|%")


def money(value: object) -> Decimal:
    try:
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise PmsError(f"QloApps sent a price that is not a number: {value!r}") from exc


def number(value: object) -> int:
    """QloApps sends ids and counts as numbers or as strings ("1"), depending on the resource."""
    try:
        return int(str(value))
    except ValueError as exc:
        raise PmsError(f"QloApps sent {value!r} where a number was expected") from exc


def text(value: object) -> str:
    """A field that is a string, or PrestaShop's multilingual `[{"id": 1, "value": ...}]`."""
    if isinstance(value, list):
        values = [str(item.get("value", "")) for item in value if isinstance(item, dict)]
        return next((v for v in values if v), "")
    return "" if value is None else str(value)


def rows(body: Json, resource: str) -> list[Json]:
    found = body.get(resource, [])
    return [row for row in found if isinstance(row, dict)] if isinstance(found, list) else []


def filter_value(value: str) -> str | None:
    """`[value]` for a `filter[...]` parameter, or None when the value would be read as syntax."""
    value = value.strip()
    if not value or _FILTER_SYNTAX & set(value):
        return None
    return f"[{value}]"


def ages(value: object) -> list[int]:
    """Children's ages as QloApps stores them: JSON text ("[4, 9]"), or nothing."""
    try:
        decoded = json.loads(str(value)) if value else []
    except ValueError:
        return []
    return [number(age) for age in decoded] if isinstance(decoded, list) else []


def clock(value: object) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError as exc:
        raise PmsError(f"QloApps sent a check-in/out time that is not HH:MM: {value!r}") from exc


def occupancies(stay: Stay) -> list[tuple[int, int]]:
    """(adults, children) per room, spread as evenly as the party allows, largest first."""
    if stay.adults < stay.rooms:
        # QloApps books every room for at least one adult.
        raise InvalidStay("each room needs at least one adult")
    return [(line.adults, line.children) for line in even_rooms(stay, "")]


def source_tag(idempotency_key: str) -> str:
    """The `source` a booking made for this key carries: QloApps has no idempotency key, but it
    stores and returns `source`. A digest keeps the key's content out of the hotel's back office
    and the field short; 64 bits cannot collide among one guest's bookings."""
    return f"{SOURCE}:{hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]}"


# -- hotel_ari -------------------------------------------------------------------------------


def ari_request(
    hotel_id: int,
    check_in: date,
    check_out: date,
    rooms: Iterable[tuple[int, int]],
    *,
    room_type_id: int | None = None,
) -> str:
    """The XML body `POST hotel_ari` insists on (it refuses JSON)."""
    root = ET.Element("qloapps")
    ari = ET.SubElement(root, "hotel_ari")
    fields: dict[str, object] = {"id_hotel": hotel_id, "date_from": check_in, "date_to": check_out}
    if room_type_id is not None:
        fields["id_room_type"] = room_type_id
    fields |= {"get_available_rooms": 1, "date_wise_breakdown": 0}
    for name, value in fields.items():
        ET.SubElement(ari, name).text = str(value)
    occupancy_list = ET.SubElement(ET.SubElement(ari, "associations"), "room_occupancies")
    for adults, children in rooms:
        occupancy = ET.SubElement(occupancy_list, "room_occupancy")
        ET.SubElement(occupancy, "adults").text = str(adults)
        ET.SubElement(occupancy, "children").text = str(children)
    return ET.tostring(root, encoding="unicode")


@dataclass(frozen=True)
class AriRoomType:
    id: str
    total: Decimal  # whole stay, all the occupancies asked for, before tax
    total_with_tax: Decimal
    available: int

    @property
    def tax_rate(self) -> Decimal:
        return self.total_with_tax / self.total - 1 if self.total else Decimal(0)


def ari_room_types(body: Json) -> list[AriRoomType]:
    ari = body.get("hotel_ari")
    if not isinstance(ari, dict):
        raise PmsError("QloApps answered hotel_ari without a hotel_ari object")
    found = []
    for row in ari.get("room_types") or []:
        rooms = row.get("rooms") if isinstance(row, dict) else None
        # `available` is an object keyed by room id; PHP encodes an empty one as `[]`.
        available = rooms.get("available") if isinstance(rooms, dict) else None
        found.append(
            AriRoomType(
                id=str(number(row["id_room_type"])),
                total=money(row.get("total_price", row["total_price_with_tax"])),
                total_with_tax=money(row["total_price_with_tax"]),
                available=len(available) if isinstance(available, dict | list) else 0,
            )
        )
    return found


def order_history(order_id: int, state_id: int) -> str:
    """The XML body `POST order_histories` takes (it refuses JSON): an order's new state."""
    root = ET.Element("qloapps")
    history = ET.SubElement(root, "order_history")
    ET.SubElement(history, "id_order").text = str(order_id)
    ET.SubElement(history, "id_order_state").text = str(state_id)
    return ET.tostring(root, encoding="unicode")


# -- bookings --------------------------------------------------------------------------------


def stay_entries(
    check_in: date, check_out: date, lines: list[RoomLine], services: Mapping[str, list[int]]
) -> list[Json]:
    """The `room_types` of a booking: one entry per room type, in the order its rooms first
    come, each room with its party, its children's ages and its type's automatic services."""
    by_type: dict[str, list[RoomLine]] = {}
    for line in lines:
        by_type.setdefault(line.room_type_id, []).append(line)
    return [
        {
            "id_room_type": int(room_type_id),
            "checkin_date": check_in.isoformat(),
            "checkout_date": check_out.isoformat(),
            "number_of_rooms": len(rooms),
            # No prices: any price field sent would override the hotel's own.
            "rooms": [_room(line, services.get(room_type_id, [])) for line in rooms],
        }
        for room_type_id, rooms in by_type.items()
    ]


def _room(line: RoomLine, services: list[int]) -> Json:
    # Singular `adult`/`child`: QloApps silently ignores `adults`. It also stores no child at
    # all unless each comes with its age (formatOccupancyInRequestData).
    if len(line.child_ages) != line.children:
        raise InvalidStay(
            f"{line.children} child(ren) need their ages ({len(line.child_ages)} given)",
            reason="child_ages",
        )
    room: Json = {"adult": line.adults, "child": line.children}
    if line.children:
        room["child_ages"] = list(line.child_ages)
    if services:
        room["services"] = [{"id_service": service} for service in services]
    return room


def same_booking(asked: Stay, lines: list[RoomLine], stored: Booking) -> bool:
    """Whether QloApps stored what was asked (it can answer 200 and store something else)."""
    fields = ("check_in", "check_out", "adults", "children", "rooms")

    def rooms(booked: list[RoomLine]) -> list[tuple[str, int, int]]:
        return sorted((line.room_type_id, line.adults, line.children) for line in booked)

    return rooms(lines) == rooms(stored.room_lines) and all(
        getattr(asked, name) == getattr(stored.stay, name) for name in fields
    )


def new_booking(
    *,
    hotel_id: int,
    currency: str,
    stays: list[Json],
    guest: GuestDetails,
    tag: str,
    notes: str | None,
) -> Json:
    booking: Json = {
        "id_property": hotel_id,
        "currency": currency,
        "booking_status": 1,  # new
        "payment_status": 3,  # awaiting payment
        "source": tag,
        "associations": {
            "customer_detail": {
                "firstname": guest.first_name,
                "lastname": guest.last_name,
                "email": guest.email.strip(),
                "phone": (guest.phone or "").strip(),
            },
            "payment_detail": {"payment_type": "pay at hotel"},
            "room_types": stays,
        },
    }
    if notes:
        booking["remark"] = notes
    return {"booking": booking}


def booking_update(raw: Json, *, hotel_id: int, room_types: list[Json], status: int | None) -> Json:
    """A `PUT bookings/{id}` body: QloApps reads the id from the body only, and `room_types` is
    the full desired state (stays left out are removed)."""
    customer = raw["associations"]["customer_detail"]
    booking: Json = {
        "id": number(raw["id"]),
        "id_property": hotel_id,
        "currency": raw.get("currency"),
        "source": raw.get("source"),
        "associations": {
            "customer_detail": {
                key: customer.get(key) for key in ("firstname", "lastname", "email", "phone")
            },
            "room_types": room_types,
        },
    }
    if status is not None:
        booking["booking_status"] = status
    return {"booking": booking}


def booking_of(raw: Json, order: Json, status: BookingStatus) -> Booking:
    """A port `Booking` from `GET bookings/{id}` (the stay) and its order (reference, state)."""
    try:
        details = raw["associations"]
        entries = details["room_types"]
        customer = details["customer_detail"]
        # The agent books all its rooms for the same dates; of a booking staff made with
        # several stays, the rooms of the first stay's dates are shown.
        first = entries[0]
        dates = (str(first["checkin_date"])[:10], str(first["checkout_date"])[:10])
        lines = [
            RoomLine(
                room_type_id=str(number(entry["id_room_type"])),
                # Answers say `adults` (plural) where requests say `adult`.
                adults=number(room.get("adults", 0)),
                children=number(room.get("child", 0)),
            )
            for entry in entries
            if (str(entry["checkin_date"])[:10], str(entry["checkout_date"])[:10]) == dates
            for room in entry.get("rooms") or []
        ]
        stay = Stay(
            check_in=date.fromisoformat(dates[0]),
            check_out=date.fromisoformat(dates[1]),
            adults=sum(line.adults for line in lines),
            children=sum(line.children for line in lines),
            rooms=len(lines),
        )
        name = f"{text(customer.get('firstname'))} {text(customer.get('lastname'))}".strip()
        return Booking(
            pms_id=str(number(raw["id"])),
            reference=text(order.get("reference")) or str(number(raw["id"])),
            status=status,
            stay=stay,
            room_type_id=str(number(first["id_room_type"])),
            room_lines=lines,
            guest=GuestDetails(
                name=name,
                email=text(customer.get("email")),
                phone=text(customer.get("phone")) or None,
            ),
            total_price=booked_total(details),
            currency=text(raw.get("currency")),
            created_at=_timestamp(raw.get("booking_date")),
        )
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        # A missing key is named; other errors could quote the guest's details, so only typed.
        detail = repr(exc) if isinstance(exc, KeyError) else type(exc).__name__
        raise PmsError(f"QloApps sent a booking this adapter cannot read: {detail}") from exc


def booked_total(details: Mapping[str, Any]) -> Decimal:
    """What the guest will pay, tax included, as QloApps booked it (see the price caveat in
    `adapter.py`)."""
    prices = details["price_details"]
    return money(prices["total_price_without_tax"]) + money(prices["total_tax"])


def _timestamp(value: object) -> datetime | None:
    # The shop's local time, without a zone: QloApps does not say which.
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None
