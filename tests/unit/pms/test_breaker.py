"""The circuit breaker: opens on real failures, fails fast, probes once, recovers by itself."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from prometheus_client import REGISTRY

from hotel_agent.pms.breaker import BreakerState, CircuitBreaker, CircuitOpen
from hotel_agent.pms.errors import (
    BookingNotFound,
    InvalidStay,
    PmsAuthError,
    PmsOutcomeUnknown,
    PmsUnavailable,
    RoomUnavailable,
)

pytestmark = pytest.mark.circuit_breaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker("test", failures=3, window_seconds=60, recovery_seconds=30, clock=clock)


async def fail(breaker: CircuitBreaker, error: BaseException | None = None) -> None:
    with pytest.raises(type(error) if error else PmsUnavailable):
        async with breaker.guard():
            raise error or PmsUnavailable("down")


async def succeed(breaker: CircuitBreaker) -> None:
    async with breaker.guard():
        pass


def gauge() -> float | None:
    return REGISTRY.get_sample_value("hotel_agent_pms_breaker_state")


async def test_opens_after_the_failures_within_the_window(breaker: CircuitBreaker) -> None:
    await fail(breaker)
    await fail(breaker, TimeoutError())
    assert breaker.state is BreakerState.CLOSED
    await fail(breaker, httpx.ConnectError("refused"))
    assert breaker.state is BreakerState.OPEN
    assert gauge() == 2


async def test_every_kind_of_real_failure_counts(breaker: CircuitBreaker) -> None:
    await fail(breaker, PmsOutcomeUnknown("lost answer"))
    await fail(breaker, httpx.RemoteProtocolError("garbage"))
    await fail(breaker, httpx.ReadTimeout("slow"))
    assert breaker.state is BreakerState.OPEN


async def test_failures_older_than_the_window_do_not_count(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    await fail(breaker)
    await fail(breaker)
    clock.now += 61
    await fail(breaker)
    await fail(breaker)
    assert breaker.state is BreakerState.CLOSED
    await fail(breaker)
    assert breaker.state is BreakerState.OPEN


async def test_successes_in_between_do_not_hide_failures(breaker: CircuitBreaker) -> None:
    for _ in range(3):
        await succeed(breaker)
        await fail(breaker)
    assert breaker.state is BreakerState.OPEN


@pytest.mark.parametrize(
    "answer",
    [
        RoomUnavailable("taken"),
        InvalidStay("past dates"),
        BookingNotFound("no such booking"),
        PmsAuthError("key refused"),
    ],
)
async def test_answers_of_the_pms_are_not_failures(
    breaker: CircuitBreaker, answer: Exception
) -> None:
    for _ in range(10):
        await fail(breaker, answer)
    assert breaker.state is BreakerState.CLOSED


async def test_open_breaker_fails_fast_without_running_the_call(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    for _ in range(3):
        await fail(breaker)
    clock.now += 10
    ran = False
    with pytest.raises(CircuitOpen) as refused:
        async with breaker.guard():
            ran = True
    assert not ran
    assert isinstance(refused.value, PmsUnavailable)
    assert "circuit" in refused.value.detail and "open" in refused.value.detail
    assert refused.value.retry_after_seconds == pytest.approx(20)


async def test_half_open_lets_one_probe_through_at_a_time(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    for _ in range(3):
        await fail(breaker)
    clock.now += 30
    assert breaker.state is BreakerState.HALF_OPEN
    assert gauge() == 1
    probe_started, release = asyncio.Event(), asyncio.Event()

    async def probe() -> None:
        async with breaker.guard():
            probe_started.set()
            await release.wait()

    task = asyncio.create_task(probe())
    await probe_started.wait()
    with pytest.raises(CircuitOpen):
        async with breaker.guard():
            pass
    release.set()
    await task
    assert breaker.state is BreakerState.CLOSED
    assert gauge() == 0


async def test_successful_probe_closes_and_forgets_old_failures(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    for _ in range(3):
        await fail(breaker)
    clock.now += 30
    await succeed(breaker)
    assert breaker.state is BreakerState.CLOSED
    await fail(breaker)
    await fail(breaker)
    assert breaker.state is BreakerState.CLOSED


async def test_probe_answered_with_a_refusal_closes_too(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    for _ in range(3):
        await fail(breaker)
    clock.now += 30
    await fail(breaker, RoomUnavailable("taken"))
    assert breaker.state is BreakerState.CLOSED


async def test_failed_probe_reopens_for_another_recovery_period(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    for _ in range(3):
        await fail(breaker)
    clock.now += 30
    await fail(breaker, TimeoutError())
    assert breaker.state is BreakerState.OPEN
    clock.now += 29
    with pytest.raises(CircuitOpen):
        async with breaker.guard():
            pass
    clock.now += 1
    assert breaker.state is BreakerState.HALF_OPEN
    await succeed(breaker)
    assert breaker.state is BreakerState.CLOSED


async def test_cancelled_probe_gives_its_turn_back(breaker: CircuitBreaker, clock: Clock) -> None:
    for _ in range(3):
        await fail(breaker)
    clock.now += 30
    started = asyncio.Event()

    async def hanging_probe() -> None:
        async with breaker.guard():
            started.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(hanging_probe())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert breaker.state is BreakerState.HALF_OPEN
    await succeed(breaker)
    assert breaker.state is BreakerState.CLOSED


async def test_late_failure_of_a_call_admitted_before_opening_does_not_delay_the_probe(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    started, release = asyncio.Event(), asyncio.Event()

    async def slow_call() -> None:
        async with breaker.guard():
            started.set()
            await release.wait()
            raise PmsUnavailable("down")

    task = asyncio.create_task(slow_call())
    await started.wait()
    for _ in range(3):
        await fail(breaker)
    clock.now += 29
    release.set()
    with pytest.raises(PmsUnavailable):
        await task
    clock.now += 1
    assert breaker.state is BreakerState.HALF_OPEN


def test_refuses_nonsense_settings(clock: Clock) -> None:
    with pytest.raises(ValueError, match="failures"):
        CircuitBreaker("x", failures=0, window_seconds=1, recovery_seconds=1, clock=clock)
