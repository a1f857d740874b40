"""PMS benchmark: simulator search latency, and what the resilience wrapper costs per call.

1. simulator search: the embedded simulator on a fresh SQLite file, built by the app's own
   factory (so behind `ResilientPms`), after a warm-up; every measured stay is different, so
   every search is a cache miss that reaches the simulator's tables.
2. wrapper overhead: an in-memory PMS that answers at once, called directly and through
   `ResilientPms` (deadline, breaker, metrics; then the cache's miss and hit paths), in
   microseconds per call. This is the price every real PMS call pays on top of the PMS.

Figures are printed as JSON, never asserted.

    .venv/bin/python bench/pms.py [--quick]
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from _common import main, progress, summary
from hotel_agent.db import migrate
from hotel_agent.db.engine import create_engine, create_session_factory
from hotel_agent.pms.breaker import CircuitBreaker
from hotel_agent.pms.cache import InProcessPmsCache
from hotel_agent.pms.factory import build_pms, hotel_today
from hotel_agent.pms.port import (
    Booking,
    BookingRequest,
    BookingStatus,
    GuestDetails,
    HotelProfile,
    Offer,
    PmsHealth,
    RoomType,
    Stay,
    StayChange,
)
from hotel_agent.pms.resilience import ResilientPms
from hotel_agent.settings import DatabaseSettings, PmsSettings, PmsType, Settings


@dataclass(frozen=True)
class Plan:
    warmup_searches: int
    searches: int
    overhead_calls: int  # per round
    overhead_rounds: int


FULL = Plan(warmup_searches=30, searches=400, overhead_calls=20_000, overhead_rounds=5)
QUICK = Plan(warmup_searches=10, searches=60, overhead_calls=2_000, overhead_rounds=3)


def run(*, quick: bool = False) -> dict[str, Any]:
    plan = QUICK if quick else FULL
    progress("pms: simulator search latency")
    search = asyncio.run(simulator_search(plan))
    progress("pms: resilience wrapper overhead")
    overhead = asyncio.run(wrapper_overhead(plan))
    return {
        "plan": asdict(plan),
        # Other processes on the machine slow both parts down: compare runs with similar loads.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "simulator_search": search,
        "wrapper_overhead": overhead,
    }


async def simulator_search(plan: Plan) -> dict[str, Any]:
    no_env: dict[str, Any] = {"_env_file": None}
    with tempfile.TemporaryDirectory(prefix="bench-pms-") as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'simulator.db'}"
        settings = Settings(
            **no_env,
            db=DatabaseSettings(**no_env, url=url),
            pms=PmsSettings(**no_env, type=PmsType.SIMULATOR),
        )
        engine = create_engine(settings)
        try:
            await migrate.upgrade(engine)
            async with httpx.AsyncClient() as http:
                pms = build_pms(
                    settings, sessions=create_session_factory(engine), http=http, redis=None
                )
                today = hotel_today(settings.hotel.timezone)()
                stays = varied_stays(today, plan.warmup_searches + plan.searches)
                for stay in stays[: plan.warmup_searches]:
                    await pms.search(stay)
                latencies_ms: list[float] = []
                offers = 0
                for stay in stays[plan.warmup_searches :]:
                    started = time.perf_counter()
                    found = await pms.search(stay)
                    latencies_ms.append((time.perf_counter() - started) * 1000)
                    offers += len(found)
        finally:
            await engine.dispose()
    return {
        "database": "sqlite",
        "searches": len(latencies_ms),
        "offers_per_search": round(offers / len(latencies_ms), 2),
        "latency_ms": summary(latencies_ms, digits=2),
    }


def varied_stays(today: date, count: int) -> list[Stay]:
    """Distinct stays within the booking horizon: 1-7 nights, 1-3 adults, 0-1 children."""
    combos = list(itertools.product(range(1, 300), range(1, 8), range(1, 4), range(2)))
    chosen = random.Random(7).sample(combos, count)
    return [
        Stay(
            check_in=today + timedelta(days=offset),
            check_out=today + timedelta(days=offset + nights),
            adults=adults,
            children=children,
        )
        for offset, nights, adults, children in chosen
    ]


async def wrapper_overhead(plan: Plan) -> dict[str, Any]:
    inner = InstantPms()
    wrapped = ResilientPms(
        inner,
        breaker=CircuitBreaker("bench", failures=5, window_seconds=60, recovery_seconds=30),
        cache=InProcessPmsCache(),
        settings=PmsSettings(_env_file=None),
        timeout=10.0,
    )
    same = Stay(check_in=date(2030, 1, 1), check_out=date(2030, 1, 3), adults=2)
    await wrapped.search(same)  # stored: every later search of it is a hit
    # A new stay per call, so each wrapped search misses (and the bounded cache evicts, as it
    # would in service); the direct searches build the same stays, so only the wrapper differs.
    direct_stays, miss_stays = new_stays(same), new_stays(same)

    async def get_booking_direct() -> None:
        await inner.get_booking("1")

    async def get_booking_wrapped() -> None:
        await wrapped.get_booking("1")

    async def search_direct() -> None:
        await inner.search(next(direct_stays))

    async def search_miss() -> None:
        await wrapped.search(next(miss_stays))

    async def search_hit() -> None:
        await wrapped.search(same)

    us = {
        name: await per_call_us(call, plan)
        for name, call in (
            ("get_booking_direct", get_booking_direct),
            ("get_booking_wrapped", get_booking_wrapped),
            ("search_direct", search_direct),
            # Hits first: the misses fill the bounded cache and evict the stored stay.
            ("search_wrapped_cache_hit", search_hit),
            ("search_wrapped_cache_miss", search_miss),
        )
    }
    return {
        "calls_per_round": plan.overhead_calls,
        "rounds": plan.overhead_rounds,
        "per_call_us": us,
        "overhead_us": {
            "uncached_read": round(us["get_booking_wrapped"] - us["get_booking_direct"], 2),
            "search_cache_miss": round(us["search_wrapped_cache_miss"] - us["search_direct"], 2),
        },
    }


def new_stays(first: Stay) -> Iterator[Stay]:
    for days in itertools.count(1):
        yield first.model_copy(
            update={
                "check_in": first.check_in + timedelta(days=days),
                "check_out": first.check_out + timedelta(days=days),
            }
        )


async def per_call_us(call: Callable[[], Awaitable[None]], plan: Plan) -> float:
    """Median over rounds of the mean time per call, in microseconds."""
    for _ in range(min(1000, plan.overhead_calls)):  # warm-up
        await call()
    rounds = []
    for _ in range(plan.overhead_rounds):
        started = time.perf_counter()
        for _ in range(plan.overhead_calls):
            await call()
        rounds.append((time.perf_counter() - started) / plan.overhead_calls * 1e6)
    return round(statistics.median(rounds), 2)


ROOM = RoomType(id="DBL", names={"en": "Double"}, max_adults=2, max_children=1, max_guests=3)
GUEST = GuestDetails(name="Bench Guest", email="bench@example.com")


class InstantPms:
    """A PMS that answers at once from memory: what remains is the wrapper's own cost."""

    async def hotel(self) -> HotelProfile:
        raise NotImplementedError

    async def room_types(self) -> list[RoomType]:
        return [ROOM]

    async def search(self, stay: Stay) -> list[Offer]:
        price = Decimal(100 * stay.nights)
        return [
            Offer(
                room_type=ROOM,
                stay=stay,
                nightly_price=Decimal(100),
                total_price=price,
                currency="EUR",
                rooms_left=3,
            )
        ]

    async def create_booking(self, request: BookingRequest) -> Booking:
        raise NotImplementedError

    async def find_booking_for(self, request: BookingRequest) -> Booking | None:
        raise NotImplementedError

    async def get_booking(self, pms_id: str) -> Booking:
        return BOOKING

    async def find_bookings(
        self, *, reference: str | None = None, email: str | None = None, phone: str | None = None
    ) -> list[Booking]:
        raise NotImplementedError

    async def modify_booking(self, pms_id: str, change: StayChange) -> Booking:
        raise NotImplementedError

    async def cancel_booking(self, pms_id: str) -> Booking:
        raise NotImplementedError

    async def health(self) -> PmsHealth:
        return PmsHealth(ok=True, detail="instant")


BOOKING = Booking(
    pms_id="1",
    reference="BENCH1",
    status=BookingStatus.CONFIRMED,
    stay=Stay(check_in=date(2030, 1, 1), check_out=date(2030, 1, 3), adults=2),
    room_type_id="DBL",
    guest=GUEST,
    total_price=Decimal(200),
    currency="EUR",
)


if __name__ == "__main__":
    main(run, __doc__.splitlines()[0])
