"""How the fake QloApps validates booking bodies, with the messages QloApps answers.

Only some messages were observed on a live QloApps ("Please provide valid currency.", "...a
valid id_property.", "...a valid first name.", "id is required with PUT requests.", "Requested
room(s) not available."); the others follow their pattern.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tests.fakes.qloapps import demo
from tests.fakes.qloapps.records import Rejected, to_int

ROOMS_NOT_AVAILABLE = "Requested room(s) not available."
# PrestaShop's Validate::isName and isPhoneNumber, and a simpler isEmail.
_NAME = re.compile(r"^[^0-9!<>,;?=+()@#\"°{}_$%:¤|]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9]+$")
_PHONE = re.compile(r"^[+0-9. ()/-]+$")


def associations(booking: dict[str, Any]) -> dict[str, Any]:
    found = booking.get("associations")
    return found if isinstance(found, dict) else {}


def check_property(booking: dict[str, Any]) -> None:
    if booking.get("currency") not in {c["iso_code"] for c in demo.CURRENCIES}:
        raise Rejected("Please provide valid currency.")
    if to_int(booking.get("id_property", 0)) != demo.HOTEL_ID:
        raise Rejected("Please provide a valid id_property.")


def check_customer(detail: dict[str, Any]) -> None:
    checks = (
        ("firstname", _NAME, "Please provide a valid first name."),
        ("lastname", _NAME, "Please provide a valid last name."),
        ("email", _EMAIL, "Please provide a valid email."),
        ("phone", _PHONE, "Please provide a valid phone number."),
    )
    for name, pattern, message in checks:
        if not pattern.match(str(detail.get(name) or "")):
            raise Rejected(message)


def requested_stays(booking: dict[str, Any]) -> list[dict[str, Any]]:
    """The stays asked for, validated, with dates parsed and one occupancy per room (`listed`
    says whether the request listed its rooms)."""
    entries = associations(booking).get("room_types")
    if not isinstance(entries, list) or not entries:
        raise Rejected("Please provide room types.")
    stays = []
    for entry in entries:
        if to_int(entry.get("id_room_type", 0)) not in {p["id"] for p in demo.ROOM_TYPES}:
            raise Rejected("Please provide a valid id_room_type.")
        try:
            date_from = date.fromisoformat(str(entry["checkin_date"])[:10])
            date_to = date.fromisoformat(str(entry["checkout_date"])[:10])
        except (KeyError, ValueError):
            date_from = date_to = date.min
        # The only date rule: no policy on past or far-future dates.
        if date_to <= date_from:
            raise Rejected("Please provide valid checkin_date and checkout_date.")
        count = to_int(entry.get("number_of_rooms", 0))
        if count < 1:
            raise Rejected("Please provide a valid number_of_rooms.")
        rooms = entry.get("rooms")
        if rooms is not None and (not isinstance(rooms, list) or len(rooms) != count):
            raise Rejected("Number of rooms must match number_of_rooms.")
        stays.append(
            {
                "id_room_type": to_int(entry["id_room_type"]),
                "from": date_from,
                "to": date_to,
                "number_of_rooms": count,
                "rooms": rooms if rooms is not None else [{}] * count,
                "listed": rooms is not None,
            }
        )
    return stays


def stay_key(stay: dict[str, Any]) -> tuple[int, date, date]:
    return stay["id_room_type"], stay["from"], stay["to"]


def children(room: dict[str, Any]) -> dict[str, Any]:
    """`child` counts only with `child_ages`: without them QloApps stores no child at all
    (formatOccupancyInRequestData)."""
    ages = room.get("child_ages")
    if not isinstance(ages, list) or not ages:
        return {"children": 0, "child_ages": []}
    return {"children": to_int(room.get("child", 0)), "child_ages": [to_int(a) for a in ages]}


def requested_services(room: dict[str, Any]) -> list[int]:
    ids = [to_int(service.get("id_service")) for service in room.get("services") or []]
    if any(id_service not in demo.SERVICE_PRICES for id_service in ids):
        raise Rejected("Service is not linked with the requested room type.")
    return ids
