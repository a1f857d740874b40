"""`QloAppsPms`: the `Pms` port over the QloApps 1.6 webservice.

Quirks handled here (see /work/shared/reference/qloapps-api.md):
- QloApps applies no date policy and its search does not filter by occupancy: the agent's
  policy is checked before any call and room types are filtered by capacity here.
- Price caveat: a booking drops the services QloApps adds automatically unless its rooms list
  them in `rooms[].services`, so the adapter lists every automatic service linked with the
  room type. `hotel_ari` quotes only those priced with the room (`price_addition_type` 1, "Room
  Maintenance Fees"); the ones priced on their own (2, "Internet Handling Charges", once per
  room) are added to the quote here, taxed at the room's rate, so the guest is quoted what
  QloApps charges. The total a booking returns is always the one QloApps booked
  (`price_details`), and every write's result is compared with the request (logged when not).
- Children: QloApps stores no child sent without `child_ages`, so the hotel profile says ages
  are required and a stay with children but without their ages is refused before any call.
- PUT (changes, cancellation) is a full desired state with two traps: a stay whose dates do
  not change keeps its occupancy and gets its rooms' services replaced by the ones listed
  (`GET bookings` never lists the automatic ones), and new dates are booked without any
  service. So occupancy-only changes are refused, a cancellation lists every room with its
  services, and a date change is sent twice (the second rewrites the new rooms' services).
- No idempotency key: a booking made for a `BookingRequest` carries `source` =
  `agente-hotelero:<digest of the idempotency key>`. `find_booking_for` looks for that tag among
  the guest's orders, so a retry after an unknown outcome finds the booking, while the same guest
  booking the same stay twice on purpose (another key) gets two bookings. `create_booking` looks
  first too, so the same key never books twice. Phones cannot be searched: QloApps customers
  have no phone field, so `find_bookings(phone=...)` alone finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import structlog

from hotel_agent.pms.errors import (
    InvalidStay,
    PmsError,
    PmsOutcomeUnknown,
    PmsUnavailable,
    RoomUnavailable,
)
from hotel_agent.pms.policy import (
    StayPolicy,
    apply_change,
    validate_guest,
    validate_party_fits,
    validate_rooms,
    validate_stay,
)
from hotel_agent.pms.port import (
    Booking,
    BookingRequest,
    BookingStatus,
    HotelProfile,
    Offer,
    PmsHealth,
    RoomLine,
    RoomType,
    Stay,
    StayChange,
    even_rooms,
)
from hotel_agent.pms.qloapps import payloads as wire
from hotel_agent.pms.qloapps.bookings import BookingReader
from hotel_agent.pms.qloapps.catalogue import Catalogue
from hotel_agent.pms.qloapps.client import Json, QloAppsClient

log = structlog.get_logger(__name__)


class QloAppsPms:
    def __init__(
        self,
        client: QloAppsClient,
        *,
        hotel_id: int,
        policy: StayPolicy,
        today: Callable[[], date],
        currency: str | None = None,
    ) -> None:
        self._client = client
        self._hotel_id = hotel_id
        self._policy = policy
        self._today = today
        self._catalogue = Catalogue(client, hotel_id=hotel_id, currency=currency)
        self._bookings = BookingReader(client, self._catalogue)

    async def hotel(self) -> HotelProfile:
        return await self._catalogue.hotel()

    async def room_types(self) -> list[RoomType]:
        return await self._catalogue.room_types()

    async def search(self, stay: Stay) -> list[Offer]:
        validate_stay(stay, today=self._today(), policy=self._policy)
        room_types = await self.room_types()
        validate_party_fits(stay, room_types)
        per_room = wire.occupancies(stay)[0]  # the largest share: every room must hold it
        quotes = await self._quotes(stay)
        currency = await self._currency()
        by_id = {room_type.id: room_type for room_type in room_types}
        offers = []
        for room_type_id, (total, available) in quotes.items():
            room_type = by_id.get(room_type_id)
            # QloApps lists room types whatever the occupancy asked: filter by capacity here.
            if room_type is None or not room_type.fits(*per_room) or available < stay.rooms:
                continue
            offers.append(
                Offer(
                    room_type=room_type,
                    stay=stay,
                    nightly_price=wire.money(total / stay.nights),
                    total_price=total,
                    currency=currency,
                    rooms_left=available,
                )
            )
        return offers

    async def create_booking(self, request: BookingRequest) -> Booking:
        validate_guest(request.guest)
        if not request.guest.last_name:
            # QloApps requires a last name; the first name again ("Cher Cher") would be wrong.
            raise InvalidStay("QloApps needs the guest's last name", reason="last_name")
        lines = request.lines()
        await self._check_bookable(request.stay, lines, one_type=not request.room_lines)
        existing = await self.find_booking_for(request)
        if existing is not None:
            return existing
        # Rooms of several types are one order with one reference: one entry per type.
        body = wire.new_booking(
            hotel_id=self._hotel_id,
            currency=await self._currency(),
            stays=await self._stay_entries(request.stay, lines),
            guest=request.guest,
            tag=wire.source_tag(request.idempotency_key),
            notes=request.notes,
        )
        booking = await self._bookings.written(await self._client.write("POST", "bookings", body))
        self._compare("create", request.stay, lines, booking)
        return booking

    async def find_booking_for(self, request: BookingRequest) -> Booking | None:
        tag = wire.source_tag(request.idempotency_key)
        for order in await self._bookings.orders_of(request.guest.email):
            raw = await self._bookings.raw(str(order["id"]))
            if raw.get("source") == tag:
                return await self._bookings.booking(raw, order)
        return None

    async def get_booking(self, pms_id: str) -> Booking:
        return (await self._bookings.get(pms_id))[1]

    async def find_bookings(
        self,
        *,
        reference: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> list[Booking]:
        """Bookings matching every criterion given; a reference or an e-mail is needed to list
        them (QloApps cannot search by phone, which can only narrow the others down)."""
        if reference is not None:
            orders = await self._bookings.orders_where("reference", reference.strip().upper())
        elif email is not None:
            orders = await self._bookings.orders_of(email)
        else:
            return []
        found = []
        for order in orders:
            booking = await self._bookings.booking(
                await self._bookings.raw(str(order["id"])), order
            )
            if email is not None and booking.guest.email.lower() != email.strip().lower():
                continue
            if phone is not None and _digits(booking.guest.phone) != _digits(phone):
                continue
            found.append(booking)
        return found

    async def modify_booking(self, pms_id: str, change: StayChange) -> Booking:
        raw, current = await self._bookings.get(pms_id)
        if current.status is not BookingStatus.CONFIRMED:
            raise InvalidStay(
                f"a {current.status.value} booking cannot be changed", reason="not_changeable"
            )
        if len(raw["associations"]["room_types"]) > 1:
            # Rooms of several types (or stays staff added): the two-PUT way of keeping the
            # services charged is proven on a live QloApps for one stay only.
            raise InvalidStay(
                "this booking holds rooms of several types: only the hotel can change it",
                reason="not_changeable",
            )
        if current.stay.children and change.child_ages is None:
            # Resent with new dates, children without their ages would be dropped.
            ages = await self._bookings.child_ages(pms_id)
            if len(ages) == current.stay.children:
                current = current.model_copy(
                    update={"stay": current.stay.model_copy(update={"child_ages": ages})}
                )
        stay = apply_change(current.stay, change)
        if stay == current.stay:
            return current
        same_dates = (stay.check_in, stay.check_out) == (
            current.stay.check_in,
            current.stay.check_out,
        )
        if same_dates:
            # QloApps' PUT keeps a stay's occupancy when its dates do not change (it only
            # rewrites the services of rooms it already has): say so rather than fake it.
            raise InvalidStay(
                "QloApps cannot change the guests of a booking without changing its dates",
                reason="occupancy_not_changeable",
            )
        lines = even_rooms(stay, current.room_type_id)
        await self._check_bookable(stay, lines, one_type=True)
        quote = (await self._quotes(stay, room_type_id=current.room_type_id)).get(
            current.room_type_id
        )
        # QloApps checks the whole new stay while the booking still holds its old rooms (it
        # frees them last), so one more night in a full house is refused: refuse it first.
        if quote is None or quote[1] < stay.rooms:
            raise RoomUnavailable(
                f"room type {current.room_type_id} is full from {stay.check_in} to {stay.check_out}"
            )
        entries = await self._stay_entries(stay, lines)
        # One PUT with the new stay instead of the old (`room_types` is the full desired state)
        # books the new rooms on QloApps' add-rooms path, which charges no service; a second
        # PUT with the same stay rewrites the services of those rooms, so they are charged.
        for _ in range(2):
            body = wire.booking_update(
                raw, hotel_id=self._hotel_id, room_types=entries, status=None
            )
            answer = await self._client.write("PUT", f"bookings/{pms_id}", body)
        booking = await self._bookings.written(answer)
        self._compare("change", stay, lines, booking, quote[0])
        return booking

    async def cancel_booking(self, pms_id: str) -> Booking:
        current = await self.get_booking(pms_id)
        if current.status is BookingStatus.CANCELLED:
            return current
        if current.status is BookingStatus.COMPLETED:
            raise InvalidStay("a completed stay cannot be cancelled", reason="not_changeable")
        # No DELETE in QloApps, and its cancelling PUT rewrites the order first: rooms sent
        # without their services lose them (the total drops), rooms sent with them get
        # inconsistent lines. A new order state is a state change only: lines and total stay,
        # and QloApps frees the rooms (`is_cancelled`).
        state = await self._catalogue.cancelled_state()
        await self._client.query(
            "order_histories", wire.order_history(int(pms_id), state), writes=True
        )
        try:
            booking = await self.get_booking(pms_id)
        except PmsUnavailable as exc:
            raise PmsOutcomeUnknown(f"booking {pms_id} was cancelled but not read back") from exc
        if booking.status is not BookingStatus.CANCELLED:
            raise PmsError(f"QloApps did not cancel booking {pms_id} (state {state} refused)")
        self._compare("cancel", current.stay, current.room_lines, booking, current.total_price)
        return booking

    async def health(self) -> PmsHealth:
        try:
            name = await self._catalogue.hotel_name()
            room_types = await self.room_types()
        except PmsError as exc:
            return PmsHealth(ok=False, detail=f"{type(exc).__name__}: {exc}")
        return PmsHealth(
            ok=True, detail="QloApps webservice answers", hotel=name, room_types=len(room_types)
        )

    async def _currency(self) -> str:
        return (await self.hotel()).currency

    async def _check_bookable(self, stay: Stay, lines: list[RoomLine], *, one_type: bool) -> None:
        validate_stay(stay, today=self._today(), policy=self._policy)
        room_types = await self.room_types()
        if one_type:
            # One type for the whole party: its refusal names how many rooms would do.
            room_type = next((rt for rt in room_types if rt.id == lines[0].room_type_id), None)
            if room_type is None:
                raise InvalidStay(f"room type {lines[0].room_type_id} does not exist in this hotel")
            validate_party_fits(stay, [room_type])
        # Every room needs an adult (QloApps books none without) and fits its party.
        validate_rooms(lines, room_types)
        wire.stay_entries(stay.check_in, stay.check_out, lines, {})  # children need their ages

    async def _stay_entries(self, stay: Stay, lines: list[RoomLine]) -> list[Json]:
        automatic = await self._catalogue.automatic_services()
        services = {
            room_type_id: [service.id for service in automatic.get(int(room_type_id), [])]
            for room_type_id in {line.room_type_id for line in lines}
        }
        return wire.stay_entries(stay.check_in, stay.check_out, lines, services)

    async def _quotes(
        self, stay: Stay, *, room_type_id: str | None = None
    ) -> dict[str, tuple[Decimal, int]]:
        """By room type: what QloApps will charge for this stay, tax included, all rooms, and
        how many rooms are free. `hotel_ari` leaves out the automatic services priced on their
        own ("Internet Handling Charges"): they are added here, taxed like the room."""
        answer = await self._client.query(
            "hotel_ari",
            wire.ari_request(
                self._hotel_id,
                stay.check_in,
                stay.check_out,
                wire.occupancies(stay),
                room_type_id=None if room_type_id is None else int(room_type_id),
            ),
        )
        automatic = await self._catalogue.automatic_services()
        quotes = {}
        for quoted in wire.ari_room_types(answer):
            extra = sum(
                (
                    service.cost(stay.nights, stay.rooms)
                    for service in automatic.get(int(quoted.id), [])
                    if not service.quoted
                ),
                Decimal(0),
            )
            total = wire.money(quoted.total_with_tax + extra * (1 + quoted.tax_rate))
            quotes[quoted.id] = (total, quoted.available)
        return quotes

    def _compare(
        self,
        write: str,
        asked: Stay,
        lines: list[RoomLine],
        stored: Booking,
        total: Decimal | None = None,
    ) -> None:
        """QloApps can answer 200 and store something else: say so in the log. The booking
        returned is always what QloApps stored, so the guest is told that."""
        if wire.same_booking(asked, lines, stored) and total in (None, stored.total_price):
            return
        log.error(
            "qloapps.write_differs",
            write=write,
            booking=stored.pms_id,
            asked=asked.model_dump(mode="json", exclude={"child_ages"}),
            stored=stored.stay.model_dump(mode="json", exclude={"child_ages"}),
            expected_total=None if total is None else str(total),
            stored_total=str(stored.total_price),
        )


def _digits(phone: str | None) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())
