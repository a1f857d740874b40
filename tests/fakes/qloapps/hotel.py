"""The fake QloApps' hotel: customers, orders, room availability and prices, and the booking
rules QloApps applies (see `rules.py`), with no HTTP in sight."""

from __future__ import annotations

import copy
import dataclasses
import random
import string
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tests.fakes.qloapps import demo, render, rules
from tests.fakes.qloapps.records import Order, Rejected, StayRow, num, room_price, to_int, with_tax


class FakeHotel:
    """Tables a hotel's staff can edit are copies, so a test may change them (capacities,
    service links, order states) without touching the others."""

    def __init__(self, *, seed: int = 1) -> None:
        self.room_types: list[dict[str, Any]] = copy.deepcopy(demo.ROOM_TYPES)
        self.capacities: list[dict[str, Any]] = copy.deepcopy(demo.HOTEL_ROOM_TYPES)
        self.order_states: list[dict[str, Any]] = copy.deepcopy(demo.ORDER_STATES)
        self.customers: list[dict[str, Any]] = copy.deepcopy(demo.CUSTOMERS)
        self.orders: dict[int, Order] = {}
        self._random = random.Random(seed)  # order references, reproducible
        self._next_row = 1

    def free_rooms(self, id_room_type: int, date_from: date, date_to: date) -> list[dict[str, Any]]:
        taken = {
            row.id_room
            for order in self.orders.values()
            for row in order.stays
            if not row.is_cancelled and row.date_from < date_to and date_from < row.date_to
        }
        return [
            room
            for room in demo.HOTEL_ROOMS
            if room["id_product"] == id_room_type and room["id"] not in taken
        ]

    def ari(self, search: dict[str, Any]) -> dict[str, Any]:
        """The `hotel_ari` answer; `search` is the parsed XML (dates, occupancies...)."""
        date_from, date_to = search["date_from"], search["date_to"]
        nights = (date_to - date_from).days
        # Quotes include the automatic services priced with the room (per night), not the ones
        # priced on their own, and cover every occupancy sent. Occupancy does not filter: every
        # room type is listed whatever the party.
        services = sum((demo.SERVICE_PRICES[s] for s in demo.QUOTED_SERVICES), Decimal(0))
        occupancies = max(1, len(search["occupancies"]))
        room_types = []
        for product in demo.ROOM_TYPES:
            if search["id_room_type"] not in (None, product["id"]):
                continue
            base = room_price(product["id"]) + services
            total = base * nights * occupancies
            entry: dict[str, Any] = {
                "id_room_type": product["id"],
                "name": product["name"],
                "base_price": num(base),
                "base_price_with_tax": num(with_tax(base)),
                "total_price": num(total),
                "total_price_with_tax": num(with_tax(total)),
            }
            if search["get_available_rooms"]:
                free = self.free_rooms(product["id"], date_from, date_to)
                # Keyed by room id; PHP's json_encode turns an empty array into `[]`.
                capacity = self.capacity(product["id"])
                available = {str(r["id"]): render.available_room(r, capacity) for r in free}
                entry["rooms"] = {"available": available or []}
            room_types.append(entry)
        free_rooms = sum(len(self.free_rooms(p["id"], date_from, date_to)) for p in demo.ROOM_TYPES)
        return {
            "hotel_ari": {
                "id_hotel": str(demo.HOTEL_ID),
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "currency": demo.CURRENCY,
                "total_rooms": len(demo.HOTEL_ROOMS),
                "total_available_rooms": free_rooms,
                "room_types": room_types,
            }
        }

    def create(self, booking: dict[str, Any]) -> Order:
        rules.check_property(booking)
        customer_detail = rules.associations(booking).get("customer_detail") or {}
        rules.check_customer(customer_detail)
        stays = self._allocate(rules.requested_stays(booking))
        customer = self._customer(customer_detail)
        order = Order(
            id=max(self.orders, default=0) + 1,
            reference="".join(self._random.choices(string.ascii_uppercase, k=9)),
            id_customer=customer["id"],
            phone=str(customer_detail["phone"]),
            current_state=demo.STATE_BY_PAYMENT.get(to_int(booking.get("payment_status", 3)), 1),
            currency=str(booking["currency"]),
            source=str(booking.get("source", "")),
            remark=str(booking.get("remark", "")),
            booking_date=datetime.now().replace(microsecond=0),
            stays=stays,
        )
        self.orders[order.id] = order
        return order

    def update(self, booking: dict[str, Any]) -> Order | None:
        """A PUT: the id comes from the body (the URL's is ignored), `room_types` is the full
        desired state. None when there is no such booking."""
        if "id" not in booking:
            raise Rejected("id is required with PUT requests.")
        order = self.orders.get(to_int(booking["id"]))
        if order is None:
            return None
        rules.check_property(booking)
        email = str((rules.associations(booking).get("customer_detail") or {}).get("email", ""))
        if self.customer_by_email(email) is None:
            raise Rejected("Customer not found with the given email.")
        # QloApps applies the stays first, whatever the status: a cancellation's stays rewrite
        # the services of the rooms it names too (handlePutRequest).
        self._restay(order, rules.requested_stays(booking))
        status = to_int(booking.get("booking_status", 1))
        if status in (3, 4):
            self.set_state(order, demo.STATE_CANCELLED if status == 3 else demo.STATE_REFUNDED)
        elif status == 2:
            order.current_state = demo.STATE_CHECKED_OUT
        order.source = str(booking.get("source") or order.source)
        order.remark = str(booking.get("remark") or order.remark)
        return order

    def set_state(self, order: Order, state: int) -> None:
        """A cancelled or refunded order frees its rooms (`is_cancelled`)."""
        order.current_state = state
        if state in (demo.STATE_CANCELLED, demo.STATE_REFUNDED):
            for row in order.stays:
                row.is_cancelled = True

    def capacity(self, id_room_type: int) -> dict[str, Any]:
        return next(row for row in self.capacities if row["id_product"] == id_room_type)

    def customer_by_email(self, email: str) -> dict[str, Any] | None:
        return next((c for c in self.customers if c["email"].lower() == email.lower()), None)

    def customer(self, order: Order) -> dict[str, Any]:
        return next(c for c in self.customers if c["id"] == order.id_customer)

    def _restay(self, order: Order, wanted: list[dict[str, Any]]) -> None:
        """QloApps' PUT (WebserviceSpecificManagementBookings::handlePutRequest): a stay asked
        again (same room type and dates) keeps its rooms AND their occupancy, whatever the
        request says; its services become the ones listed (none when its rooms are not
        listed). Stays left out are removed; new ones get rooms if the hotel has them free
        (its own rooms count as taken), on the add-rooms path that books no service at all."""
        current: dict[tuple[int, date, date], list[StayRow]] = {}
        for row in order.stays:
            current.setdefault(row.key, []).append(row)
        kept: list[StayRow] = []
        added = []
        for stay in wanted:
            rows = current.pop(rules.stay_key(stay), [])
            if not rows:
                added.append(stay)
                continue
            listed = stay["rooms"] if stay["listed"] else []
            for n, row in enumerate(rows[: stay["number_of_rooms"]]):
                asked = listed[n] if n < len(listed) else {}
                services = rules.requested_services(asked)
                consistent = row.lines_consistent and not (row.services and services)
                kept.append(
                    dataclasses.replace(row, services=services, lines_consistent=consistent)
                )
        try:
            # New stays are checked while the order still holds its old rooms (QloApps removes
            # them last): one more night in a full house is refused, seen on a live 1.6.1.
            new_rows = self._allocate(added, with_services=False)
        except Rejected as rejected:
            # The PUT path's message has no full stop.
            raise Rejected(rejected.message.rstrip(".")) from None
        order.stays = kept + new_rows

    def _allocate(
        self, stays: list[dict[str, Any]], *, with_services: bool = True
    ) -> list[StayRow]:
        rows: list[StayRow] = []
        for stay in stays:
            free = [
                room
                for room in self.free_rooms(stay["id_room_type"], stay["from"], stay["to"])
                if not any(r.id_room == room["id"] and _overlap(r, stay) for r in rows)
            ]
            if len(free) < stay["number_of_rooms"]:
                raise Rejected(rules.ROOMS_NOT_AVAILABLE)
            for room, occupancy in zip(free, stay["rooms"], strict=False):
                rows.append(
                    StayRow(
                        id=self._next_row,
                        id_room=room["id"],
                        id_room_type=stay["id_room_type"],
                        date_from=stay["from"],
                        date_to=stay["to"],
                        # `adult` and `child`, singular: a plural `adults` is silently ignored
                        # and the room gets the room type's base occupancy instead.
                        adults=to_int(occupancy.get("adult", 0))
                        or int(self.capacity(stay["id_room_type"])["adults"]),
                        **rules.children(occupancy),
                        # Services are booked only when listed, the automatic ones too.
                        services=rules.requested_services(occupancy) if with_services else [],
                    )
                )
                self._next_row += 1
        return rows

    def _customer(self, detail: dict[str, Any]) -> dict[str, Any]:
        """A known e-mail reuses its customer, an unknown one creates it."""
        found = self.customer_by_email(str(detail["email"]))
        if found is not None:
            return found
        customer = {
            "id": max(c["id"] for c in self.customers) + 1,
            "firstname": str(detail["firstname"]),
            "lastname": str(detail["lastname"]),
            "email": str(detail["email"]),
            "active": "1",
        }
        self.customers.append(customer)
        return customer


def _overlap(row: StayRow, stay: dict[str, Any]) -> bool:
    return bool(row.date_from < stay["to"] and stay["from"] < row.date_to)
