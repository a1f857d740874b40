"""Rate limits on the real Redis: one budget for every process, and no outage for the guests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from hotel_agent.ratelimit import KEY_PREFIX, RateLimiter, build_rate_limiter


async def keys_of(redis_url: str, limit_name: str) -> list[bytes]:
    client = redis.Redis.from_url(redis_url)
    try:
        return [key async for key in client.scan_iter(match=f"{KEY_PREFIX}*/{limit_name}/*")]
    finally:
        await client.aclose()


@pytest.fixture
async def limit_name(redis_url: str) -> AsyncIterator[str]:
    """A limit name of this test's own, so its keys are its own; deleted afterwards."""
    name = f"test_{uuid.uuid4().hex}"
    yield name
    keys = await keys_of(redis_url, name)
    if keys:
        client = redis.Redis.from_url(redis_url)
        try:
            await client.delete(*keys)
        finally:
            await client.aclose()


def refusals(name: str) -> float:
    return REGISTRY.get_sample_value("hotel_agent_rate_limited_total", {"limit": name}) or 0.0


@pytest.mark.redis
async def test_processes_sharing_redis_share_one_budget(redis_url: str, limit_name: str) -> None:
    first, second = build_rate_limiter(redis_url), build_rate_limiter(redis_url)
    try:
        decisions = [
            await limiter.hit(limit_name, "203.0.113.7", "4/minute")
            for limiter in (first, second, first, second, first, second)
        ]
    finally:
        await first.close()
        await second.close()

    assert [decision.allowed for decision in decisions] == [True] * 4 + [False] * 2
    assert [decision.remaining for decision in decisions[:4]] == [3, 2, 1, 0]
    assert all(0 < decision.retry_after_seconds <= 60 for decision in decisions[4:])
    assert refusals(limit_name) == 2
    assert len(await keys_of(redis_url, limit_name)) == 1


async def test_an_unreachable_redis_fails_open() -> None:
    limiter = RateLimiter("redis://127.0.0.1:1/0")
    before = refusals("webchat_outage")

    with capture_logs() as logs:
        decisions = [await limiter.hit("webchat_outage", "guest", "1/minute") for _ in range(3)]
    await limiter.close()

    assert all(decision.allowed for decision in decisions)
    assert refusals("webchat_outage") == before
    # One warning per outage, not one per guest message.
    warnings = [log for log in logs if log["log_level"] == "warning"]
    assert len(warnings) == 1
    assert warnings[0]["limit_name"] == "webchat_outage"
