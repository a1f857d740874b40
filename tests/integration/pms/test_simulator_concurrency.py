"""The simulator never overbooks and never books twice for one key, under real concurrency.

On PostgreSQL the creates run on 50 pooled connections at once; on SQLite (one connection,
one writer) they interleave between statements.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from hotel_agent.db import migrate
from hotel_agent.db.engine import SessionFactory, create_engine, create_session_factory
from hotel_agent.db.models.pms_simulator import SimBooking, SimOccupancy, SimRoomType
from hotel_agent.pms.errors import RoomUnavailable
from hotel_agent.pms.policy import StayPolicy
from hotel_agent.pms.port import (
    Booking,
    BookingRequest,
    BookingStatus,
    GuestDetails,
    Stay,
    StayChange,
)
from hotel_agent.pms.simulator.adapter import SimulatorPms
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL
from hotel_agent.settings import DatabaseSettings, Settings

SUITE = next(room for room in DEMO_HOTEL.room_types if room.code == "STE")
WINDOW_START = date.today() + timedelta(days=40)
WINDOW_NIGHTS = 7
CONTENDED_NIGHT = WINDOW_START + timedelta(days=3)  # in every contender's stay


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    no_env: dict[str, Any] = {"_env_file": None}
    # 25 + 25 overflow: every one of the 50 creates gets its own PostgreSQL connection.
    settings = Settings(**no_env, db=DatabaseSettings(**no_env, url=database_url, pool_size=25))
    engine = create_engine(settings)
    await migrate.upgrade(engine)
    yield create_session_factory(engine)
    await engine.dispose()


def booking_request(check_in: date, check_out: date, *, key: str | None = None) -> BookingRequest:
    return BookingRequest(
        stay=Stay(check_in=check_in, check_out=check_out, adults=2),
        room_type_id=SUITE.code,
        guest=GuestDetails(name="Marta Ruiz", email="marta.ruiz@example.com"),
        idempotency_key=key or uuid.uuid4().hex,
    )


async def occupancy(sessions: SessionFactory) -> dict[date, int]:
    async with sessions() as session:
        rows = await session.execute(
            select(SimOccupancy.night, SimOccupancy.booked)
            .join(SimRoomType)
            .where(SimRoomType.code == SUITE.code)
        )
        return {night: booked for night, booked in rows if booked}


async def confirmed_suite_bookings(sessions: SessionFactory) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(SimBooking)
            .join(SimRoomType)
            .where(SimRoomType.code == SUITE.code, SimBooking.status == "confirmed")
        )
        return int(count or 0)


async def test_fifty_guests_race_for_the_last_suite(sessions: SessionFactory) -> None:
    pms = SimulatorPms(sessions, StayPolicy())
    window_end = WINDOW_START + timedelta(days=WINDOW_NIGHTS)
    for _ in range(SUITE.inventory - 1):
        await pms.create_booking(booking_request(WINDOW_START, window_end))

    # Different but overlapping stays, so reservations lock nights in different sets.
    rng = random.Random(7)
    contenders = [
        booking_request(
            CONTENDED_NIGHT - timedelta(days=rng.randint(0, 3)),
            CONTENDED_NIGHT + timedelta(days=rng.randint(1, 4)),
        )
        for _ in range(50)
    ]
    outcomes = await asyncio.gather(
        *(pms.create_booking(request) for request in contenders), return_exceptions=True
    )

    winners = [outcome for outcome in outcomes if isinstance(outcome, Booking)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, RoomUnavailable)]
    assert len(winners) == 1 and len(refused) == 49, outcomes
    winner = winners[0].stay
    expected = {WINDOW_START + timedelta(days=offset): SUITE.inventory - 1 for offset in range(7)}
    for offset in range(winner.nights):
        night = winner.check_in + timedelta(days=offset)
        expected[night] = expected.get(night, 0) + 1
    assert await occupancy(sessions) == expected
    assert max(expected.values()) == SUITE.inventory
    assert await confirmed_suite_bookings(sessions) == SUITE.inventory


async def test_twenty_retries_with_one_key_make_one_booking(sessions: SessionFactory) -> None:
    pms = SimulatorPms(sessions, StayPolicy())
    check_out = WINDOW_START + timedelta(days=2)
    request = booking_request(WINDOW_START, check_out, key="retry-" + uuid.uuid4().hex)

    bookings = await asyncio.gather(*(pms.create_booking(request) for _ in range(20)))

    assert {booking.pms_id for booking in bookings} == {bookings[0].pms_id}
    assert await confirmed_suite_bookings(sessions) == 1
    assert await occupancy(sessions) == {WINDOW_START: 1, WINDOW_START + timedelta(days=1): 1}


async def test_concurrent_first_starts_seed_the_hotel_once(sessions: SessionFactory) -> None:
    starts = [SimulatorPms(sessions, StayPolicy()) for _ in range(8)]

    catalogues = await asyncio.gather(*(pms.room_types() for pms in starts))

    codes = [room.code for room in DEMO_HOTEL.room_types]
    assert all([room_type.id for room_type in catalogue] == codes for catalogue in catalogues)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SimRoomType)) == len(codes)


async def test_moves_into_the_last_suite_race_like_new_bookings(sessions: SessionFactory) -> None:
    pms = SimulatorPms(sessions, StayPolicy())
    target_end = WINDOW_START + timedelta(days=2)
    for _ in range(SUITE.inventory - 1):
        await pms.create_booking(booking_request(WINDOW_START, target_end))
    elsewhere = [
        await pms.create_booking(
            booking_request(
                WINDOW_START + timedelta(days=10 + 3 * index),
                WINDOW_START + timedelta(days=12 + 3 * index),
            )
        )
        for index in range(SUITE.inventory)
    ]

    change = StayChange(check_in=WINDOW_START, check_out=target_end)
    outcomes = await asyncio.gather(
        *(pms.modify_booking(booking.pms_id, change) for booking in elsewhere),
        return_exceptions=True,
    )

    moved = [outcome for outcome in outcomes if isinstance(outcome, Booking)]
    assert len(moved) == 1 and all(
        isinstance(outcome, RoomUnavailable) for outcome in outcomes if outcome not in moved
    )
    nights = await occupancy(sessions)
    assert nights[WINDOW_START] == nights[WINDOW_START + timedelta(days=1)] == SUITE.inventory
    assert sum(nights.values()) == 2 * SUITE.inventory + 2 * (len(elsewhere) - 1)


async def test_concurrent_cancels_release_the_rooms_once(sessions: SessionFactory) -> None:
    pms = SimulatorPms(sessions, StayPolicy())
    kept = await pms.create_booking(booking_request(WINDOW_START, WINDOW_START + timedelta(days=3)))
    cancelled = await pms.create_booking(
        booking_request(WINDOW_START, WINDOW_START + timedelta(days=3))
    )

    results = await asyncio.gather(*(pms.cancel_booking(cancelled.pms_id) for _ in range(10)))

    assert {result.status for result in results} == {BookingStatus.CANCELLED}
    assert await occupancy(sessions) == {
        WINDOW_START + timedelta(days=offset): kept.stay.rooms for offset in range(3)
    }
