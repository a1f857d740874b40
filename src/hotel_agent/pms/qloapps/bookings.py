"""Reading QloApps bookings back: the booking, its order (reference, state), a guest's orders.

`booking.id` is the PrestaShop order id. The booking holds the stay, guest and prices; the
order holds the reference the guest quotes and the state (cancelled...). `GET bookings` has no
filters, so finding bookings goes through `customers` and `orders`.
"""

from __future__ import annotations

from hotel_agent.pms.errors import BookingNotFound, PmsError, PmsOutcomeUnknown, PmsUnavailable
from hotel_agent.pms.port import Booking
from hotel_agent.pms.qloapps import payloads as wire
from hotel_agent.pms.qloapps.catalogue import Catalogue
from hotel_agent.pms.qloapps.client import Json, QloAppsClient

_ORDER_FIELDS = "[id,reference,current_state]"


class BookingReader:
    def __init__(self, client: QloAppsClient, catalogue: Catalogue) -> None:
        self._client = client
        self._catalogue = catalogue

    async def get(self, pms_id: str) -> tuple[Json, Booking]:
        """The booking as QloApps sends it (to write it back) and as the port sees it."""
        raw = await self.raw(pms_id)
        return raw, await self.booking(raw, await self._order(pms_id))

    async def raw(self, pms_id: str) -> Json:
        booking = (await self._client.get(f"bookings/{_id(pms_id)}")).get("booking")
        if not isinstance(booking, dict):
            raise PmsError(f"QloApps answered bookings/{pms_id} without a booking")
        return booking

    async def booking(self, raw: Json, order: Json) -> Booking:
        status = await self._catalogue.booking_status(wire.number(order["current_state"]))
        return wire.booking_of(raw, order, status)

    async def written(self, answer: Json) -> Booking:
        """The booking a successful write answered with, completed with its order."""
        raw = answer.get("booking")
        if not isinstance(raw, dict) or "id" not in raw:
            raise PmsOutcomeUnknown("QloApps answered the booking write without a booking id")
        try:
            order = await self._order(str(raw["id"]))
        except PmsUnavailable as exc:
            # The write is done; without its order the caller must look it up again later.
            raise PmsOutcomeUnknown(f"booking {raw['id']} was written but not read back") from exc
        return await self.booking(raw, order)

    async def child_ages(self, pms_id: str) -> list[int]:
        """The children's ages QloApps stored for this booking: `GET bookings` leaves them
        out, `room_bookings` (one row per room, listed as `bookings`) has them as JSON text."""
        body = await self._client.get(
            "room_bookings",
            {"filter[id_order]": f"[{_id(pms_id)}]", "display": "[id,is_cancelled,child_ages]"},
        )
        ages: list[int] = []
        for row in sorted(wire.rows(body, "bookings"), key=lambda r: wire.number(r["id"])):
            if not wire.number(row.get("is_cancelled", 0)):
                ages += wire.ages(row.get("child_ages"))
        return ages

    async def orders_of(self, email: str) -> list[Json]:
        """The orders of every customer with this e-mail, newest first."""
        value = wire.filter_value(email)
        if value is None:
            return []
        customers = await self._client.get("customers", {"filter[email]": value, "display": "[id]"})
        orders: list[Json] = []
        # Guest checkouts can leave several customers with one e-mail.
        for customer in wire.rows(customers, "customers"):
            orders += await self.orders_where("id_customer", str(customer["id"]))
        return sorted(orders, key=lambda order: wire.number(order["id"]), reverse=True)

    async def orders_where(self, field: str, value: str) -> list[Json]:
        wanted = wire.filter_value(value)
        if wanted is None:
            return []
        params = {f"filter[{field}]": wanted, "display": _ORDER_FIELDS}
        return wire.rows(await self._client.get("orders", params), "orders")

    async def _order(self, pms_id: str) -> Json:
        order = (await self._client.get(f"orders/{_id(pms_id)}")).get("order")
        if not isinstance(order, dict):
            raise PmsError(f"QloApps answered orders/{pms_id} without an order")
        return order


def _id(pms_id: str) -> str:
    # Ids go into the URL path: anything but digits cannot be a QloApps booking.
    if not pms_id.isdigit():
        raise BookingNotFound(f"{pms_id!r} is not a QloApps booking id")
    return pms_id
