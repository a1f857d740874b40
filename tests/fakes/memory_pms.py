"""`MemoryPms`: the `Pms` port in memory, for engine and flow tests without a database.

The demo hotel of the simulator (its room types, inventory and rate plan), priced by the
simulator's own `quote` and checked by the policy functions every adapter uses; the PMS
contract suite runs against it as one more subject (tests/contract/pms/subject_memory.py), so
a unit test that passes here talks to a PMS that behaves like the real ones.

`unavailable = True` makes every call fail as a PMS that is down.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from hotel_agent.pms.errors import BookingNotFound, InvalidStay, PmsUnavailable, RoomUnavailable
from hotel_agent.pms.policy import (
    StayPolicy,
    apply_change,
    party_fits,
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
from hotel_agent.pms.simulator.convert import (
    email_key,
    new_reference,
    normalize_reference,
    phone_key,
    request_digest,
)
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL, HotelSpec, RoomTypeSpec
from hotel_agent.pms.simulator.rates import quote, stay_nights


class MemoryPms:
    def __init__(
        self,
        *,
        hotel: HotelSpec = DEMO_HOTEL,
        policy: StayPolicy | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.spec = hotel
        self.policy = policy or StayPolicy()
        self._today = today or (lambda: datetime.now(ZoneInfo(hotel.timezone)).date())
        self.bookings: dict[str, Booking] = {}
        self.unavailable = False
        self._digests: dict[str, tuple[str, str]] = {}  # idempotency key → (digest, pms id)
        self._booked: Counter[tuple[str, date]] = Counter()  # (room type, night) → rooms

    async def hotel(self) -> HotelProfile:
        self._check_up()
        spec = self.spec
        return HotelProfile(
            id=spec.code,
            name=spec.name,
            address=spec.address,
            city=spec.city,
            check_in_time=spec.check_in_time,
            check_out_time=spec.check_out_time,
            currency=spec.currency,
            timezone=spec.timezone,
        )

    async def room_types(self) -> list[RoomType]:
        self._check_up()
        return [room.room_type() for room in self.spec.room_types]

    async def search(self, stay: Stay) -> list[Offer]:
        self._check_up()
        validate_stay(stay, today=self._today(), policy=self.policy)
        catalogue = [(spec, spec.room_type()) for spec in self.spec.room_types]
        validate_party_fits(stay, [room_type for _, room_type in catalogue])
        offers = []
        for spec, room_type in catalogue:
            left = self._rooms_left(spec, stay)
            if not party_fits(stay, room_type) or left < stay.rooms:
                continue
            price = quote(spec.base_rate, self.spec.rates, stay)
            offers.append(
                Offer(
                    room_type=room_type,
                    stay=stay,
                    nightly_price=price.nightly_average,
                    total_price=price.total,
                    currency=self.spec.currency,
                    rooms_left=left,
                )
            )
        return sorted(offers, key=lambda offer: offer.total_price)

    async def create_booking(self, request: BookingRequest) -> Booking:
        self._check_up()
        stay, lines = request.stay, request.lines()
        validate_stay(stay, today=self._today(), policy=self.policy)
        validate_guest(request.guest)
        if not request.room_lines:
            validate_party_fits(stay, [self._spec_of(request.room_type_id).room_type()])
        validate_rooms(lines, [spec.room_type() for spec in self.spec.room_types])
        digest = request_digest(request)
        earlier = self._digests.get(request.idempotency_key)
        if earlier is not None:
            if earlier[0] != digest:
                raise InvalidStay("this idempotency key was already used for another request")
            return self.bookings[earlier[1]]
        counts = _counts(lines)
        for code, count in counts.items():
            if self._rooms_left(self._spec_of(code), stay) < count:
                raise RoomUnavailable(f"not enough {code} rooms free")
        pms_id = str(len(self.bookings) + 1)
        booking = Booking(
            pms_id=pms_id,
            reference=new_reference(),
            status=BookingStatus.CONFIRMED,
            stay=stay,
            room_type_id=request.room_type_id,
            guest=request.guest,
            total_price=self._price(counts, stay),
            currency=self.spec.currency,
            created_at=datetime.now(UTC),
            room_lines=lines,
        )
        self._occupy(counts, stay, +1)
        self.bookings[pms_id] = booking
        self._digests[request.idempotency_key] = (digest, pms_id)
        return booking

    async def find_booking_for(self, request: BookingRequest) -> Booking | None:
        self._check_up()
        earlier = self._digests.get(request.idempotency_key)
        if earlier is None or earlier[0] != request_digest(request):
            return None
        return self._shown(self.bookings[earlier[1]])

    async def get_booking(self, pms_id: str) -> Booking:
        self._check_up()
        if pms_id not in self.bookings:
            raise BookingNotFound(f"no booking '{pms_id}'")
        return self._shown(self.bookings[pms_id])

    async def find_bookings(
        self,
        *,
        reference: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> list[Booking]:
        self._check_up()
        if not (reference or email or phone):
            return []
        found = []
        for booking in self.bookings.values():
            guest = booking.guest
            if reference and booking.reference != normalize_reference(reference):
                continue
            if email and email_key(guest.email) != email_key(email):
                continue
            if phone and phone_key(guest.phone) != phone_key(phone):
                continue
            found.append(self._shown(booking))
        return found

    async def modify_booking(self, pms_id: str, change: StayChange) -> Booking:
        current = await self.get_booking(pms_id)
        _ensure_open(current, "changed")
        new = apply_change(current.stay, change)
        validate_stay(new, today=self._today(), policy=self.policy)
        lines = current.room_lines
        if change.child_ages is not None or (new.adults, new.children) != (
            current.stay.adults,
            current.stay.children,
        ):
            if current.mixed:
                raise InvalidStay(
                    "the guests of rooms of several types cannot be changed as a whole",
                    reason="occupancy_not_changeable",
                )
            room_type = self._spec_of(current.room_type_id).room_type()
            validate_party_fits(new, [room_type])
            lines = even_rooms(new, current.room_type_id)
            validate_rooms(lines, [room_type])
        counts = _counts(lines)
        self._occupy(counts, current.stay, -1)
        if any(self._rooms_left(self._spec_of(c), new) < n for c, n in counts.items()):
            self._occupy(counts, current.stay, +1)
            raise RoomUnavailable("not enough rooms free for the new stay")
        self._occupy(counts, new, +1)
        changed = current.model_copy(
            update={"stay": new, "total_price": self._price(counts, new), "room_lines": lines}
        )
        self.bookings[pms_id] = changed
        return changed

    async def cancel_booking(self, pms_id: str) -> Booking:
        current = await self.get_booking(pms_id)
        if current.status is BookingStatus.CANCELLED:
            return current
        _ensure_open(current, "cancelled")
        self._occupy(_counts(current.room_lines), current.stay, -1)
        cancelled = current.model_copy(update={"status": BookingStatus.CANCELLED})
        self.bookings[pms_id] = cancelled
        return cancelled

    async def health(self) -> PmsHealth:
        if self.unavailable:
            return PmsHealth(ok=False, detail="down")
        return PmsHealth(
            ok=True, detail="in memory", hotel=self.spec.name, room_types=len(self.spec.room_types)
        )

    def _check_up(self) -> None:
        if self.unavailable:
            raise PmsUnavailable("the in-memory PMS is down")

    def _spec_of(self, code: str) -> RoomTypeSpec:
        for spec in self.spec.room_types:
            if spec.code == code:
                return spec
        raise InvalidStay(f"there is no room type '{code}'")

    def _rooms_left(self, spec: RoomTypeSpec, stay: Stay) -> int:
        busiest = max((self._booked[spec.code, night] for night in stay_nights(stay)), default=0)
        return spec.inventory - busiest

    def _occupy(self, counts: Counter[str], stay: Stay, sign: int) -> None:
        for code, rooms in counts.items():
            for night in stay_nights(stay):
                self._booked[code, night] += sign * rooms

    def _price(self, counts: Counter[str], stay: Stay) -> Decimal:
        return sum(
            (
                quote(
                    self._spec_of(code).base_rate,
                    self.spec.rates,
                    stay.model_copy(update={"rooms": n}),
                ).total
                for code, n in counts.items()
            ),
            Decimal("0.00"),
        )

    def _shown(self, booking: Booking) -> Booking:
        """A confirmed stay whose nights are over is completed (as every adapter shows it)."""
        if booking.status is BookingStatus.CONFIRMED and booking.stay.check_out <= self._today():
            return booking.model_copy(update={"status": BookingStatus.COMPLETED})
        return booking


def _counts(lines: list[RoomLine]) -> Counter[str]:
    """Rooms booked per room type."""
    return Counter(line.room_type_id for line in lines)


def _ensure_open(booking: Booking, action: str) -> None:
    if booking.status is not BookingStatus.CONFIRMED:
        raise InvalidStay(
            f"booking {booking.reference} is {booking.status.value} and cannot be {action}",
            reason="not_changeable",
        )
