"""The in-process PMS cache: fresh, then stale until the stale horizon, then gone; bounded."""

from __future__ import annotations

from datetime import time

import pytest
from pydantic import TypeAdapter

from hotel_agent.pms.cache import CacheKind, InProcessPmsCache
from hotel_agent.pms.port import HotelProfile

HOTEL = CacheKind("hotel", TypeAdapter(HotelProfile))
NAMES = CacheKind("names", TypeAdapter(list[str]))
PROFILE = HotelProfile(
    id="1",
    name="Hotel Prueba",
    check_in_time=time(14),
    check_out_time=time(12),
    currency="EUR",
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(clock: Clock) -> InProcessPmsCache:
    return InProcessPmsCache(max_entries=3, clock=clock)


async def store(cache: InProcessPmsCache, key: str, value: list[str]) -> None:
    generation = (await cache.get(NAMES, key)).generation
    await cache.put(NAMES, key, value, generation=generation, fresh_seconds=60, keep_seconds=600)


async def test_an_entry_is_fresh_then_stale_then_gone(
    cache: InProcessPmsCache, clock: Clock
) -> None:
    assert (await cache.get(HOTEL, "profile")).entry is None
    await cache.put(HOTEL, "profile", PROFILE, generation=0, fresh_seconds=60, keep_seconds=600)

    fresh = (await cache.get(HOTEL, "profile")).entry
    assert fresh is not None and fresh.fresh
    assert fresh.value == PROFILE and fresh.stored_at == clock.now

    clock.now += 60
    stale = (await cache.get(HOTEL, "profile")).entry
    assert stale is not None and not stale.fresh
    assert stale.value == PROFILE

    clock.now += 540
    assert (await cache.get(HOTEL, "profile")).entry is None
    assert len(cache) == 0


async def test_invalidation_makes_entries_stale_but_keeps_them(cache: InProcessPmsCache) -> None:
    await store(cache, "a", ["double"])
    await cache.invalidate(NAMES)

    lookup = await cache.get(NAMES, "a")
    assert lookup.entry is not None and not lookup.entry.fresh
    assert lookup.entry.value == ["double"]
    assert lookup.generation == 1
    assert (await cache.get(HOTEL, "profile")).generation == 0


async def test_an_answer_read_before_an_invalidation_is_never_fresh(
    cache: InProcessPmsCache,
) -> None:
    before_the_call = await cache.get(NAMES, "a")
    await cache.invalidate(NAMES)  # a booking made while the search was in flight
    await cache.put(
        NAMES,
        "a",
        ["double"],
        generation=before_the_call.generation,
        fresh_seconds=60,
        keep_seconds=600,
    )
    entry = (await cache.get(NAMES, "a")).entry
    assert entry is not None and not entry.fresh


async def test_least_recently_used_entries_go_first_when_full(cache: InProcessPmsCache) -> None:
    for key in ("a", "b", "c"):
        await store(cache, key, [key])
    await cache.get(NAMES, "a")  # "b" is now the least recently used
    await store(cache, "d", ["d"])

    assert len(cache) == 3
    assert (await cache.get(NAMES, "b")).entry is None
    for key in ("a", "c", "d"):
        entry = (await cache.get(NAMES, key)).entry
        assert entry is not None and entry.value == [key]


async def test_kinds_do_not_share_keys(cache: InProcessPmsCache) -> None:
    await cache.put(HOTEL, "x", PROFILE, generation=0, fresh_seconds=60, keep_seconds=60)
    assert (await cache.get(NAMES, "x")).entry is None


def test_refuses_a_cache_that_holds_nothing() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        InProcessPmsCache(max_entries=0)
