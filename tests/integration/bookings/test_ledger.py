"""Booking integrity as the hotel sees it: every booking the agent makes is recorded, none is
ever made twice, and a lost answer from the PMS never turns into a second booking.

The PMS is real in every test: the embedded simulator (in the runtime's database, on SQLite and
PostgreSQL), or the QloApps adapter talking HTTP to the fake QloApps with injected faults.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import httpx
import pytest

from hotel_agent.bookings.ledger import DatabaseBookingLedger
from hotel_agent.db.models import BookingRecord
from hotel_agent.db.repositories.booking_records import BookingRecordRepository
from hotel_agent.pms.errors import InvalidStay, PmsOutcomeUnknown, RoomUnavailable
from hotel_agent.pms.port import (
    Booking,
    BookingRequest,
    BookingStatus,
    GuestDetails,
    Offer,
    Stay,
    StayChange,
)
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL
from hotel_agent.runtime import Runtime
from tests.fakes.qloapps import FakeQloApps
from tests.integration.pms import qloapps_support as qlo
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]

ROOM_TYPES = {room.code: room for room in DEMO_HOTEL.room_types}
DOUBLE = ROOM_TYPES["DBL"]
SUITE = ROOM_TYPES["STE"]  # the scarcest room type: easy to sell out
LUCIA = GuestDetails(name="Lucía Martín", email="lucia.martin@example.com", phone="+34600111222")


def stay(days_ahead: int, nights: int, *, adults: int = 2, rooms: int = 1) -> Stay:
    # A month or more ahead: the hotel's time zone (Europe/Madrid) never matters.
    check_in = date.today() + timedelta(days=days_ahead)
    return Stay(
        check_in=check_in,
        check_out=check_in + timedelta(days=nights),
        adults=adults,
        rooms=rooms,
    )


def booking_request(
    the_stay: Stay, room_type_id: str = DOUBLE.code, *, guest: GuestDetails = LUCIA
) -> BookingRequest:
    return BookingRequest(
        stay=the_stay,
        room_type_id=room_type_id,
        guest=guest,
        idempotency_key=f"turn-{uuid.uuid4().hex}",
    )


async def record_for(runtime: Runtime, key: str) -> BookingRecord:
    async with runtime.sessions() as session:
        record = await BookingRecordRepository(session).by_key(key)
    assert record is not None, f"no booking record for {key}"
    return record


async def rooms_left(runtime: Runtime, the_stay: Stay, room_type_id: str) -> int:
    offers: list[Offer] = await runtime.pms.search(the_stay)
    return next((o.rooms_left for o in offers if o.room_type.id == room_type_id), 0)


def assert_recorded(record: BookingRecord, booking: Booking) -> None:
    assert record.status == "confirmed"
    assert record.pms_id == booking.pms_id
    assert record.reference == booking.reference
    assert record.total_price == booking.total_price
    assert record.currency == booking.currency
    assert (record.check_in, record.check_out) == (booking.stay.check_in, booking.stay.check_out)
    assert record.error is None


@pytest.fixture
async def runtime(database_url: str, make_runtime: MakeRuntime) -> Runtime:
    return await make_runtime(make_settings(database_url))


# --- The embedded simulator, on SQLite and PostgreSQL ---------------------------------------


async def test_a_booking_is_made_and_recorded(runtime: Runtime) -> None:
    the_stay = stay(30, 3)
    before = await rooms_left(runtime, the_stay, DOUBLE.code)
    request = booking_request(the_stay)

    booking = await runtime.bookings.book(request, hotel_id=runtime.hotels.default_hotel_id)

    assert booking.status is BookingStatus.CONFIRMED
    assert booking.stay == the_stay and booking.room_type_id == DOUBLE.code
    assert booking.reference and booking.total_price > 0 and booking.currency == "EUR"
    assert await runtime.pms.get_booking(booking.pms_id) == booking
    assert_recorded(await record_for(runtime, request.idempotency_key), booking)
    assert await rooms_left(runtime, the_stay, DOUBLE.code) == before - 1


async def test_a_retried_turn_gets_the_same_booking_and_books_nothing_more(
    runtime: Runtime,
) -> None:
    the_stay = stay(31, 2)
    before = await rooms_left(runtime, the_stay, DOUBLE.code)
    request = booking_request(the_stay)
    hotel_id = runtime.hotels.default_hotel_id

    first = await runtime.bookings.book(request, hotel_id=hotel_id)
    again = await runtime.bookings.book(request, hotel_id=hotel_id)

    assert again == first
    found = await runtime.pms.find_bookings(email=LUCIA.email)
    assert [booking.pms_id for booking in found] == [first.pms_id]
    assert await rooms_left(runtime, the_stay, DOUBLE.code) == before - 1
    assert [record.pms_id for record in await runtime.bookings.recent()] == [first.pms_id]


async def test_a_room_gone_meanwhile_fails_the_record_and_books_nothing(
    runtime: Runtime,
) -> None:
    the_stay = stay(45, 2)
    hotel_id = runtime.hotels.default_hotel_id
    # Another guest takes every suite for those nights (one adult in each).
    everything = stay(45, 2, adults=SUITE.inventory, rooms=SUITE.inventory)
    other = GuestDetails(name="Pedro Gil", email="pedro.gil@example.com")
    await runtime.bookings.book(
        booking_request(everything, SUITE.code, guest=other), hotel_id=hotel_id
    )
    request = booking_request(the_stay, SUITE.code)

    with pytest.raises(RoomUnavailable):
        await runtime.bookings.book(request, hotel_id=hotel_id)

    record = await record_for(runtime, request.idempotency_key)
    assert record.status == "failed"
    assert record.pms_id is None and record.reference is None
    assert record.error and "RoomUnavailable" in record.error
    assert await runtime.pms.find_bookings(email=LUCIA.email) == []
    assert await rooms_left(runtime, the_stay, SUITE.code) == 0


async def test_an_impossible_stay_fails_the_record_and_books_nothing(runtime: Runtime) -> None:
    request = booking_request(stay(-3, 2))  # check-in three days ago

    with pytest.raises(InvalidStay, match="in the past"):
        await runtime.bookings.book(request, hotel_id=runtime.hotels.default_hotel_id)

    record = await record_for(runtime, request.idempotency_key)
    assert record.status == "failed" and record.pms_id is None
    assert await runtime.pms.find_bookings(email=LUCIA.email) == []


async def test_modify_and_cancel_keep_the_record_in_step(runtime: Runtime) -> None:
    old, new = stay(60, 2), stay(60, 4)
    free_before = await rooms_left(runtime, new, DOUBLE.code)
    request = booking_request(old)
    booking = await runtime.bookings.book(request, hotel_id=runtime.hotels.default_hotel_id)

    changed = await runtime.bookings.modify(
        booking.pms_id, StayChange(check_out=new.check_out), idempotency_key="yes:modify"
    )

    assert changed.stay == new and changed.total_price > booking.total_price
    assert_recorded(await record_for(runtime, request.idempotency_key), changed)

    cancelled = await runtime.bookings.cancel(booking.pms_id, idempotency_key="yes:cancel")

    assert cancelled.status is BookingStatus.CANCELLED
    record = await record_for(runtime, request.idempotency_key)
    assert record.status == "cancelled" and record.pms_id == booking.pms_id
    assert await rooms_left(runtime, new, DOUBLE.code) == free_before


async def test_a_change_or_cancellation_retried_with_its_key_reports_it_made(
    runtime: Runtime,
) -> None:
    """A retried "yes" (lease lost, worker restarted) finds its record: the guest hears the
    change was made, and the PMS is not asked twice."""
    old, new = stay(70, 2), stay(70, 3)
    booking = await runtime.bookings.book(
        booking_request(old), hotel_id=runtime.hotels.default_hotel_id
    )
    assert await runtime.bookings.change_made("yes:1") is None, "nothing asked yet"
    change = StayChange(check_out=new.check_out)
    first = await runtime.bookings.modify(booking.pms_id, change, idempotency_key="yes:1")
    again = await runtime.bookings.modify(booking.pms_id, change, idempotency_key="yes:1")
    assert first.stay == again.stay == new
    assert (await runtime.bookings.change_made("yes:1")) == again

    cancelled = await runtime.bookings.cancel(booking.pms_id, idempotency_key="yes:2")
    made = await runtime.bookings.change_made("yes:2")
    assert cancelled.status is made.status is BookingStatus.CANCELLED  # type: ignore[union-attr]


async def test_twenty_simultaneous_attempts_with_one_key_book_once(
    postgres_url: str, make_runtime: MakeRuntime
) -> None:
    # PostgreSQL only: SQLite's single connection would serialise the attempts.
    runtime = await make_runtime(make_settings(postgres_url))
    the_stay = stay(50, 2)
    before = await rooms_left(runtime, the_stay, DOUBLE.code)
    request = booking_request(the_stay)
    hotel_id = runtime.hotels.default_hotel_id

    bookings = await asyncio.gather(
        *(runtime.bookings.book(request, hotel_id=hotel_id) for _ in range(20))
    )

    assert len({booking.pms_id for booking in bookings}) == 1
    found = await runtime.pms.find_bookings(email=LUCIA.email)
    assert [booking.pms_id for booking in found] == [bookings[0].pms_id]
    assert await rooms_left(runtime, the_stay, DOUBLE.code) == before - 1
    records = await runtime.bookings.recent()
    assert len(records) == 1
    assert_recorded(records[0], bookings[0])


# --- The QloApps adapter over HTTP, with faults the fake injects -----------------------------


def qloapps_bookings(
    runtime: Runtime, http: httpx.AsyncClient, fake: FakeQloApps, *, timeout: float = 5.0
) -> DatabaseBookingLedger:
    """What the runtime builds for PMS_TYPE=qloapps, minus the breaker and cache: the records
    in the runtime's database, the adapter on the fake."""
    pms = qlo.qloapps(http, fake.base_url, timeout=timeout)
    return DatabaseBookingLedger(runtime.sessions, pms, pms_type="qloapps")


def qloapps_request() -> BookingRequest:
    return qlo.booking_request(qlo.stay(), key=f"turn-{uuid.uuid4().hex}")


def posted_bookings(fake: FakeQloApps) -> int:
    return len(fake.requests_to("POST", "bookings"))


async def test_a_500_after_the_write_returns_the_one_booking_made(
    runtime: Runtime, http: httpx.AsyncClient, fake: FakeQloApps
) -> None:
    service = qloapps_bookings(runtime, http, fake)
    request = qloapps_request()
    # PHP warnings after a done write: QloApps booked the rooms, then answered 500.
    fake.fail_next(500, after_write=True, on="POST bookings")

    booking = await service.book(request, hotel_id=runtime.hotels.default_hotel_id)

    assert booking.stay == request.stay and booking.guest.email == request.guest.email
    assert len(fake.hotel.orders) == 1 and posted_bookings(fake) == 1
    assert_recorded(await record_for(runtime, request.idempotency_key), booking)
    # The guest's retried message changes nothing either.
    assert await service.book(request, hotel_id=runtime.hotels.default_hotel_id) == booking
    assert len(fake.hotel.orders) == 1 and posted_bookings(fake) == 1


async def test_a_write_answered_too_late_returns_the_one_booking_made(
    runtime: Runtime, http: httpx.AsyncClient, fake: FakeQloApps
) -> None:
    service = qloapps_bookings(runtime, http, fake, timeout=0.5)
    request = qloapps_request()
    # The fake books, then answers four times slower than the client waits.
    fake.delay_next(2.0, on="POST bookings")

    booking = await service.book(request, hotel_id=runtime.hotels.default_hotel_id)

    assert booking.stay == request.stay
    # The hotel's state, not the request log: the fake logs the slow POST only once it has
    # answered, after this test is done. A second POST would have made a second order.
    assert len(fake.hotel.orders) == 1
    assert_recorded(await record_for(runtime, request.idempotency_key), booking)


async def test_an_outcome_nobody_can_check_stays_unknown_until_the_pms_is_back(
    runtime: Runtime, fake: FakeQloApps
) -> None:
    went_down = asyncio.Event()

    async def down_after_the_booking_write(response: httpx.Response) -> None:
        # The shop goes into maintenance right after the write: the lookup that follows the
        # lost answer finds it down.
        request = response.request
        is_booking_write = request.method == "POST" and request.url.path.endswith("/bookings")
        if is_booking_write and not went_down.is_set():
            fake.down()
            went_down.set()

    hooks = {"response": [down_after_the_booking_write]}
    async with httpx.AsyncClient(event_hooks=hooks) as http:
        service = qloapps_bookings(runtime, http, fake)
        request = qloapps_request()
        hotel_id = runtime.hotels.default_hotel_id
        fake.fail_next(500, after_write=True, on="POST bookings")

        with pytest.raises(PmsOutcomeUnknown):
            await service.book(request, hotel_id=hotel_id)

        assert went_down.is_set()
        record = await record_for(runtime, request.idempotency_key)
        assert record.status == "unknown" and record.pms_id is None
        assert len(fake.hotel.orders) == 1  # the rooms ARE booked: the agent cannot tell yet

        # A retry while QloApps is still down must not gamble on creating it again.
        with pytest.raises(PmsOutcomeUnknown):
            await service.book(request, hotel_id=hotel_id)
        assert (await record_for(runtime, request.idempotency_key)).status == "unknown"

        fake.up()
        booking = await service.book(request, hotel_id=hotel_id)

    assert booking.stay == request.stay
    assert len(fake.hotel.orders) == 1 and posted_bookings(fake) == 1
    assert booking.pms_id == str(next(iter(fake.hotel.orders)))
    assert_recorded(await record_for(runtime, request.idempotency_key), booking)


async def test_a_room_taken_while_the_answer_was_lost_fails_the_record(
    runtime: Runtime, http: httpx.AsyncClient, fake: FakeQloApps
) -> None:
    rival = qlo.qloapps(http, fake.base_url)
    rival_guest = GuestDetails(name="Pedro Gil", email="pedro.gil@example.com", phone="611222333")
    taken = asyncio.Event()

    async def rival_takes_every_room(response: httpx.Response) -> None:
        # While the agent's first attempt is lost (a proxy's page: QloApps never saw it),
        # another guest books every room of the type for those nights.
        request = response.request
        is_booking_write = request.method == "POST" and request.url.path.endswith("/bookings")
        if is_booking_write and not taken.is_set():
            taken.set()
            everything = qlo.stay(adults=5, rooms=5)
            await rival.create_booking(
                qlo.booking_request(everything, key="rival", guest=rival_guest)
            )

    async with httpx.AsyncClient(event_hooks={"response": [rival_takes_every_room]}) as hooked:
        service = qloapps_bookings(runtime, hooked, fake)
        request = qloapps_request()
        fake.html_next(on="POST bookings")

        with pytest.raises(RoomUnavailable):
            await service.book(request, hotel_id=runtime.hotels.default_hotel_id)

    assert taken.is_set()
    record = await record_for(runtime, request.idempotency_key)
    assert record.status == "failed" and record.pms_id is None
    booked_for = [fake.hotel.customer(order)["email"] for order in fake.hotel.orders.values()]
    assert booked_for == [rival_guest.email]  # the rival's rooms, nothing for our guest
