"""PrestaShop webservice conventions the fake follows: `display` and `filter[...]` on lists,
XML output unless `output_format=JSON`, and the XML body `hotel_ari` takes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from tests.fakes.qloapps import demo

Answer = tuple[int, Any]  # HTTP status, payload (None for an empty body)

SINGULAR = {
    "hotels": "hotel",
    "room_types": "room_type",
    "hotel_room_types": "hotel_room_type",
    "hotel_rooms": "hotel_room",
    "currencies": "currency",
    "order_states": "order_state",
    "customers": "customer",
    "orders": "order",
    "bookings": "booking",
    "services": "service",
    "room_occupancies": "room_occupancy",
    "room_bookings": "booking",
}


# Lists named otherwise than their resource: `room_bookings` (HotelBookingDetail) answers
# `{"bookings": [...]}`.
LIST_NODE = {"room_bookings": "bookings"}


def error(message: str, code: int = 100, status: int = 400) -> Answer:
    return status, {"errors": [{"code": code, "message": message}]}


def listing(resource: str, rows: list[dict[str, Any]], params: dict[str, str]) -> Answer:
    """A list answer: only ids unless `display` asks for more, filtered by `filter[field]`."""
    fields = set(rows[0]) if rows else {"id"}
    for key, raw in params.items():
        if not (key.startswith("filter[") and key.endswith("]")):
            continue
        name = key[len("filter[") : -1]
        if rows and name not in fields:
            return error(f'This filter does not exist for this linked table: "{name}"', 32)
        # `[a|b]` means a or b; MySQL compares case-insensitively.
        wanted = {value.lower() for value in raw.strip("[]").split("|")}
        rows = [row for row in rows if str(row.get(name)).lower() in wanted]
    display = params.get("display")
    if display != "full":
        shown = display.strip("[]").split(",") if display else ["id"]
        unknown = [name for name in shown if rows and name not in fields]
        if unknown:
            return error(f'Unable to display this field "{unknown[0]}".', 35)
        rows = [{name: row[name] for name in shown} for row in rows]
    # An empty list is `[]`, not `{"orders": []}` (PrestaShop issue #10172).
    return 200, {LIST_NODE.get(resource, resource): rows} if rows else []


def to_xml(payload: Any) -> str:
    """The default output: the same data wrapped in `<qloapps>`."""
    root = ET.Element("qloapps")
    _xml_into(root, payload, "")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _xml_into(parent: ET.Element, value: Any, name: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_into(ET.SubElement(parent, str(key)), item, str(key))
    elif isinstance(value, list):
        # `<hotels><hotel>...</hotel></hotels>`
        for element in value:
            _xml_into(ET.SubElement(parent, SINGULAR.get(name, name)), element, name)
    elif value is not None:
        parent.text = str(value)


def ari_search(body: bytes) -> dict[str, Any] | None:
    """The search in a `hotel_ari` XML body, or None when QloApps would call it invalid."""
    try:
        # The fake parses only what the tests send it.
        root = ET.fromstring(body)  # noqa: S314
    except ET.ParseError:
        return None
    ari = root.find("hotel_ari") if root.tag == "qloapps" else None
    if ari is None:
        return None
    try:
        search: dict[str, Any] = {
            "id_hotel": int(ari.findtext("id_hotel", "")),
            "date_from": date.fromisoformat(ari.findtext("date_from", "")),
            "date_to": date.fromisoformat(ari.findtext("date_to", "")),
            "id_room_type": int(ari.findtext("id_room_type") or 0) or None,
            "get_available_rooms": ari.findtext("get_available_rooms", "0") == "1",
            "occupancies": [
                (int(o.findtext("adults", "")), int(o.findtext("children") or 0))
                for o in ari.iterfind("associations/room_occupancies/room_occupancy")
            ],
        }
    except ValueError:
        return None
    valid = (
        search["id_hotel"] == demo.HOTEL_ID
        and search["date_to"] > search["date_from"]
        and all(adults >= 1 and children >= 0 for adults, children in search["occupancies"])
    )
    return search if valid else None


def order_history(body: bytes) -> tuple[int, int] | None:
    """(id_order, id_order_state) from a `POST order_histories` XML body, or None."""
    try:
        root = ET.fromstring(body)  # noqa: S314 - the fake parses only what the tests send it
        history = root.find("order_history")
        if root.tag != "qloapps" or history is None:
            return None
        return int(history.findtext("id_order", "")), int(history.findtext("id_order_state", ""))
    except (ET.ParseError, ValueError):
        return None
