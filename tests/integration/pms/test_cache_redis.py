"""The Redis PMS cache on a real Redis: shared by processes, JSON-exact, harmless when down."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest
import redis.asyncio as redis
from pydantic import TypeAdapter
from structlog.testing import capture_logs

from hotel_agent.pms.cache import CacheKind, RedisPmsCache
from hotel_agent.pms.port import Offer, RoomType, Stay

pytestmark = pytest.mark.redis

AVAILABILITY = CacheKind("availability", TypeAdapter(list[Offer]))
OFFER = Offer(
    room_type=RoomType(
        id="DBL",
        names={"es": "Doble", "en": "Double"},
        max_adults=2,
        max_children=1,
        max_guests=3,
        amenities=["wifi"],
    ),
    stay=Stay(check_in=date(2026, 12, 1), check_out=date(2026, 12, 4), adults=2),
    nightly_price=Decimal("109.90"),
    total_price=Decimal("329.70"),
    currency="EUR",
    rooms_left=3,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_url)
    yield connection
    await connection.aclose()


@pytest.fixture
async def prefix(client: redis.Redis) -> AsyncIterator[str]:
    """Keys of this test's own, deleted afterwards."""
    own = f"test:pms:{uuid.uuid4().hex}:"
    yield own
    keys = [key async for key in client.scan_iter(match=f"{own}*")]
    if keys:
        await client.delete(*keys)


async def test_fresh_then_stale_with_the_exact_offer(client: redis.Redis, prefix: str) -> None:
    clock = Clock()
    cache = RedisPmsCache(client, key_prefix=prefix, clock=clock)
    lookup = await cache.get(AVAILABILITY, "stay")
    assert lookup.entry is None and lookup.generation == 0

    await cache.put(AVAILABILITY, "stay", [OFFER], generation=0, fresh_seconds=60, keep_seconds=600)
    fresh = (await cache.get(AVAILABILITY, "stay")).entry
    assert fresh is not None and fresh.fresh and fresh.stored_at == clock.now
    assert fresh.value == [OFFER]
    assert fresh.value[0].total_price == Decimal("329.70")
    assert isinstance(fresh.value[0].nightly_price, Decimal)

    clock.now += 61
    stale = (await cache.get(AVAILABILITY, "stay")).entry
    assert stale is not None and not stale.fresh and stale.value == [OFFER]

    ttl_ms = await client.pttl(f"{prefix}availability:stay")
    assert 590_000 < ttl_ms <= 600_000  # the stale horizon, from when it was stored


async def test_entries_expire_at_the_stale_horizon(client: redis.Redis, prefix: str) -> None:
    cache = RedisPmsCache(client, key_prefix=prefix)
    await cache.put(
        AVAILABILITY, "stay", [OFFER], generation=0, fresh_seconds=0.05, keep_seconds=0.2
    )
    assert (await cache.get(AVAILABILITY, "stay")).entry is not None
    for _ in range(100):
        if (await cache.get(AVAILABILITY, "stay")).entry is None:
            break
        await asyncio.sleep(0.05)
    assert (await cache.get(AVAILABILITY, "stay")).entry is None


async def test_invalidation_reaches_every_process(client: redis.Redis, prefix: str) -> None:
    first, second = (RedisPmsCache(client, key_prefix=prefix) for _ in range(2))
    await first.put(AVAILABILITY, "stay", [OFFER], generation=0, fresh_seconds=60, keep_seconds=60)
    await second.invalidate(AVAILABILITY)

    lookup = await first.get(AVAILABILITY, "stay")
    assert lookup.generation == 1
    assert lookup.entry is not None and not lookup.entry.fresh
    assert lookup.entry.value == [OFFER]  # still there as a fallback


async def test_an_unreadable_entry_is_a_miss(client: redis.Redis, prefix: str) -> None:
    await client.set(f"{prefix}availability:stay", b'{"value": [{"room_type": 1}]}')
    cache = RedisPmsCache(client, key_prefix=prefix)
    with capture_logs() as logs:
        assert (await cache.get(AVAILABILITY, "stay")).entry is None
    assert [entry["event"] for entry in logs] == ["pms.cache_entry_unreadable"]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_redis_down_is_a_miss_not_a_failure() -> None:
    down = redis.Redis(host="127.0.0.1", port=closed_port(), socket_connect_timeout=0.5)
    cache = RedisPmsCache(down, key_prefix="test:pms:down:")
    try:
        with capture_logs() as logs:
            lookup = await cache.get(AVAILABILITY, "stay")
            await cache.put(
                AVAILABILITY, "stay", [OFFER], generation=0, fresh_seconds=60, keep_seconds=60
            )
            await cache.invalidate(AVAILABILITY)
            again = await cache.get(AVAILABILITY, "stay")
    finally:
        await down.aclose()

    assert lookup.entry is None and again.entry is None
    # One warning, then the cache leaves Redis alone for a while instead of retrying each call.
    warnings = [entry for entry in logs if entry["log_level"] == "warning"]
    assert [entry["event"] for entry in warnings] == ["pms.cache_unavailable"]
