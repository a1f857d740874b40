"""The hotel's slow-changing facts in QloApps: profile, currency, room types, order states."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hotel_agent.pms.errors import PmsError
from hotel_agent.pms.port import BookingStatus, HotelProfile, RoomType
from hotel_agent.pms.qloapps import payloads as wire
from hotel_agent.pms.qloapps.client import Json, QloAppsClient

# The webservice answers names in the shop's default language and identifies languages by
# number, not ISO code. The demo shop, like most QloApps installs, is English; a room type has
# one name, which `RoomType.name()` returns whatever language the guest speaks.
SHOP_LANGUAGE = "en"
_SERVICE_FIELDS = "[id,price,auto_add_to_cart,price_addition_type,price_calculation_method]"
_PER_NIGHT, _WITH_ROOM = 2, 1  # Product::PRICE_CALCULATION_METHOD_PER_DAY, ..._WITH_ROOM


@dataclass(frozen=True)
class AutoService:
    """A service QloApps adds by itself to every room of a room type."""

    id: int
    price: Decimal  # before tax, per night or per room booked (`per_night`)
    per_night: bool
    quoted: bool  # already inside `hotel_ari`'s room prices

    def cost(self, nights: int, rooms: int) -> Decimal:
        return self.price * (nights if self.per_night else 1) * rooms


class Catalogue:
    """Reads them through `client`. The profile (with the currency) and the order states are
    cached for the life of the instance: they change rarely, and a restart picks a change up.
    Room types are not (prices and capacity are edited often; the resilience layer caches them
    with a TTL)."""

    def __init__(self, client: QloAppsClient, *, hotel_id: int, currency: str | None) -> None:
        self._client = client
        self._hotel_id = hotel_id
        self._currency = currency
        self._profile: HotelProfile | None = None
        self._states: dict[int, BookingStatus] = {}
        self._names: dict[int, str] = {}

    async def hotel(self) -> HotelProfile:
        if self._profile is None:
            row = await self._hotel_row("full")
            self._profile = HotelProfile(
                id=str(self._hotel_id),
                name=wire.text(row.get("hotel_name")),
                address=wire.text(row.get("address")) or None,
                city=wire.text(row.get("city")) or None,
                check_in_time=wire.clock(row.get("check_in")),
                check_out_time=wire.clock(row.get("check_out")),
                currency=self._currency or await self._shop_currency(),
                # A stock QloApps refuses bookings without them (PS_ONE_PHONE_AT_LEAST, the
                # customer's required last name) and stores no child sent without an age.
                phone_required=True,
                last_name_required=True,
                child_ages_required=True,
            )
        return self._profile

    async def hotel_name(self) -> str:
        """Read live, for health checks."""
        return wire.text((await self._hotel_row("[id,hotel_name]")).get("hotel_name"))

    async def room_types(self) -> list[RoomType]:
        # Room types are PrestaShop products (names, prices); their capacity and hotel live in
        # `hotel_room_types`, joined on `id_product`.
        products = await self._client.get("room_types", {"display": "[id,name,price,id_hotel]"})
        names = {
            wire.number(row["id"]): wire.text(row.get("name"))
            for row in wire.rows(products, "room_types")
        }
        capacities = await self._client.get(
            "hotel_room_types", {"display": "full", "filter[id_hotel]": f"[{self._hotel_id}]"}
        )
        found = []
        for row in wire.rows(capacities, "hotel_room_types"):
            product = wire.number(row["id_product"])
            if wire.number(row["id_hotel"]) != self._hotel_id or product not in names:
                continue
            found.append(
                RoomType(
                    id=str(product),
                    names={SHOP_LANGUAGE: names[product] or f"Room type {product}"},
                    max_adults=wire.number(row["max_adults"]),
                    max_children=wire.number(row["max_children"]),
                    max_guests=wire.number(row["max_guests"]),
                )
            )
        return sorted(found, key=lambda room_type: int(room_type.id))

    async def automatic_services(self) -> dict[int, list[AutoService]]:
        """By room type: the services QloApps adds to every booking of it. A booking charges
        them only when its rooms list them (see the price caveat in `adapter.py`)."""
        body = await self._client.get("room_types", {"display": "full"})
        linked: dict[int, dict[int, object]] = {
            wire.number(row["id"]): {
                wire.number(service["id"]): service.get("price")
                for service in _associated(row, "services")
            }
            for row in wire.rows(body, "room_types")
        }
        ids = sorted({service for services in linked.values() for service in services})
        if not ids:
            # No service linked, or a webservice that does not show the link: nothing to add.
            return {}
        services = await self._client.get(
            "services",
            {"display": _SERVICE_FIELDS, "filter[id]": "[" + "|".join(map(str, ids)) + "]"},
        )
        automatic = {
            wire.number(row["id"]): row
            for row in wire.rows(services, "services")
            if wire.number(row.get("auto_add_to_cart", 0))
        }
        return {
            room_type: [
                AutoService(
                    id=service,
                    # A room type can have its own price for a service.
                    price=wire.money(price if price is not None else automatic[service]["price"]),
                    per_night=wire.number(automatic[service].get("price_calculation_method", 2))
                    == _PER_NIGHT,
                    # Priced "with the room" (1), `hotel_ari` quotes it; "independent" (2), not.
                    quoted=wire.number(automatic[service].get("price_addition_type", 1))
                    == _WITH_ROOM,
                )
                for service, price in sorted(services_of.items())
                if service in automatic
            ]
            for room_type, services_of in linked.items()
        }

    async def booking_status(self, order_state: int) -> BookingStatus:
        """What an order's `current_state` means for the guest, from the shop's state names."""
        if order_state not in self._states:
            # Read them rather than hard-code: shops rename and add states. Unknown ids are
            # re-read once, in case staff added a state since.
            body = await self._client.get("order_states", {"display": "[id,name]"})
            self._names = {
                wire.number(row["id"]): wire.text(row.get("name"))
                for row in wire.rows(body, "order_states")
            }
            self._states = {state: _status_named(name) for state, name in self._names.items()}
        return self._states.get(order_state, BookingStatus.CONFIRMED)

    async def cancelled_state(self) -> int:
        """The order state that cancels a booking (PrestaShop's "Canceled", id 4 on a stock
        shop), read by name like the others."""
        await self.booking_status(-1)  # reads the states
        for state_id, name in sorted(self._names.items()):
            lowered = name.lower()
            if "cancel" in lowered and "refund" not in lowered:
                return state_id
        raise PmsError("QloApps has no order state for a cancellation")

    async def _hotel_row(self, display: str) -> Json:
        body = await self._client.get(
            "hotels", {"display": display, "filter[id]": f"[{self._hotel_id}]"}
        )
        for row in wire.rows(body, "hotels"):
            if wire.number(row["id"]) == self._hotel_id:
                return row
        raise PmsError(f"QloApps has no hotel {self._hotel_id}: check PMS_HOTEL_ID")

    async def _shop_currency(self) -> str:
        body = await self._client.get("currencies", {"display": "full"})
        active = [
            row
            for row in wire.rows(body, "currencies")
            if wire.number(row.get("active", 1)) and not wire.number(row.get("deleted", 0))
        ]
        # The default currency is the one every other is converted from (rate 1); prices in
        # `hotel_ari` are in it.
        default = [row for row in active if wire.money(row.get("conversion_rate", 0)) == 1]
        chosen = (default or active)[:1]
        if not chosen:
            raise PmsError("QloApps lists no active currency")
        return wire.text(chosen[0].get("iso_code"))


def _associated(row: Json, name: str) -> list[Json]:
    associations = row.get("associations")
    found = associations.get(name) if isinstance(associations, dict) else None
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _status_named(name: str) -> BookingStatus:
    lowered = name.lower()
    if "cancel" in lowered or "refund" in lowered:
        return BookingStatus.CANCELLED
    if any(word in lowered for word in ("check-out", "checked out", "checkout", "complete")):
        return BookingStatus.COMPLETED
    return BookingStatus.CONFIRMED
