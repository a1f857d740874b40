"""The data of a fresh QloApps 1.6.1 demo install, as its webservice lists it.

Field values follow the reference: QloApps' own resources (`hotels`, `hotel_room_types`...)
answer numbers, PrestaShop's core ones (`currencies`, `order_states`, `customers`, `orders`)
answer every field but `id` as a string, and a room type's `price` is a string too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

HOTEL_ID = 1
CURRENCY = "USD"
TAX_RATE = Decimal("0.04")

HOTELS: list[dict[str, Any]] = [
    {
        "id": HOTEL_ID,
        "hotel_name": "The Hotel Prime",
        "address": "Monticello Dr, Montgomery",
        "city": "Demo City",
        "check_in": "12:00",
        "check_out": "11:00",
        "rating": 3,
        "active": 1,
        "policies": "<div>Pets are not allowed.</div>",
        "description": "Hotel Prime is a demo hotel.",
    }
]

# Service products, as QloApps 1.6.1's installer creates them (HotelHelper.php). QloApps adds
# the `auto_add_to_cart` ones to every booking of the room types they are linked with: "Room
# Maintenance Fees" per night and priced with the room (`price_addition_type` 1, so `hotel_ari`
# quotes it inside the room price), "Internet Handling Charges" once per room booked and priced
# on its own (`price_addition_type` 2, so `hotel_ari` leaves it out). The airport shuttle is
# optional: never quoted, booked only when listed. `price_calculation_method`: 1 per booking,
# 2 per night.
SERVICES: list[dict[str, Any]] = [
    {
        "id": 5,
        "name": "Room Maintenance Fees",
        "price": "250.000000",
        "auto_add_to_cart": "1",
        "price_addition_type": "1",
        "price_calculation_method": "2",
        "id_tax_rules_group": "1",
    },
    {
        "id": 6,
        "name": "Internet Handling Charges",
        "price": "250.000000",
        "auto_add_to_cart": "1",
        "price_addition_type": "2",
        "price_calculation_method": "1",
        "id_tax_rules_group": "1",
    },
    {
        "id": 7,
        "name": "Airport Shuttle",
        "price": "50.000000",
        "auto_add_to_cart": "0",
        "price_addition_type": "1",
        "price_calculation_method": "1",
        "id_tax_rules_group": "1",
    },
]
SERVICE_PRICES = {row["id"]: Decimal(row["price"]) for row in SERVICES}  # before tax
PER_NIGHT = {row["id"] for row in SERVICES if row["price_calculation_method"] == "2"}
AUTO_SERVICES = [row["id"] for row in SERVICES if row["auto_add_to_cart"] == "1"]
# What `hotel_ari` puts in its room prices: automatic services priced with the room.
QUOTED_SERVICES = [
    row["id"]
    for row in SERVICES
    if row["auto_add_to_cart"] == "1" and row["price_addition_type"] == "1"
]

# Room types are PrestaShop products: price per night before tax, as a string. With
# `display=full` they list the services linked with them (`associations.services`).
ROOM_TYPES: list[dict[str, Any]] = [
    {
        "id": id_product,
        "id_hotel": HOTEL_ID,
        "price": price,
        "name": name,
        "associations": {
            "services": [{"id": str(row["id"]), "price": row["price"]} for row in SERVICES]
        },
    }
    for id_product, name, price in (
        (1, "General Rooms", "1000.000000"),
        (2, "Delux Rooms", "1500.000000"),
        (3, "Executive Rooms", "2000.000000"),
        (4, "Luxury Rooms", "2500.000000"),
    )
]

HOTEL_ROOM_TYPES: list[dict[str, Any]] = [
    {
        "id": product["id"],
        "id_product": product["id"],
        "id_hotel": HOTEL_ID,
        "adults": 2,
        "children": 2,
        "max_adults": 2,
        "max_children": 2,
        "max_guests": 4,
        "min_los": 1,
        "max_los": 0,
    }
    for product in ROOM_TYPES
]

_ROOM_PREFIXES = {1: "GR", 2: "DR", 3: "ER", 4: "LR"}
HOTEL_ROOMS: list[dict[str, Any]] = [
    {
        "id": (id_product - 1) * 5 + n,
        "id_product": id_product,
        "id_hotel": HOTEL_ID,
        "room_num": f"{prefix}-10{n}",
        "id_status": 1,
        "floor": "First",
    }
    for id_product, prefix in _ROOM_PREFIXES.items()
    for n in range(1, 6)
]

CURRENCIES: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "Dollar",
        "iso_code": CURRENCY,
        "iso_code_num": "840",
        "sign": "$",
        "conversion_rate": "1.000000",
        "deleted": "0",
        "active": "1",
    }
]

# Ids 1, 2, 4, 5 and 8 are the documented ones; PrestaShop spells "Canceled" with one l.
ORDER_STATES: list[dict[str, Any]] = [
    {"id": state_id, "name": name, "paid": paid}
    for state_id, name, paid in (
        (1, "Awaiting payment", "0"),
        (2, "Payment accepted", "1"),
        (3, "Processing in progress", "0"),
        (4, "Canceled", "0"),
        (5, "Refunded", "1"),
        (6, "Payment error", "0"),
        (7, "Checked in", "1"),
        (8, "Partial payment accepted", "1"),
        (9, "Checked out", "1"),
    )
]
STATE_BY_PAYMENT = {1: 2, 2: 8, 3: 1}  # payment_status (paid, partial, awaiting) → order state
STATE_CANCELLED, STATE_REFUNDED, STATE_CHECKED_OUT = 4, 5, 9

CUSTOMERS: list[dict[str, Any]] = [
    {"id": 1, "firstname": "John", "lastname": "DEMO", "email": "pub@qloapps.com", "active": "1"}
]
