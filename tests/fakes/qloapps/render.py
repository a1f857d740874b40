"""The fake QloApps' answers for its records, in the shapes the live webservice sends."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from tests.fakes.qloapps import demo
from tests.fakes.qloapps.records import Order, StayRow, num, with_tax


def booking(order: Order, customer: dict[str, Any]) -> dict[str, Any]:
    """`GET bookings/{id}`'s `booking` (and the answer to POST and PUT)."""
    groups: dict[tuple[int, date, date], list[StayRow]] = {}
    for row in order.stays:
        groups.setdefault(row.key, []).append(row)
    without_tax = order.price_without_tax()
    return {
        "id": order.id,
        "id_property": demo.HOTEL_ID,
        "currency": order.currency,
        "source": order.source,
        "booking_date": order.booking_date.isoformat(sep=" "),
        "id_language": 1,
        "associations": {
            "customer_detail": {
                "id_customer": customer["id"],
                "firstname": customer["firstname"],
                "lastname": customer["lastname"],
                "email": customer["email"],
                "phone": order.phone,
            },
            "price_details": {
                "total_paid": 0,
                "total_price_without_tax": num(without_tax),
                "total_tax": num(without_tax * demo.TAX_RATE),
            },
            "room_types": [_stay(key, rows) for key, rows in groups.items()],
        },
    }


def order_row(order: Order) -> dict[str, Any]:
    """An `orders` row: a PrestaShop core resource, so every field but `id` is a string."""
    return {
        "id": order.id,
        "id_customer": str(order.id_customer),
        "id_currency": "1",
        "current_state": str(order.current_state),
        "module": "pay at hotel",
        "reference": order.reference,
        "total_paid_tax_incl": f"{with_tax(order.price_without_tax()):.6f}",
        "date_add": order.booking_date.isoformat(sep=" "),
    }


def room_bookings(order: Order) -> list[dict[str, Any]]:
    """`room_bookings` rows (QloApps' htl_booking_detail), one per room booked; the only place
    the webservice shows the children's ages, as the JSON text QloApps stores."""
    return [
        {
            "id": row.id,
            "id_order": order.id,
            "id_product": row.id_room_type,
            "id_room": row.id_room,
            "date_from": f"{row.date_from} 00:00:00",
            "date_to": f"{row.date_to} 00:00:00",
            "adults": row.adults,
            "children": row.children,
            "child_ages": json.dumps(row.child_ages),
            "is_cancelled": int(row.is_cancelled),
        }
        for row in order.stays
    ]


def available_room(room: dict[str, Any], capacity: dict[str, Any]) -> dict[str, Any]:
    return {
        "id_room": room["id"],
        "room_num": room["room_num"],
        "max_adult": capacity["max_adults"],
        "max_children": capacity["max_children"],
        "max_occupancy": capacity["max_guests"],
    }


def _stay(key: tuple[int, date, date], rows: list[StayRow]) -> dict[str, Any]:
    id_room_type, date_from, date_to = key
    return {
        "id_room_type": id_room_type,
        # Dates come back with a time part.
        "checkin_date": f"{date_from} 00:00:00",
        "checkout_date": f"{date_to} 00:00:00",
        "number_of_rooms": len(rows),
        "name": next(p["name"] for p in demo.ROOM_TYPES if p["id"] == id_room_type),
        "rooms": [
            {
                "id_room": row.id_room,
                "id_hotel_booking": row.id,
                "adults": row.adults,  # plural in answers, singular in requests
                "child": row.children,
                "unit_price_without_tax": num(row.price()),
                "total_tax": num(row.price() * demo.TAX_RATE),
                "is_cancelled": int(row.is_cancelled),
                # Only the services a guest chose: QloApps never lists the automatic ones here,
                # though it charges them.
                "services": [
                    {"id_service": s, "name": _service_name(s)}
                    for s in row.services
                    if s not in demo.AUTO_SERVICES
                ],
            }
            for row in rows
        ],
    }


def _service_name(id_service: int) -> str:
    return str(next(row["name"] for row in demo.SERVICES if row["id"] == id_service))
