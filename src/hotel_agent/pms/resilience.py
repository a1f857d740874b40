"""The resilient PMS: every adapter is used through this wrapper.

- Every attempt runs under a deadline and under the circuit breaker, which sees each attempt's
  own failure before anything here maps or retries it.
- Reads are retried with jittered backoff when the PMS did not answer (`PmsUnavailable`),
  never when the breaker refused the call. Writes are never retried: a lost answer becomes
  `PmsOutcomeUnknown`, and the caller looks the booking up (`find_booking_for`) before any
  new attempt.
- The hotel profile, room types and recent availability are cached. When the PMS is down or
  the breaker open, an expired answer within the stale horizon is served instead, and recorded
  in the caller's `stale_answers()` block so that the agent can say it may be outdated.
- A write that did or may have happened makes cached availability stale.

`PMS_CALLS` counts attempts (including those the breaker refused), `PMS_CALL_SECONDS` times the
attempts that reached the PMS. Logs name the operation and error type, never the arguments or
error messages, which may hold guests' names, e-mails and phones.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import httpx
import structlog
from pydantic import TypeAdapter

from hotel_agent.backoff import next_attempt_at
from hotel_agent.observability.metrics import PMS_CACHE, PMS_CALL_SECONDS, PMS_CALLS
from hotel_agent.pms.breaker import BreakerState, CircuitBreaker, CircuitOpen
from hotel_agent.pms.cache import CacheKind, PmsCache
from hotel_agent.pms.errors import (
    PmsAuthError,
    PmsError,
    PmsOutcomeUnknown,
    PmsUnavailable,
    RoomUnavailable,
)
from hotel_agent.pms.port import (
    Booking,
    BookingRequest,
    HotelProfile,
    Offer,
    Pms,
    PmsHealth,
    RoomType,
    Stay,
    StayChange,
)
from hotel_agent.settings import PmsSettings

log = structlog.get_logger(__name__)

T = TypeVar("T")

HOTEL = CacheKind("hotel", TypeAdapter(HotelProfile))
ROOM_TYPES = CacheKind("room_types", TypeAdapter(list[RoomType]))
AVAILABILITY = CacheKind("availability", TypeAdapter(list[Offer]))

# A guest is waiting: retries start quickly and stay short; the breaker handles long outages.
_RETRY_BASE_SECONDS = 0.2
_RETRY_CAP_SECONDS = 2.0
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class StaleAnswers:
    """Which PMS answers inside a `stale_answers()` block came from stale cache."""

    kinds: set[str] = field(default_factory=set)  # "hotel", "room_types", "availability"
    as_of: datetime | None = None  # when the PMS gave the oldest of them
    _parent: StaleAnswers | None = field(default=None, repr=False)

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def record(self, kind: str, stored_at: float) -> None:
        given = datetime.fromtimestamp(stored_at, UTC)
        self.kinds.add(kind)
        self.as_of = given if self.as_of is None else min(self.as_of, given)
        if self._parent is not None:
            self._parent.record(kind, stored_at)


_stale: ContextVar[StaleAnswers | None] = ContextVar("pms_stale_answers", default=None)


@contextmanager
def stale_answers() -> Iterator[StaleAnswers]:
    """Collect whether PMS answers in this block were served stale, for example::

        with stale_answers() as stale:
            offers = await pms.search(stay)
        if stale:  # say availability may be outdated (as of stale.as_of)

    Tasks started inside the block report to it too (they copy the context, which holds this
    collector), and concurrent conversations each see only their own.
    """
    collector = StaleAnswers(_parent=_stale.get())
    token = _stale.set(collector)
    try:
        yield collector
    finally:
        _stale.reset(token)


class ResilientPms:
    """A `Pms` that wraps another with deadlines, retries, a circuit breaker and a cache."""

    def __init__(
        self,
        inner: Pms,
        *,
        breaker: CircuitBreaker,
        cache: PmsCache,
        settings: PmsSettings,
        timeout: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._inner = inner
        self._breaker = breaker
        self._cache = cache
        self._settings = settings
        self._timeout = timeout
        self._sleep = sleep
        self._last_health: tuple[float, PmsHealth] | None = None  # (monotonic time, answer)
        self._health_check: asyncio.Task[PmsHealth] | None = None

    @property
    def breaker_state(self) -> BreakerState:
        return self._breaker.state

    async def hotel(self) -> HotelProfile:
        ttl = self._settings.room_types_ttl_seconds
        return await self._cached(HOTEL, "profile", ttl, "hotel", self._inner.hotel)

    async def room_types(self) -> list[RoomType]:
        ttl = self._settings.room_types_ttl_seconds
        return await self._cached(ROOM_TYPES, "all", ttl, "room_types", self._inner.room_types)

    async def search(self, stay: Stay) -> list[Offer]:
        key = f"{stay.check_in}:{stay.check_out}:{stay.adults}:{stay.children}:{stay.rooms}"
        ttl = self._settings.availability_ttl_seconds
        return await self._cached(
            AVAILABILITY, key, ttl, "search", lambda: self._inner.search(stay)
        )

    async def create_booking(self, request: BookingRequest) -> Booking:
        return await self._write("create_booking", lambda: self._inner.create_booking(request))

    async def find_booking_for(self, request: BookingRequest) -> Booking | None:
        return await self._read("find_booking_for", lambda: self._inner.find_booking_for(request))

    async def get_booking(self, pms_id: str) -> Booking:
        return await self._read("get_booking", lambda: self._inner.get_booking(pms_id))

    async def find_bookings(
        self,
        *,
        reference: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> list[Booking]:
        return await self._read(
            "find_bookings",
            lambda: self._inner.find_bookings(reference=reference, email=email, phone=phone),
        )

    async def modify_booking(self, pms_id: str, change: StayChange) -> Booking:
        return await self._write(
            "modify_booking", lambda: self._inner.modify_booking(pms_id, change)
        )

    async def cancel_booking(self, pms_id: str) -> Booking:
        return await self._write("cancel_booking", lambda: self._inner.cancel_booking(pms_id))

    async def health(self) -> PmsHealth:
        """The adapter's health, with the breaker's state; a failure is reported, not raised."""
        try:
            answer = await self._read("health", self._inner.health)
        except PmsError as exc:
            answer = PmsHealth(ok=False, detail=f"{exc.code}: {exc.detail}")
        breaker = self._breaker.state.name.lower()
        return answer.model_copy(update={"detail": f"{answer.detail}; breaker {breaker}"})

    async def recent_health(self) -> PmsHealth:
        """The PMS's health for probes and status pages, without a PMS call per question.

        An open breaker fails it at once, without a call. Otherwise the last check serves while
        it is younger than `health_max_age_seconds`; an older one still serves while ONE check,
        shared by every caller, refreshes it in the background. Only the very first question
        waits for a check (the caller bounds that wait; the check goes on without it).
        """
        if self._breaker.state is BreakerState.OPEN:
            return PmsHealth(ok=False, detail="breaker open: PMS calls fail fast until it recovers")
        last = self._last_health
        if last is not None and time.monotonic() - last[0] <= self._settings.health_max_age_seconds:
            return last[1]
        if self._health_check is None or self._health_check.done():
            self._health_check = asyncio.create_task(self._check_health(), name="pms-health")
        if last is not None:
            return last[1]
        return await asyncio.shield(self._health_check)

    async def aclose(self) -> None:
        """Stop a health check still running in the background: at shutdown it would outlive the
        HTTP client it uses and be destroyed pending (a warning, and a PMS call cut mid-way)."""
        check, self._health_check = self._health_check, None
        if check is not None and not check.done():
            check.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await check

    async def _check_health(self) -> PmsHealth:
        # One attempt, not `_read`'s retries: the next check comes soon enough.
        try:
            answer = await self._attempt("health", self._inner.health, write=False)
        except PmsError as exc:
            answer = PmsHealth(ok=False, detail=f"{exc.code}: {exc.detail}")
        except Exception as exc:  # an adapter's bug must not leave an unretrieved task error
            answer = PmsHealth(ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])
        self._last_health = (time.monotonic(), answer)
        return answer

    async def _cached(
        self,
        kind: CacheKind[T],
        key: str,
        fresh_seconds: float,
        operation: str,
        call: Callable[[], Awaitable[T]],
    ) -> T:
        lookup = await self._cache.get(kind, key)
        entry = lookup.entry
        if entry is not None and entry.fresh:
            PMS_CACHE.labels(kind.name, "hit").inc()
            return entry.value
        try:
            value = await self._read(operation, call)
        except PmsUnavailable as exc:
            if entry is None:
                PMS_CACHE.labels(kind.name, "miss").inc()
                raise
            PMS_CACHE.labels(kind.name, "stale").inc()
            collector = _stale.get()
            if collector is not None:
                collector.record(kind.name, entry.stored_at)
            log.warning(
                "pms.stale_answer",
                operation=operation,
                age_seconds=round(time.time() - entry.stored_at),
                reason=exc.code,
            )
            return entry.value
        except BaseException:
            PMS_CACHE.labels(kind.name, "miss").inc()
            raise
        PMS_CACHE.labels(kind.name, "miss").inc()
        await self._cache.put(
            kind,
            key,
            value,
            generation=lookup.generation,
            fresh_seconds=fresh_seconds,
            keep_seconds=self._settings.stale_ttl_seconds,
        )
        return value

    async def _read(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        attempt = 1
        while True:
            try:
                return await self._attempt(operation, call, write=False)
            except CircuitOpen:
                raise
            except PmsUnavailable:
                if attempt > self._settings.read_retries:
                    raise
            delay = (
                next_attempt_at(_EPOCH, attempt, base=_RETRY_BASE_SECONDS, cap=_RETRY_CAP_SECONDS)
                - _EPOCH
            ).total_seconds()
            log.info("pms.retry", operation=operation, attempt=attempt, delay_seconds=delay)
            await self._sleep(delay)
            attempt += 1

    async def _write(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            result = await self._attempt(operation, call, write=True)
        except (PmsOutcomeUnknown, RoomUnavailable):
            # Availability changed, may have changed, or the PMS just told us the cached
            # figures were wrong: fresh reads must ask the PMS again.
            await self._cache.invalidate(AVAILABILITY)
            raise
        await self._cache.invalidate(AVAILABILITY)
        return result

    async def _attempt(self, operation: str, call: Callable[[], Awaitable[T]], *, write: bool) -> T:
        started = time.perf_counter()
        outcome, error_type = "ok", ""
        try:
            async with self._breaker.guard(), asyncio.timeout(self._timeout):
                return await call()
        except CircuitOpen:
            outcome = "rejected_open_breaker"
            raise
        except (TimeoutError, httpx.TransportError) as exc:
            # Adapters map their own transport errors; these are the deadline, or an adapter
            # that let one through. A write may have reached the PMS unless it never connected.
            unknown = write and not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
            outcome = "outcome_unknown" if unknown else "unavailable"
            error_type = type(exc).__name__
            error = PmsOutcomeUnknown if unknown else PmsUnavailable
            raise error(f"PMS {operation} failed: {error_type}") from exc
        except BaseException as exc:
            outcome, error_type = _outcome(exc), type(exc).__name__
            raise
        finally:
            if outcome != "rejected_open_breaker":
                PMS_CALL_SECONDS.labels(operation).observe(time.perf_counter() - started)
            PMS_CALLS.labels(operation, outcome).inc()
            _log_failure(operation, outcome, error_type, write=write)


def _outcome(exc: BaseException) -> str:
    if isinstance(exc, PmsAuthError):
        return "auth_error"
    if isinstance(exc, PmsOutcomeUnknown):
        return "outcome_unknown"
    if isinstance(exc, PmsUnavailable):
        return "unavailable"
    if isinstance(exc, PmsError):
        return "domain_error"
    if isinstance(exc, asyncio.CancelledError):
        return "cancelled"
    return "error"


def _log_failure(operation: str, outcome: str, error_type: str, *, write: bool) -> None:
    # Refusals by the PMS are answers, and refusals by the breaker were logged when it opened.
    if outcome in {"ok", "domain_error", "rejected_open_breaker", "cancelled"}:
        return
    # auth_error and error need an operator: the API key was refused, or the adapter has a bug.
    emit = log.error if outcome in {"auth_error", "error"} else log.warning
    emit("pms.call_failed", operation=operation, outcome=outcome, error=error_type, write=write)
