"""A cache of PMS answers that can still serve them, marked stale, while the PMS is down.

Each entry keeps the answer, when the PMS gave it (`stored_at`), until when it counts as fresh,
and the generation of its kind it was read under. An entry is fresh until its fresh time passes
or its kind is invalidated (a write changed availability); after that it is stale, kept only as
a fallback until its keep time (the stale horizon), then it expires.

Invalidation bumps a generation instead of deleting entries: a lookup stays one round trip, the
last known answer remains available as a stale fallback, and an answer read before a write but
stored after it (a race between two conversations) is stored under the old generation, so it
is never served as fresh.

Two implementations: in-process (the default, one process) and Redis (shared by every process;
JSON values). A cache outage must never break bookings: Redis errors become misses and no-ops.
Times are wall-clock (`time.time`): Redis entries are shared between processes and `stored_at`
is what the agent tells a guest ("as of 14:05").
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

import structlog
from pydantic import TypeAdapter
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class CacheKind(Generic[T]):
    """A family of entries: its name (in keys and metrics) and how its values (de)serialize."""

    name: str
    adapter: TypeAdapter[T]


@dataclass(frozen=True, slots=True)
class Cached(Generic[T]):
    value: T
    stored_at: float  # wall-clock time the PMS gave this answer
    fresh: bool


@dataclass(frozen=True, slots=True)
class Lookup(Generic[T]):
    entry: Cached[T] | None
    generation: int  # hand it back to `put` with the answer fetched after this lookup


class PmsCache(Protocol):
    async def get(self, kind: CacheKind[T], key: str) -> Lookup[T]:
        """The entry (fresh or stale) if one is kept, and the kind's current generation."""
        ...

    async def put(
        self,
        kind: CacheKind[T],
        key: str,
        value: T,
        *,
        generation: int,
        fresh_seconds: float,
        keep_seconds: float,
    ) -> None:
        """Store an answer read under `generation` (from the `get` before the PMS call)."""
        ...

    async def invalidate(self, kind: CacheKind[Any]) -> None:
        """Make every entry of this kind stale; they stay available as fallbacks."""
        ...


@dataclass(slots=True)
class _Entry:
    value: Any
    stored_at: float
    fresh_until: float
    expires_at: float
    generation: int


class InProcessPmsCache:
    """A bounded dict, least recently used evicted first. Values are kept as the very objects
    stored (no copy, for speed): callers treat PMS answers as immutable."""

    def __init__(self, *, max_entries: int = 1024, clock: Callable[[], float] = time.time) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._generations: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, kind: CacheKind[T], key: str) -> Lookup[T]:
        generation = self._generations.get(kind.name, 0)
        slot = (kind.name, key)
        entry = self._entries.get(slot)
        if entry is None:
            return Lookup(None, generation)
        now = self._clock()
        if now >= entry.expires_at:
            del self._entries[slot]
            return Lookup(None, generation)
        self._entries.move_to_end(slot)
        fresh = now < entry.fresh_until and entry.generation == generation
        return Lookup(Cached(cast(T, entry.value), entry.stored_at, fresh), generation)

    async def put(
        self,
        kind: CacheKind[T],
        key: str,
        value: T,
        *,
        generation: int,
        fresh_seconds: float,
        keep_seconds: float,
    ) -> None:
        now = self._clock()
        slot = (kind.name, key)
        self._entries[slot] = _Entry(
            value, now, now + fresh_seconds, now + max(keep_seconds, fresh_seconds), generation
        )
        self._entries.move_to_end(slot)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def invalidate(self, kind: CacheKind[Any]) -> None:
        self._generations[kind.name] = self._generations.get(kind.name, 0) + 1


# Redis is on the path of every PMS read: a slow or unreachable Redis may cost at most this
# much per operation, and after a failure the cache stops asking it for a while, so an outage
# costs neither a connect timeout per guest message nor a log line per call.
_REDIS_DEADLINE_SECONDS = 0.5
_OUTAGE_COOLDOWN_SECONDS = 5.0


class RedisPmsCache:
    """Entries as JSON strings whose Redis TTL is the stale horizon; generations as counters."""

    def __init__(
        self,
        redis: Redis,
        *,
        key_prefix: str = "hotel_agent:pms:",
        clock: Callable[[], float] = time.time,
        deadline_seconds: float = _REDIS_DEADLINE_SECONDS,
        outage_cooldown_seconds: float = _OUTAGE_COOLDOWN_SECONDS,
    ) -> None:
        self._redis = redis
        self._prefix = key_prefix
        self._clock = clock
        self._deadline = deadline_seconds
        self._cooldown = outage_cooldown_seconds
        self._skip_until = 0.0

    async def get(self, kind: CacheKind[T], key: str) -> Lookup[T]:
        if self._skipping():
            return Lookup(None, 0)
        try:
            async with asyncio.timeout(self._deadline):
                raw_generation, raw = await self._redis.mget(
                    self._generation_key(kind), self._key(kind, key)
                )
        except (RedisError, OSError) as exc:
            self._outage("get", kind, exc)
            return Lookup(None, 0)
        generation = int(raw_generation or 0)
        if raw is None:
            return Lookup(None, generation)
        try:
            data = json.loads(raw)
            value = kind.adapter.validate_python(data["value"])
            stored_at, fresh_until = float(data["stored_at"]), float(data["fresh_until"])
            entry_generation = int(data["generation"])
        # pydantic's ValidationError is a ValueError; a bad entry is a miss, then overwritten.
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("pms.cache_entry_unreadable", kind=kind.name, error=type(exc).__name__)
            return Lookup(None, generation)
        fresh = self._clock() < fresh_until and entry_generation == generation
        return Lookup(Cached(value, stored_at, fresh), generation)

    async def put(
        self,
        kind: CacheKind[T],
        key: str,
        value: T,
        *,
        generation: int,
        fresh_seconds: float,
        keep_seconds: float,
    ) -> None:
        if self._skipping():
            return
        now = self._clock()
        payload = json.dumps(
            {
                "value": kind.adapter.dump_python(value, mode="json"),
                "stored_at": now,
                "fresh_until": now + fresh_seconds,
                "generation": generation,
            },
            separators=(",", ":"),
        )
        keep_ms = max(1, round(max(keep_seconds, fresh_seconds) * 1000))
        try:
            async with asyncio.timeout(self._deadline):
                await self._redis.set(self._key(kind, key), payload, px=keep_ms)
        except (RedisError, OSError) as exc:
            self._outage("put", kind, exc)

    async def invalidate(self, kind: CacheKind[Any]) -> None:
        if self._skipping():
            return
        try:
            async with asyncio.timeout(self._deadline):
                await self._redis.incr(self._generation_key(kind))
        except (RedisError, OSError) as exc:
            # Other processes may serve the old availability as fresh until it ages out.
            self._outage("invalidate", kind, exc)

    def _key(self, kind: CacheKind[Any], key: str) -> str:
        return f"{self._prefix}{kind.name}:{key}"

    def _generation_key(self, kind: CacheKind[Any]) -> str:
        # "#" rather than ":" so that no entry key can ever name the counter.
        return f"{self._prefix}{kind.name}#generation"

    def _skipping(self) -> bool:
        return time.monotonic() < self._skip_until

    def _outage(self, operation: str, kind: CacheKind[Any], exc: BaseException) -> None:
        self._skip_until = time.monotonic() + self._cooldown
        log.warning(
            "pms.cache_unavailable",
            operation=operation,
            kind=kind.name,
            error=type(exc).__name__,
            cooldown_seconds=self._cooldown,
        )
