"""`SimulatorPms`: the embedded PMS, answering from its own tables in the app's database.

It is a PMS, not part of the agent's turn: every call runs its own short transaction. Live
truth comes from the nightly occupancy rows, which reservations change atomically (see
`SimulatorRepository.change_occupancy`), so no two guests can book the same last room.

The catalogue (the hotel, its room types and rate plan) is written once, by the seed, and
nothing changes it afterwards: each process reads it once. A search is then one query, the
busiest night per room type, instead of five.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models.pms_simulator import SimBooking, SimHotel, SimRoomType
from hotel_agent.db.types import utcnow
from hotel_agent.pms.errors import (
    BookingNotFound,
    InvalidStay,
    PmsOutcomeUnknown,
    PmsUnavailable,
    RoomUnavailable,
)
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
    booking_from_row,
    email_key,
    new_booking_values,
    new_reference,
    normalize_reference,
    phone_key,
    request_digest,
    room_type_from_row,
)
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL, HotelSpec
from hotel_agent.pms.simulator.rates import RatePlan, quote, stay_nights
from hotel_agent.pms.simulator.repository import SimulatorRepository
from hotel_agent.pms.simulator.seed import seed_hotel

# A fresh reference collides with probability ~1e-9 per existing booking; a few draws suffice.
_REFERENCE_ATTEMPTS = 5


@dataclass(frozen=True)
class _RoomStock:
    row_id: int
    inventory: int
    base_rate: Decimal
    room_type: RoomType


@dataclass(frozen=True)
class _Catalogue:
    """The seeded hotel as searches need it, read once per process (nothing changes it)."""

    profile: HotelProfile
    timezone: str
    currency: str
    rooms: tuple[_RoomStock, ...]  # in the hotel's order
    plan: RatePlan


class SimulatorPms:
    """The `Pms` port over the simulator's tables; seeds `hotel` on first use if it is absent."""

    def __init__(
        self,
        sessions: SessionFactory,
        policy: StayPolicy | None = None,
        today: Callable[[], date] | None = None,
        *,
        hotel: HotelSpec = DEMO_HOTEL,
    ) -> None:
        self._sessions = sessions
        self._policy = policy or StayPolicy()
        self._today_from_settings = today
        self._spec = hotel
        self._seeded = False
        self._seed_lock = asyncio.Lock()
        self._catalogue: _Catalogue | None = None

    async def hotel(self) -> HotelProfile:
        return (await self._read_catalogue()).profile

    async def room_types(self) -> list[RoomType]:
        return [stock.room_type for stock in (await self._read_catalogue()).rooms]

    async def search(self, stay: Stay) -> list[Offer]:
        catalogue = await self._read_catalogue()
        validate_stay(stay, today=self._today(catalogue.timezone), policy=self._policy)
        validate_party_fits(stay, [stock.room_type for stock in catalogue.rooms])
        fitting = [stock for stock in catalogue.rooms if party_fits(stay, stock.room_type)]
        async with self._session() as repo:
            busiest = await repo.most_booked(
                [stock.row_id for stock in fitting],
                check_in=stay.check_in,
                check_out=stay.check_out,
            )
        offers = []
        for stock in fitting:
            rooms_left = stock.inventory - busiest.get(stock.row_id, 0)
            if rooms_left < stay.rooms:
                continue
            price = quote(stock.base_rate, catalogue.plan, stay)
            offers.append(
                Offer(
                    room_type=stock.room_type,
                    stay=stay,
                    nightly_price=price.nightly_average,
                    total_price=price.total,
                    currency=catalogue.currency,
                    rooms_left=rooms_left,
                )
            )
        return sorted(offers, key=lambda offer: offer.total_price)

    async def create_booking(self, request: BookingRequest) -> Booking:
        stay, lines = request.stay, request.lines()
        async with self._transaction(writes=True) as (repo, hotel):
            today = self._today(hotel.timezone)
            validate_stay(stay, today=today, policy=self._policy)
            validate_guest(request.guest)
            types = await _room_types_of(repo, hotel, request, lines)
            digest = request_digest(request)
            existing = await repo.booking_by_key(request.idempotency_key)
            if existing is not None:
                return _replay(existing, digest, today)
            plan = await repo.rate_plan(hotel)
            counts = Counter(line.room_type_id for line in lines)
            total = sum(
                (_price(types[code], plan, stay, count) for code, count in counts.items()),
                Decimal("0.00"),
            )
            values = new_booking_values(
                request,
                room_type_id=types[lines[0].room_type_id].id,
                total=total,
                currency=hotel.currency,
            )
            for _ in range(_REFERENCE_ATTEMPTS):
                booking_id = await repo.add_booking({**values, "reference": new_reference()})
                if booking_id is not None:
                    break
                # Either a concurrent create with this key won (return its booking, as a
                # replay would) or the reference was taken (draw another).
                existing = await repo.booking_by_key(request.idempotency_key)
                if existing is not None:
                    return _replay(existing, digest, today)
            else:
                raise PmsUnavailable("could not allocate a booking reference")
            await repo.add_booking_rooms(
                booking_id,
                [
                    {
                        "room_type_id": types[line.room_type_id].id,
                        "adults": line.adults,
                        "children": line.children,
                        "child_ages": list(line.child_ages),
                    }
                    for line in lines
                ],
            )
            # Room types in id order: two bookings never lock each other's nights crosswise.
            for code in sorted(counts, key=lambda code: types[code].id):
                nights = dict.fromkeys(stay_nights(stay), counts[code])
                if not await repo.change_occupancy(types[code].id, nights):
                    raise RoomUnavailable(_sold_out(types[code], stay, counts[code]))
            created = await repo.booking(booking_id)
            assert created is not None  # inserted above, in this transaction
            return booking_from_row(created, today)

    async def find_booking_for(self, request: BookingRequest) -> Booking | None:
        async with self._transaction() as (repo, hotel):
            row = await repo.booking_by_key(request.idempotency_key)
            if row is None or row.request_digest != request_digest(request):
                return None
            return booking_from_row(row, self._today(hotel.timezone))

    async def get_booking(self, pms_id: str) -> Booking:
        async with self._transaction() as (repo, hotel):
            return booking_from_row(await _find(repo, pms_id), self._today(hotel.timezone))

    async def find_bookings(
        self,
        *,
        reference: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> list[Booking]:
        async with self._transaction() as (repo, hotel):
            rows = await repo.find_bookings(
                reference=normalize_reference(reference) if reference else None,
                email_key=email_key(email) if email else None,
                phone_key=phone_key(phone),
            )
            today = self._today(hotel.timezone)
            return [booking_from_row(row, today) for row in rows]

    async def modify_booking(self, pms_id: str, change: StayChange) -> Booking:
        async with self._transaction(writes=True) as (repo, hotel):
            today = self._today(hotel.timezone)
            row = await _find(repo, pms_id, lock=True)
            current = booking_from_row(row, today)
            _ensure_open(current, "changed")
            new = apply_change(current.stay, change)
            validate_stay(new, today=today, policy=self._policy)
            party_changed = change.child_ages is not None or (new.adults, new.children) != (
                current.stay.adults,
                current.stay.children,
            )
            lines = current.room_lines
            if party_changed:
                if current.mixed:
                    raise InvalidStay(
                        "the guests of a booking with rooms of several types cannot be changed "
                        "as a whole: which room they join or leave must be said",
                        reason="occupancy_not_changeable",
                    )
                room_type = room_type_from_row(row.room_type)
                validate_party_fits(new, [room_type])
                lines = even_rooms(new, current.room_type_id)
                validate_rooms(lines, [room_type])
            types = {line.room_type.code: line.room_type for line in row.room_lines}
            counts = Counter(line.room_type_id for line in lines)
            for code in sorted(counts, key=lambda code: types[code].id):
                deltas: Counter[date] = Counter(dict.fromkeys(stay_nights(new), counts[code]))
                deltas.subtract(dict.fromkeys(stay_nights(current.stay), counts[code]))
                if not await repo.change_occupancy(types[code].id, deltas):
                    raise RoomUnavailable(_sold_out(types[code], new, counts[code]))
            plan = await repo.rate_plan(hotel)
            row.check_in, row.check_out = new.check_in, new.check_out
            row.adults, row.children = new.adults, new.children
            row.total_price = sum(
                (_price(types[code], plan, new, count) for code, count in counts.items()),
                Decimal("0.00"),
            )
            # A change never adds or removes rooms: each keeps its place and type.
            for line_row, line in zip(row.room_lines, lines, strict=True):
                line_row.adults, line_row.children = line.adults, line.children
                line_row.child_ages = list(line.child_ages)
            row.updated_at = utcnow()
            return booking_from_row(row, today)

    async def cancel_booking(self, pms_id: str) -> Booking:
        async with self._transaction(writes=True) as (repo, hotel):
            today = self._today(hotel.timezone)
            row = await _find(repo, pms_id, lock=True)
            current = booking_from_row(row, today)
            if current.status is BookingStatus.CANCELLED:
                return current
            _ensure_open(current, "cancelled")
            counts = Counter(line.room_type_id for line in row.room_lines)
            for room_type_id in sorted(counts):
                released = dict.fromkeys(stay_nights(current.stay), -counts[room_type_id])
                if not await repo.change_occupancy(room_type_id, released):
                    raise PmsUnavailable("the simulator's occupancy has no record of this booking")
            row.status = BookingStatus.CANCELLED.value
            row.updated_at = utcnow()
            return booking_from_row(row, today)

    async def health(self) -> PmsHealth:
        try:
            async with self._transaction() as (repo, hotel):
                count = len(await repo.room_types(hotel.id))
        except PmsUnavailable as exc:
            return PmsHealth(ok=False, detail=str(exc))
        return PmsHealth(ok=True, detail="embedded simulator", hotel=hotel.name, room_types=count)

    async def _read_catalogue(self) -> _Catalogue:
        """The hotel, room types and rate plan, from the database on first use only. Tasks
        that ask together before it is kept each read it: the same rows, no harm."""
        if self._catalogue is not None:
            return self._catalogue
        async with self._transaction() as (repo, hotel):
            rows = await repo.room_types(hotel.id)
            plan = await repo.rate_plan(hotel)
            self._catalogue = _Catalogue(
                profile=HotelProfile(
                    id=hotel.code,
                    name=hotel.name,
                    address=hotel.address,
                    city=hotel.city,
                    check_in_time=hotel.check_in_time,
                    check_out_time=hotel.check_out_time,
                    currency=hotel.currency,
                    timezone=hotel.timezone,
                ),
                timezone=hotel.timezone,
                currency=hotel.currency,
                rooms=tuple(
                    _RoomStock(row.id, row.inventory, row.base_rate, room_type_from_row(row))
                    for row in rows
                ),
                plan=plan,
            )
        return self._catalogue

    @asynccontextmanager
    async def _transaction(
        self, *, writes: bool = False
    ) -> AsyncIterator[tuple[SimulatorRepository, SimHotel]]:
        """One short transaction with the hotel loaded; database failures become PMS errors."""
        async with self._session(writes=writes) as repo:
            hotel = await repo.hotel(self._spec.code)
            if hotel is None:
                raise PmsUnavailable(f"the simulator has no hotel '{self._spec.code}'")
            yield repo, hotel

    @asynccontextmanager
    async def _session(self, *, writes: bool = False) -> AsyncIterator[SimulatorRepository]:
        """One short transaction; database failures become PMS errors.

        A failed write may have failed while committing, so it is reported as an unknown
        outcome: the agent then looks the booking up instead of booking twice.
        """
        try:
            await self._ensure_seeded()
            async with self._sessions() as session, session.begin():
                yield SimulatorRepository(session)
        except (SQLAlchemyError, OSError) as exc:
            error = PmsOutcomeUnknown if writes else PmsUnavailable
            raise error(f"the simulator's database failed: {type(exc).__name__}") from exc

    async def _ensure_seeded(self) -> None:
        # Before any session is opened: on SQLite the pool has a single connection.
        if self._seeded:
            return
        async with self._seed_lock:
            if not self._seeded:
                await seed_hotel(self._sessions, self._spec)
                self._seeded = True

    def _today(self, timezone: str) -> date:
        if self._today_from_settings is not None:
            return self._today_from_settings()
        return datetime.now(ZoneInfo(timezone)).date()


async def _room_types_of(
    repo: SimulatorRepository, hotel: SimHotel, request: BookingRequest, lines: list[RoomLine]
) -> dict[str, SimRoomType]:
    """The rows of the room types the request books, by code, once each room is checked."""
    rows = {row.code: row for row in await repo.room_types(hotel.id)}
    if not request.room_lines:
        # One type for the whole party: its refusal names how many rooms would do.
        row = rows.get(request.room_type_id)
        if row is None:
            raise InvalidStay(f"there is no room type '{request.room_type_id}'")
        validate_party_fits(request.stay, [room_type_from_row(row)])
    validate_rooms(lines, [room_type_from_row(row) for row in rows.values()])
    return {line.room_type_id: rows[line.room_type_id] for line in lines}


def _price(room_type: SimRoomType, plan: RatePlan, stay: Stay, rooms: int) -> Decimal:
    return quote(room_type.base_rate, plan, stay.model_copy(update={"rooms": rooms})).total


async def _find(repo: SimulatorRepository, pms_id: str, *, lock: bool = False) -> SimBooking:
    row = await repo.booking_by_pms_id(pms_id, lock=lock)
    if row is None:
        raise BookingNotFound(f"no booking '{pms_id}'")
    return row


def _replay(existing: SimBooking, digest: str, today: date) -> Booking:
    if existing.request_digest != digest:
        raise InvalidStay(
            "this idempotency key was already used for a different booking request; "
            "use a new key for a new booking"
        )
    return booking_from_row(existing, today)


def _ensure_open(booking: Booking, action: str) -> None:
    if booking.status is BookingStatus.CANCELLED:
        raise InvalidStay(
            f"booking {booking.reference} is cancelled and cannot be {action}",
            reason="not_changeable",
        )
    if booking.status is BookingStatus.COMPLETED:
        raise InvalidStay(
            f"the stay of booking {booking.reference} has ended", reason="not_changeable"
        )


def _sold_out(room_type: SimRoomType, stay: Stay, rooms: int) -> str:
    name = room_type.names.get("en") or room_type.code
    return (
        f"not enough {name} rooms free for every night "
        f"from {stay.check_in} to {stay.check_out} ({rooms} asked)"
    )
