"""All of the simulator's SQL: catalogue reads, occupancy counting and atomic reservations."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models.pms_simulator import (
    SimBooking,
    SimBookingRoom,
    SimHotel,
    SimOccupancy,
    SimRoomType,
    SimSeason,
    SimWeekdayRate,
)
from hotel_agent.db.repositories._dialect import insert_for
from hotel_agent.pms.simulator.convert import normalize_reference
from hotel_agent.pms.simulator.rates import RatePlan, Season

_MAX_ID_DIGITS = 18  # larger numbers cannot be a BIGINT id


class SimulatorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def hotel(self, code: str) -> SimHotel | None:
        return await self.session.scalar(select(SimHotel).where(SimHotel.code == code))

    async def room_types(self, hotel_id: int) -> list[SimRoomType]:
        rows = await self.session.scalars(
            select(SimRoomType)
            .where(SimRoomType.hotel_id == hotel_id)
            .order_by(SimRoomType.position, SimRoomType.id)
        )
        return list(rows)

    async def room_type(self, hotel_id: int, code: str) -> SimRoomType | None:
        return await self.session.scalar(
            select(SimRoomType).where(SimRoomType.hotel_id == hotel_id, SimRoomType.code == code)
        )

    async def rate_plan(self, hotel: SimHotel) -> RatePlan:
        rows = await self.session.execute(
            select(SimWeekdayRate.weekday, SimWeekdayRate.multiplier).where(
                SimWeekdayRate.hotel_id == hotel.id
            )
        )
        weekdays = {int(weekday): multiplier for weekday, multiplier in rows}
        seasons = await self.session.scalars(
            select(SimSeason).where(SimSeason.hotel_id == hotel.id).order_by(SimSeason.id)
        )
        one = Decimal(1)
        return RatePlan(
            weekday_multipliers=(
                weekdays.get(0, one),
                weekdays.get(1, one),
                weekdays.get(2, one),
                weekdays.get(3, one),
                weekdays.get(4, one),
                weekdays.get(5, one),
                weekdays.get(6, one),
            ),
            seasons=tuple(Season(s.name, s.starts_on, s.ends_on, s.multiplier) for s in seasons),
            tax_rate=hotel.tax_rate,
        )

    async def most_booked(
        self, room_type_ids: list[int], *, check_in: date, check_out: date
    ) -> dict[int, int]:
        """The busiest night's booked count per room type over [check_in, check_out)."""
        rows = await self.session.execute(
            select(SimOccupancy.room_type_id, func.max(SimOccupancy.booked))
            .where(
                SimOccupancy.room_type_id.in_(room_type_ids),
                SimOccupancy.night >= check_in,
                SimOccupancy.night < check_out,
            )
            .group_by(SimOccupancy.room_type_id)
        )
        return {room_type_id: int(booked or 0) for room_type_id, booked in rows}

    async def change_occupancy(self, room_type_id: int, deltas: Mapping[date, int]) -> bool:
        """Add (or, when negative, remove) rooms per night; False if any night lacks rooms.

        Each increase is a conditional `UPDATE … WHERE booked + n <= inventory`, so the check
        and the write are one atomic step: on PostgreSQL the row lock makes a concurrent
        reservation wait and re-check the committed count, and SQLite has a single writer.
        Nights are touched in date order so two reservations never lock in opposite orders
        (no deadlock). The caller rolls back on False.
        """
        nights = sorted(night for night, delta in deltas.items() if delta)
        missing = [
            {"room_type_id": room_type_id, "night": night, "booked": 0}
            for night in nights
            if deltas[night] > 0
        ]
        if missing:
            # Make sure every night has a row to lock; a concurrent insert of the same night
            # waits for ours and then does nothing.
            await self.session.execute(
                insert_for(self.session, SimOccupancy).values(missing).on_conflict_do_nothing()
            )
        inventory = (
            select(SimRoomType.inventory).where(SimRoomType.id == room_type_id).scalar_subquery()
        )
        for night in nights:
            delta = deltas[night]
            stmt = (
                update(SimOccupancy)
                .where(SimOccupancy.room_type_id == room_type_id, SimOccupancy.night == night)
                .values(booked=SimOccupancy.booked + delta)
                .execution_options(synchronize_session=False)
            )
            if delta > 0:
                stmt = stmt.where(SimOccupancy.booked + delta <= inventory)
            result = await self.session.execute(stmt)
            if getattr(result, "rowcount", 0) != 1:
                return False
        return True

    async def add_booking(self, values: dict[str, Any]) -> int | None:
        """Insert a booking; None when its idempotency key (or reference) is already taken.

        On PostgreSQL a concurrent insert of the same key waits for the first transaction and
        then does nothing, so exactly one create wins the key.
        """
        stmt = (
            insert_for(self.session, SimBooking)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(SimBooking.id)
        )
        booking_id: int | None = (await self.session.execute(stmt)).scalar_one_or_none()
        return booking_id

    async def add_booking_rooms(self, booking_id: int, rooms: list[dict[str, Any]]) -> None:
        """The rooms of a new booking, in order: `room_type_id`, `adults`, `children`,
        `child_ages` each."""
        await self.session.execute(
            insert_for(self.session, SimBookingRoom).values(
                [{**room, "booking_id": booking_id, "position": n} for n, room in enumerate(rooms)]
            )
        )

    async def booking(self, booking_id: int) -> SimBooking | None:
        return await self.session.scalar(select(SimBooking).where(SimBooking.id == booking_id))

    async def booking_by_pms_id(self, pms_id: str, *, lock: bool = False) -> SimBooking | None:
        """A booking by its id, or by the reference a guest quotes; `lock` holds it (on
        PostgreSQL) until the transaction ends, so two changes to it cannot interleave."""
        text = pms_id.strip()
        if text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS:
            query = select(SimBooking).where(SimBooking.id == int(text))
        else:
            query = select(SimBooking).where(SimBooking.reference == normalize_reference(text))
        if lock:
            query = query.with_for_update(of=SimBooking).execution_options(populate_existing=True)
        return await self.session.scalar(query)

    async def booking_by_key(self, idempotency_key: str) -> SimBooking | None:
        return await self.session.scalar(
            select(SimBooking).where(SimBooking.idempotency_key == idempotency_key)
        )

    async def find_bookings(
        self, *, reference: str | None, email_key: str | None, phone_key: str | None
    ) -> list[SimBooking]:
        conditions = []
        if reference:
            conditions.append(SimBooking.reference == reference)
        if email_key:
            conditions.append(SimBooking.email_key == email_key)
        if phone_key:
            conditions.append(SimBooking.phone_key == phone_key)
        if not conditions:
            return []
        rows = await self.session.scalars(
            select(SimBooking).where(and_(*conditions)).order_by(SimBooking.check_in, SimBooking.id)
        )
        return list(rows)
