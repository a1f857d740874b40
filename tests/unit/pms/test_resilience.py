"""The resilient PMS around a scripted fake adapter: what reaches the PMS, and what callers get.

The fake is legitimate here: the thing under test is the wrapper, and the fake only answers,
fails or hangs as each test scripts it, counting the calls that reach it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal

import httpx
import pytest
from prometheus_client import REGISTRY

from hotel_agent.pms.breaker import BreakerState, CircuitBreaker, CircuitOpen
from hotel_agent.pms.cache import InProcessPmsCache
from hotel_agent.pms.errors import (
    BookingNotFound,
    PmsAuthError,
    PmsError,
    PmsOutcomeUnknown,
    PmsUnavailable,
    RoomUnavailable,
)
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
from hotel_agent.pms.resilience import ResilientPms, stale_answers
from hotel_agent.settings import PmsSettings

pytestmark = pytest.mark.circuit_breaker

STAY = Stay(check_in=date(2026, 12, 1), check_out=date(2026, 12, 4), adults=2)
OTHER_STAY = Stay(check_in=date(2026, 12, 10), check_out=date(2026, 12, 12), adults=1)
DOUBLE = RoomType(id="DBL", names={"en": "Double"}, max_adults=2, max_children=1, max_guests=3)
PROFILE = HotelProfile(
    id="1", name="Hotel Prueba", check_in_time=time(14), check_out_time=time(12), currency="EUR"
)
GUEST = GuestDetails(name="Ana García", email="ana@example.com")
REQUEST = BookingRequest(stay=STAY, room_type_id="DBL", guest=GUEST, idempotency_key="k-1")


def offer(rooms_left: int) -> Offer:
    return Offer(
        room_type=DOUBLE,
        stay=STAY,
        nightly_price=Decimal("100.00"),
        total_price=Decimal("300.00"),
        currency="EUR",
        rooms_left=rooms_left,
    )


BOOKING = Booking(
    pms_id="17",
    reference="ABC123",
    status=BookingStatus.CONFIRMED,
    stay=STAY,
    room_type_id="DBL",
    guest=GUEST,
    total_price=Decimal("300.00"),
    currency="EUR",
)


class FakePms:
    """Answers at once, unless told to fail the next calls of an operation, be down, or hang."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.rooms_left = 3
        self.down = False
        self.hang = False
        self._next_failures: dict[str, list[Exception]] = {}

    def fail_next(self, operation: str, *errors: Exception) -> None:
        self._next_failures.setdefault(operation, []).extend(errors)

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    async def _reach(self, operation: str) -> None:
        self.calls[operation] += 1
        queued = self._next_failures.get(operation)
        if queued:
            raise queued.pop(0)
        if self.hang:
            await asyncio.Event().wait()
        if self.down:
            raise PmsUnavailable("connection refused")

    async def hotel(self) -> HotelProfile:
        await self._reach("hotel")
        return PROFILE

    async def room_types(self) -> list[RoomType]:
        await self._reach("room_types")
        return [DOUBLE]

    async def search(self, stay: Stay) -> list[Offer]:
        await self._reach("search")
        return [offer(self.rooms_left)]

    async def create_booking(self, request: BookingRequest) -> Booking:
        await self._reach("create_booking")
        self.rooms_left -= 1
        return BOOKING

    async def find_booking_for(self, request: BookingRequest) -> Booking | None:
        await self._reach("find_booking_for")
        return BOOKING

    async def get_booking(self, pms_id: str) -> Booking:
        await self._reach("get_booking")
        return BOOKING

    async def find_bookings(
        self,
        *,
        reference: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> list[Booking]:
        await self._reach("find_bookings")
        return [BOOKING]

    async def modify_booking(self, pms_id: str, change: StayChange) -> Booking:
        await self._reach("modify_booking")
        return BOOKING

    async def cancel_booking(self, pms_id: str) -> Booking:
        await self._reach("cancel_booking")
        self.rooms_left += 1
        return BOOKING.model_copy(update={"status": BookingStatus.CANCELLED})

    async def health(self) -> PmsHealth:
        await self._reach("health")
        return PmsHealth(ok=True, detail="fake answers", hotel="Hotel Prueba", room_types=1)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Harness:
    """The wrapper, its fake PMS, clocks to move (breaker and cache) and the backoff sleeps."""

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        retries: int = 2,
        failures: int = 3,
        health_max_age: float = 15.0,
    ) -> None:
        self.fake = FakePms()
        self.breaker_clock = Clock(1000.0)
        self.wall_clock = Clock(1_700_000_000.0)
        self.sleeps: list[float] = []
        settings = PmsSettings(
            _env_file=None,
            read_retries=retries,
            breaker_failures=failures,
            breaker_window_seconds=60,
            breaker_recovery_seconds=30,
            room_types_ttl_seconds=3600,
            availability_ttl_seconds=60,
            stale_ttl_seconds=6 * 3600,
            health_max_age_seconds=health_max_age,
        )
        self.breaker = CircuitBreaker(
            "test",
            failures=failures,
            window_seconds=60,
            recovery_seconds=30,
            clock=self.breaker_clock,
        )
        self.pms = ResilientPms(
            self.fake,
            breaker=self.breaker,
            cache=InProcessPmsCache(clock=self.wall_clock),
            settings=settings,
            timeout=timeout,
            sleep=self._sleep,
        )

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def pass_time(self, seconds: float) -> None:
        self.breaker_clock.now += seconds
        self.wall_clock.now += seconds


@pytest.fixture
def harness() -> Harness:
    return Harness()


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def calls(operation: str, outcome: str) -> float:
    return sample("hotel_agent_pms_calls_total", operation=operation, outcome=outcome)


def cache_results(kind: str, result: str) -> float:
    return sample("hotel_agent_pms_cache_total", kind=kind, result=result)


async def test_reads_are_retried_with_backoff_until_they_succeed(harness: Harness) -> None:
    attempts_before = sample("hotel_agent_pms_call_duration_seconds_count", operation="get_booking")
    unavailable_before = calls("get_booking", "unavailable")
    harness.fake.fail_next("get_booking", PmsUnavailable("502"), PmsUnavailable("502"))

    assert await harness.pms.get_booking("17") == BOOKING

    assert harness.fake.calls["get_booking"] == 3
    assert len(harness.sleeps) == 2
    assert all(0.1 <= delay <= 2.0 for delay in harness.sleeps)
    assert calls("get_booking", "unavailable") == unavailable_before + 2
    after = sample("hotel_agent_pms_call_duration_seconds_count", operation="get_booking")
    assert after == attempts_before + 3


async def test_reads_give_up_after_the_configured_retries(harness: Harness) -> None:
    harness.fake.fail_next("find_bookings", *[PmsUnavailable("502")] * 3)
    with pytest.raises(PmsUnavailable):
        await harness.pms.find_bookings(reference="ABC123")
    assert harness.fake.calls["find_bookings"] == 3


async def test_answers_of_the_pms_are_not_retried(harness: Harness) -> None:
    harness.fake.fail_next("get_booking", BookingNotFound("no booking 99"))
    with pytest.raises(BookingNotFound):
        await harness.pms.get_booking("99")
    assert harness.fake.calls["get_booking"] == 1
    assert harness.sleeps == []


@pytest.mark.parametrize("error", [PmsUnavailable("502"), PmsOutcomeUnknown("answer lost")])
@pytest.mark.parametrize("operation", ["create_booking", "modify_booking", "cancel_booking"])
async def test_writes_are_never_retried(harness: Harness, operation: str, error: PmsError) -> None:
    harness.fake.fail_next(operation, error)
    writes: dict[str, Callable[[], Awaitable[Booking]]] = {
        "create_booking": lambda: harness.pms.create_booking(REQUEST),
        "modify_booking": lambda: harness.pms.modify_booking("17", StayChange(adults=1)),
        "cancel_booking": lambda: harness.pms.cancel_booking("17"),
    }
    with pytest.raises(type(error)):
        await writes[operation]()
    assert harness.fake.calls[operation] == 1
    assert harness.sleeps == []


async def test_a_read_that_hangs_times_out_as_unavailable() -> None:
    harness = Harness(timeout=0.01)
    harness.fake.hang = True
    before = calls("search", "unavailable")
    with pytest.raises(PmsUnavailable) as raised:
        await harness.pms.search(STAY)
    assert not isinstance(raised.value, PmsOutcomeUnknown)
    assert harness.fake.calls["search"] == 3  # timed-out reads are retried like any outage
    assert calls("search", "unavailable") == before + 3


async def test_a_write_that_hangs_has_an_unknown_outcome() -> None:
    harness = Harness(timeout=0.01)
    harness.fake.hang = True
    with pytest.raises(PmsOutcomeUnknown):
        await harness.pms.create_booking(REQUEST)
    assert harness.fake.calls["create_booking"] == 1


async def test_the_breaker_opens_and_then_no_call_reaches_the_pms(harness: Harness) -> None:
    harness.fake.down = True
    with pytest.raises(PmsUnavailable):
        await harness.pms.get_booking("17")  # three attempts: the breaker's three failures
    assert harness.pms.breaker_state is BreakerState.OPEN
    reached = harness.fake.total_calls
    rejected_before = calls("get_booking", "rejected_open_breaker")

    for _ in range(5):
        with pytest.raises(CircuitOpen):
            await harness.pms.get_booking("17")
    with pytest.raises(CircuitOpen):
        await harness.pms.create_booking(REQUEST)

    assert harness.fake.total_calls == reached
    assert len(harness.sleeps) == 2  # refused calls are not retried
    assert calls("get_booking", "rejected_open_breaker") == rejected_before + 5


async def test_retries_stop_as_soon_as_the_breaker_opens() -> None:
    harness = Harness(retries=5, failures=2)
    harness.fake.down = True
    with pytest.raises(CircuitOpen):
        await harness.pms.get_booking("17")
    assert harness.fake.calls["get_booking"] == 2


async def test_a_refused_api_key_is_reported_but_does_not_open_the_breaker(
    harness: Harness,
) -> None:
    before = calls("get_booking", "auth_error")
    for _ in range(5):
        harness.fake.fail_next("get_booking", PmsAuthError("401"))
        with pytest.raises(PmsAuthError):
            await harness.pms.get_booking("17")
    assert harness.fake.calls["get_booking"] == 5
    assert harness.pms.breaker_state is BreakerState.CLOSED
    assert calls("get_booking", "auth_error") == before + 5


async def test_availability_is_served_from_cache_while_fresh(harness: Harness) -> None:
    hits_before = cache_results("availability", "hit")
    first = await harness.pms.search(STAY)
    harness.pass_time(59)
    with stale_answers() as stale:
        second = await harness.pms.search(STAY)
    assert second == first
    assert not stale
    assert harness.fake.calls["search"] == 1
    assert cache_results("availability", "hit") == hits_before + 1

    await harness.pms.search(OTHER_STAY)  # each stay is its own entry
    assert harness.fake.calls["search"] == 2


async def test_stale_availability_is_served_and_marked_while_the_pms_is_down(
    harness: Harness,
) -> None:
    offers = await harness.pms.search(STAY)
    fetched_at = datetime.fromtimestamp(harness.wall_clock.now, UTC)
    harness.pass_time(120)
    harness.fake.down = True
    stale_before = cache_results("availability", "stale")

    with stale_answers() as stale:
        assert await harness.pms.search(STAY) == offers
    assert stale and stale.kinds == {"availability"}
    assert stale.as_of == fetched_at
    assert harness.pms.breaker_state is BreakerState.OPEN

    reached = harness.fake.total_calls
    with stale_answers() as stale_again:
        assert await harness.pms.search(STAY) == offers  # breaker open: at once, from cache
    assert stale_again
    assert harness.fake.total_calls == reached
    assert cache_results("availability", "stale") == stale_before + 2

    with pytest.raises(CircuitOpen):
        await harness.pms.search(OTHER_STAY)  # never cached: nothing to fall back on


async def test_recovers_by_itself_once_the_pms_is_back(harness: Harness) -> None:
    await harness.pms.search(STAY)
    harness.pass_time(120)
    harness.fake.down = True
    with stale_answers():
        await harness.pms.search(STAY)
    assert harness.pms.breaker_state is BreakerState.OPEN

    harness.fake.down = False
    harness.fake.rooms_left = 1
    with stale_answers() as stale:
        still_stale = await harness.pms.search(STAY)  # recovery time has not passed
    assert stale and still_stale[0].rooms_left == 3

    harness.pass_time(30)
    with stale_answers() as stale:
        live = await harness.pms.search(STAY)
    assert not stale
    assert live[0].rooms_left == 1
    assert harness.pms.breaker_state is BreakerState.CLOSED


@pytest.mark.parametrize("error", [None, PmsOutcomeUnknown("answer lost"), RoomUnavailable("gone")])
async def test_writes_make_cached_availability_stale(
    harness: Harness, error: Exception | None
) -> None:
    await harness.pms.search(STAY)
    if error is not None:
        harness.fake.fail_next("create_booking", error)
    with contextlib.suppress(PmsError):
        await harness.pms.create_booking(REQUEST)
    harness.fake.rooms_left = 2

    assert (await harness.pms.search(STAY))[0].rooms_left == 2
    assert harness.fake.calls["search"] == 2


async def test_a_write_that_surely_did_not_happen_keeps_the_cache(harness: Harness) -> None:
    await harness.pms.search(STAY)
    harness.fake.fail_next("cancel_booking", PmsUnavailable("connection refused"))
    with pytest.raises(PmsUnavailable):
        await harness.pms.cancel_booking("17")
    await harness.pms.search(STAY)
    assert harness.fake.calls["search"] == 1


async def test_the_last_answer_before_a_write_is_still_a_fallback(harness: Harness) -> None:
    offers = await harness.pms.search(STAY)
    await harness.pms.cancel_booking("17")
    harness.fake.down = True
    with stale_answers() as stale:
        assert await harness.pms.search(STAY) == offers
    assert stale.kinds == {"availability"}


async def test_hotel_and_room_types_are_cached_for_long(harness: Harness) -> None:
    assert await harness.pms.hotel() == PROFILE
    assert await harness.pms.room_types() == [DOUBLE]
    harness.pass_time(3000)
    assert await harness.pms.hotel() == PROFILE
    assert await harness.pms.room_types() == [DOUBLE]
    assert harness.fake.calls == Counter({"hotel": 1, "room_types": 1})

    harness.pass_time(3600)
    harness.fake.down = True
    with stale_answers() as stale:
        assert await harness.pms.room_types() == [DOUBLE]
    assert stale.kinds == {"room_types"}


async def test_tasks_report_to_their_own_block_only(harness: Harness) -> None:
    await harness.pms.search(STAY)
    await harness.pms.room_types()
    harness.pass_time(120)  # availability is stale now, room types are still fresh
    harness.fake.fail_next("search", *[PmsUnavailable("502")] * 3)

    async def other_conversation() -> bool:
        with stale_answers() as stale:
            await harness.pms.room_types()
        return bool(stale)

    with stale_answers() as outer:
        with stale_answers() as inner:
            results = await asyncio.gather(harness.pms.search(STAY), other_conversation())
        assert results[1] is False
    assert inner.kinds == outer.kinds == {"availability"}


async def test_health_reports_the_breaker(harness: Harness) -> None:
    healthy = await harness.pms.health()
    assert healthy.ok and healthy.detail == "fake answers; breaker closed"

    harness.fake.down = True
    with pytest.raises(PmsUnavailable):
        await harness.pms.get_booking("17")
    reached = harness.fake.total_calls
    failing = await harness.pms.health()
    assert not failing.ok
    assert failing.detail.startswith("pms_circuit_open")
    assert failing.detail.endswith("; breaker open")
    assert harness.fake.total_calls == reached


async def test_closing_stops_a_health_check_left_running_in_the_background() -> None:
    harness = Harness(health_max_age=0)
    assert (await harness.pms.recent_health()).ok  # the first check, awaited
    harness.fake.hang = True
    # The stale answer serves at once; the refresh hangs in the background.
    assert (await harness.pms.recent_health()).ok
    check = harness.pms._health_check
    assert check is not None
    await asyncio.sleep(0)  # let it reach the hanging PMS
    assert not check.done()
    await harness.pms.aclose()
    assert check.cancelled()
    await harness.pms.aclose()  # twice is harmless


@pytest.mark.parametrize(
    ("leaked", "raised"),
    [
        (httpx.ConnectError("refused"), PmsUnavailable),  # never sent: safe to say so
        (httpx.ReadError("reset"), PmsOutcomeUnknown),  # sent, answer lost
    ],
)
async def test_a_transport_error_an_adapter_lets_through_is_mapped_for_writes(
    harness: Harness, leaked: Exception, raised: type[Exception]
) -> None:
    harness.fake.fail_next("create_booking", leaked)
    with pytest.raises(raised) as caught:
        await harness.pms.create_booking(REQUEST)
    assert type(caught.value) is raised
    assert caught.value.__cause__ is leaked


async def test_a_bug_in_the_adapter_is_neither_retried_nor_an_outage(harness: Harness) -> None:
    before = calls("find_booking_for", "error")
    for _ in range(5):
        harness.fake.fail_next("find_booking_for", KeyError("id_order"))
        with pytest.raises(KeyError):
            await harness.pms.find_booking_for(REQUEST)
    assert harness.fake.calls["find_booking_for"] == 5
    assert harness.pms.breaker_state is BreakerState.CLOSED
    assert calls("find_booking_for", "error") == before + 5
