"""Rate limits shared by every process that points at the same Redis (or per process in memory).

Moving window, not fixed window: a fixed window lets a client spend its whole budget at the end
of one window and again at the start of the next (twice the rate in a few seconds), which is
exactly the burst a chat flood or a retrying bot produces. The moving window keeps one entry
per hit, so its cost grows with the limit; our limits are tens to hundreds per minute, so that
is a few kilobytes per key, and `retry_after_seconds` is exact (when the oldest hit expires).
Refused hits are not recorded, so a client that keeps knocking while refused is still served
as soon as its oldest hit leaves the window.

A rate-limit outage must not take the guest chat down: when Redis fails, the limiter fails
OPEN (allows the hit), logs one warning and stops asking Redis for a short cooldown, so an
outage costs neither a connect timeout per message nor a log line per request.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import structlog
from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

from hotel_agent.observability.metrics import RATE_LIMITED

if TYPE_CHECKING:
    import redis.asyncio

MEMORY_URI = "memory://"
KEY_PREFIX = "hotel_agent:ratelimit"
# Redis is on the path of every guest message: a slow or unreachable Redis must cost at most
# this much before the limiter gives up and allows the message. The client's own timeouts
# apply per socket operation; the deadline bounds the whole hit, whatever the client does.
_REDIS_TIMEOUT_SECONDS = 0.5
_HIT_DEADLINE_SECONDS = 1.0
_OUTAGE_COOLDOWN_SECONDS = 5.0

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RateLimitDecision:
    """The answer to one hit; `retry_after_seconds` (0 when allowed) suits a Retry-After."""

    allowed: bool
    retry_after_seconds: int
    remaining: int
    limit: int


@lru_cache(maxsize=128)
def _parse_rate(rate: str) -> RateLimitItem:
    """Parse a limits rate string ("30/minute") once; raises ValueError when it is invalid."""
    return parse(rate)


class RateLimiter:
    """Counts hits per (name, key) against a rate such as "30/minute"."""

    def __init__(self, storage_uri: str = MEMORY_URI, *, key_prefix: str = KEY_PREFIX) -> None:
        """`storage_uri` is `memory://` or a Redis URL (`redis://`, `rediss://`)."""
        self._pool: redis.asyncio.ConnectionPool | None = None
        if storage_uri.startswith("memory://"):
            storage = storage_from_string("async+memory://")
        else:
            # limits' async Redis storage on redis-py, the client the rest of the agent uses
            # (its default, coredis, would put a second Redis client in the image). Imported
            # only here: the in-memory limits (no REDIS_URL) never need it.
            import redis.asyncio

            # We own the pool so that close() can release its sockets; limits has no close.
            self._pool = redis.asyncio.ConnectionPool.from_url(
                storage_uri,
                socket_connect_timeout=_REDIS_TIMEOUT_SECONDS,
                socket_timeout=_REDIS_TIMEOUT_SECONDS,
            )
            # limits documents `connection_pool` but types its options as scalars.
            options: dict[str, Any] = {
                "connection_pool": self._pool,
                "key_prefix": key_prefix,
                "implementation": "redispy",
            }
            storage = storage_from_string("async+" + storage_uri, wrap_exceptions=True, **options)
        self._strategy = MovingWindowRateLimiter(storage)
        self._skip_storage_until = 0.0

    async def hit(self, name: str, key: str, rate: str) -> RateLimitDecision:
        """Count one hit of `key` under the limit `name`; refusals do not consume budget."""
        item = _parse_rate(rate)
        if time.monotonic() < self._skip_storage_until:
            return _allowed_without_storage(item)
        try:
            async with asyncio.timeout(_HIT_DEADLINE_SECONDS):
                allowed = await self._strategy.hit(item, name, key)
                stats = await self._strategy.get_window_stats(item, name, key)
        # OSError covers the deadline's TimeoutError and resolver failures the client lets out.
        except (StorageError, OSError) as exc:
            self._skip_storage_until = time.monotonic() + _OUTAGE_COOLDOWN_SECONDS
            _log.warning(
                "rate limit storage unavailable, allowing requests",
                limit_name=name,
                error=str(exc) or type(exc).__name__,
                cooldown_seconds=_OUTAGE_COOLDOWN_SECONDS,
            )
            return _allowed_without_storage(item)
        if allowed:
            return RateLimitDecision(True, 0, max(stats.remaining, 0), item.amount)
        RATE_LIMITED.labels(name).inc()
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return RateLimitDecision(False, retry_after, 0, item.amount)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()


def _allowed_without_storage(item: RateLimitItem) -> RateLimitDecision:
    # Usage is unknown while the storage is down, so report the whole budget as remaining.
    return RateLimitDecision(True, 0, item.amount, item.amount)


def build_rate_limiter(redis_url: str | None) -> RateLimiter:
    """Redis when REDIS_URL is set (limits shared by all processes), else in-process memory."""
    return RateLimiter(redis_url or MEMORY_URI)
