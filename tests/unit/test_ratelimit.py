"""The in-process rate limiter: the default when no Redis is configured."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import REGISTRY

from hotel_agent.ratelimit import RateLimitDecision, build_rate_limiter


def refusals(name: str) -> float:
    return REGISTRY.get_sample_value("hotel_agent_rate_limited_total", {"limit": name}) or 0.0


async def test_allows_up_to_the_rate_then_refuses_with_retry_after() -> None:
    limiter = build_rate_limiter(None)
    before = refusals("webchat_session")

    decisions = [await limiter.hit("webchat_session", "session-1", "3/minute") for _ in range(4)]

    assert decisions[:3] == [
        RateLimitDecision(allowed=True, retry_after_seconds=0, remaining=2, limit=3),
        RateLimitDecision(allowed=True, retry_after_seconds=0, remaining=1, limit=3),
        RateLimitDecision(allowed=True, retry_after_seconds=0, remaining=0, limit=3),
    ]
    refused = decisions[3]
    assert not refused.allowed
    assert 0 < refused.retry_after_seconds <= 60
    assert (refused.remaining, refused.limit) == (0, 3)
    assert refusals("webchat_session") == before + 1
    await limiter.close()


async def test_keys_and_limit_names_are_independent() -> None:
    limiter = build_rate_limiter(None)
    for _ in range(2):
        await limiter.hit("webchat_session", "session-1", "2/minute")

    exhausted = await limiter.hit("webchat_session", "session-1", "2/minute")
    other_key = await limiter.hit("webchat_session", "session-2", "2/minute")
    other_name = await limiter.hit("webchat_client", "session-1", "2/minute")

    assert not exhausted.allowed
    assert other_key.allowed
    assert other_name.allowed
    await limiter.close()


async def test_a_client_that_waits_retry_after_is_served_again() -> None:
    limiter = build_rate_limiter(None)
    await limiter.hit("whatsapp_sender", "guest-1", "1/second")
    # Hammering while refused must not push the client's turn further away.
    refused = [await limiter.hit("whatsapp_sender", "guest-1", "1/second") for _ in range(5)]

    await asyncio.sleep(refused[-1].retry_after_seconds)

    assert (await limiter.hit("whatsapp_sender", "guest-1", "1/second")).allowed
    await limiter.close()


async def test_an_invalid_rate_is_a_configuration_error() -> None:
    limiter = build_rate_limiter(None)

    with pytest.raises(ValueError, match="couldn't parse"):
        await limiter.hit("webchat_session", "session-1", "thirty a minute")
    await limiter.close()
