"""A circuit breaker for the PMS: stop waiting on a PMS that is down, and recover by itself.

CLOSED lets every call through and remembers the times of recent failures; `failures` of them
within `window_seconds` open it. OPEN fails every call at once, without touching the PMS, for
`recovery_seconds`; then it is HALF_OPEN: one probe call goes through (others still fail fast),
and the probe's result closes the breaker or opens it for another recovery period.

Only real failures count: the PMS did not answer (network error, timeout, 5xx mapped to
`PmsUnavailable`, a write whose answer was lost). Any answer from the PMS, including a refusal
(`RoomUnavailable`, `InvalidStay`, `BookingNotFound`) and `PmsAuthError`, is the PMS working.
A refused API key is a configuration fault, not an outage: opening the breaker would turn the
clear "auth_error" signal into "circuit open" and make the operator hunt for an outage that
is not there, while protecting nothing, since a refusal costs the PMS and the guest little.

State is per process and meant for asyncio: admission and accounting are synchronous, so no
lock is needed between coroutines of one event loop.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from enum import IntEnum

import httpx
import structlog

from hotel_agent.observability.metrics import PMS_BREAKER_STATE
from hotel_agent.pms.errors import PmsError, PmsOutcomeUnknown, PmsUnavailable

log = structlog.get_logger(__name__)

# asyncio.TimeoutError is TimeoutError since Python 3.11.
FAILURES: tuple[type[BaseException], ...] = (
    PmsUnavailable,
    PmsOutcomeUnknown,
    TimeoutError,
    httpx.TransportError,
)


class BreakerState(IntEnum):
    """Values are those of the `hotel_agent_pms_breaker_state` gauge."""

    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class CircuitOpen(PmsUnavailable):
    """Refused without calling the PMS: it failed recently and has not recovered yet."""

    code = "pms_circuit_open"

    def __init__(self, name: str, retry_after_seconds: float) -> None:
        super().__init__(f"PMS circuit '{name}' open; next probe in {retry_after_seconds:.0f}s")
        self.retry_after_seconds = retry_after_seconds


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        failures: int,
        window_seconds: float,
        recovery_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1 or window_seconds <= 0 or recovery_seconds <= 0:
            raise ValueError("failures must be >= 1 and the durations positive")
        self.name = name
        self._threshold = failures
        self._window = window_seconds
        self._recovery = recovery_seconds
        self._clock = clock
        self._failures: deque[float] = deque()
        self._state = BreakerState.CLOSED
        self._opened_at = 0.0
        self._probe_in_flight = False
        PMS_BREAKER_STATE.set(self._state)

    @property
    def state(self) -> BreakerState:
        """The current state; an OPEN breaker whose recovery time has passed is HALF_OPEN."""
        if self._state is BreakerState.OPEN and self._clock() >= self._opened_at + self._recovery:
            self._move_to(BreakerState.HALF_OPEN)
        return self._state

    @asynccontextmanager
    async def guard(self) -> AsyncIterator[None]:
        """Run one attempt under the breaker; raises CircuitOpen instead when it must not run.

        Put it directly around the call (inside retries and error mapping) so that it sees
        the failure itself, once per attempt.
        """
        probe = self._admit()
        try:
            yield
        except FAILURES:
            self._record_failure(probe)
            raise
        except PmsError:
            self._record_success(probe)
            raise
        except BaseException:
            # Cancelled, or a bug in the adapter: says nothing about the PMS, but a probe
            # must give its turn back or the breaker would stay half-open for ever.
            if probe:
                self._probe_in_flight = False
            raise
        self._record_success(probe)

    def _admit(self) -> bool:
        """Whether this call is the half-open probe; raises CircuitOpen when refused."""
        state = self.state
        if state is BreakerState.CLOSED:
            return False
        if state is BreakerState.HALF_OPEN and not self._probe_in_flight:
            self._probe_in_flight = True
            return True
        retry_after = max(0.0, self._opened_at + self._recovery - self._clock())
        raise CircuitOpen(self.name, retry_after)

    def _record_failure(self, probe: bool) -> None:
        now = self._clock()
        if probe:
            self._probe_in_flight = False
            self._open(now)
            return
        if self._state is not BreakerState.CLOSED:
            # A call let in before the breaker opened: the outage is already known, and it
            # must not push back the probe.
            return
        self._failures.append(now)
        while self._failures and self._failures[0] <= now - self._window:
            self._failures.popleft()
        if len(self._failures) >= self._threshold:
            self._open(now)

    def _record_success(self, probe: bool) -> None:
        # Only the probe closes the breaker: a slow call let in before it opened proves
        # little about the PMS now. In CLOSED, successes do not erase failures, so a PMS
        # that fails every other call still opens the breaker.
        if probe:
            self._probe_in_flight = False
            self._failures.clear()
            self._move_to(BreakerState.CLOSED)

    def _open(self, now: float) -> None:
        self._opened_at = now
        self._failures.clear()
        self._move_to(BreakerState.OPEN)

    def _move_to(self, state: BreakerState) -> None:
        previous, self._state = self._state, state
        PMS_BREAKER_STATE.set(state)
        if state is not previous:
            emit = log.info if state is BreakerState.CLOSED else log.warning
            emit(
                "pms.breaker_state",
                breaker=self.name,
                previous=previous.name.lower(),
                state=state.name.lower(),
            )
