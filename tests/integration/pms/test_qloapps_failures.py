"""How the QloApps adapter reports a PMS that fails, and how a lost write is found again.

Reads that fail are `PmsUnavailable` (try later). Writes that may have happened are
`PmsOutcomeUnknown`: the caller looks the booking up (`find_booking_for`) before any retry.
"""

from __future__ import annotations

import socket
from decimal import Decimal

import httpx
import pytest

from hotel_agent.pms.errors import (
    BookingNotFound,
    InvalidStay,
    PmsError,
    PmsOutcomeUnknown,
    PmsUnavailable,
    RoomUnavailable,
)
from hotel_agent.pms.port import GuestDetails, StayChange
from hotel_agent.pms.qloapps import QloAppsClient, QloAppsPms
from tests.fakes.qloapps import DEMO_KEY, FakeQloApps
from tests.integration.pms.qloapps_support import GUEST, booking_request, qloapps, stay

PERSONAL = (GUEST.name, "Ruiz", GUEST.email, str(GUEST.phone))


@pytest.fixture
def impatient(http: httpx.AsyncClient, fake: FakeQloApps) -> QloAppsPms:
    return qloapps(http, fake.base_url, timeout=0.3)


async def test_a_500_after_the_write_is_unknown_and_the_lookup_finds_the_one_booking(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    request = booking_request(stay())
    fake.fail_next(500, after_write=True, on="POST bookings")

    with pytest.raises(PmsOutcomeUnknown) as raised:
        await pms.create_booking(request)

    assert "HTTP 500" in str(raised.value)
    assert not any(personal in str(raised.value) for personal in PERSONAL)
    found = await pms.find_booking_for(request)
    assert found is not None and found.stay == request.stay
    assert found.total_price == Decimal("2860.00")
    # What the caller does next, retrying with the same key, books nothing more.
    assert await pms.create_booking(request) == found
    assert len(fake.requests_to("POST", "bookings")) == 1 and len(fake.hotel.orders) == 1


async def test_a_read_slower_than_the_timeout_is_unavailable(
    impatient: QloAppsPms, fake: FakeQloApps
) -> None:
    fake.delay_next(1.0, on="GET hotels")
    with pytest.raises(PmsUnavailable, match="ReadTimeout"):
        await impatient.hotel()


async def test_a_write_slower_than_the_timeout_is_unknown_and_found_afterwards(
    impatient: QloAppsPms, fake: FakeQloApps
) -> None:
    request = booking_request(stay())
    fake.delay_next(1.0, on="POST bookings")  # the booking is made, the answer comes late

    with pytest.raises(PmsOutcomeUnknown, match="ReadTimeout"):
        await impatient.create_booking(request)

    assert await impatient.find_booking_for(request) is not None


async def test_an_html_page_is_unavailable_on_a_read_and_unknown_on_a_write(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    fake.html_next(on="GET hotels")
    with pytest.raises(PmsUnavailable, match="not JSON"):
        await pms.hotel()

    request = booking_request(stay())
    fake.html_next(on="POST bookings")  # a proxy's page: QloApps never saw the booking
    with pytest.raises(PmsOutcomeUnknown, match="not JSON"):
        await pms.create_booking(request)
    assert await pms.find_booking_for(request) is None
    assert (await pms.create_booking(request)).stay == request.stay


async def test_malformed_json_is_unavailable_on_a_read_and_unknown_on_a_write(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    fake.malformed_json_next(on="GET room_types")
    with pytest.raises(PmsUnavailable):
        await pms.room_types()

    request = booking_request(stay())
    fake.malformed_json_next(on="POST bookings")  # a PHP notice printed before the booking
    with pytest.raises(PmsOutcomeUnknown):
        await pms.create_booking(request)
    assert await pms.find_booking_for(request) is not None


async def test_5xx_is_unavailable_on_a_read_and_unknown_on_a_write(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    fake.fail_next(502, on="POST hotel_ari")
    with pytest.raises(PmsUnavailable, match="HTTP 502"):
        await pms.search(stay())

    booking = await pms.create_booking(booking_request(stay()))
    fake.fail_next(503, on="PUT bookings")
    with pytest.raises(PmsOutcomeUnknown, match="HTTP 503"):
        await pms.modify_booking(booking.pms_id, StayChange(check_out=stay(nights=3).check_out))
    assert await pms.get_booking(booking.pms_id) == booking


async def test_a_connection_closed_mid_answer_is_unavailable_or_unknown(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    booking = await pms.create_booking(booking_request(stay()))
    fake.drop_next(on="GET orders")
    with pytest.raises(PmsUnavailable):
        await pms.get_booking(booking.pms_id)

    fake.drop_next(on="POST order_histories")  # the cancel was done, its answer lost
    with pytest.raises(PmsOutcomeUnknown):
        await pms.cancel_booking(booking.pms_id)
    assert (await pms.get_booking(booking.pms_id)).status == "cancelled"


async def test_a_shop_down_for_maintenance_is_unavailable_and_recovers(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    fake.down()
    with pytest.raises(PmsUnavailable, match="HTTP 503"):
        await pms.room_types()
    health = await pms.health()
    assert not health.ok and "HTTP 503" in health.detail

    fake.down(close_connections=True)
    with pytest.raises(PmsUnavailable):
        await pms.hotel()

    fake.up()
    assert (await pms.health()).ok


async def test_a_write_that_could_not_connect_certainly_did_not_happen(
    http: httpx.AsyncClient,
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = QloAppsClient(http, base_url=f"http://127.0.0.1:{port}/api", api_key=DEMO_KEY)

    with pytest.raises(PmsUnavailable, match="unreachable"):
        await client.write("POST", "bookings", {"booking": {}})


async def test_qloapps_refusing_the_rooms_is_room_unavailable(pms: QloAppsPms) -> None:
    await pms.create_booking(booking_request(stay(adults=5, rooms=5), key="everything"))

    with pytest.raises(RoomUnavailable):
        await pms.create_booking(booking_request(stay(adults=1), key="too late"))


async def test_other_refusals_carry_qloapps_message(
    http: httpx.AsyncClient, pms: QloAppsPms, fake: FakeQloApps
) -> None:
    no_phone = GuestDetails(name=GUEST.name, email=GUEST.email)
    with pytest.raises(InvalidStay, match="Please provide a valid phone number"):
        await pms.create_booking(booking_request(stay(), guest=no_phone))

    # A currency the shop does not have is the operator's mistake, not the guest's.
    in_euros = qloapps(http, fake.base_url, currency="EUR")
    with pytest.raises(PmsError, match="Please provide valid currency") as raised:
        await in_euros.create_booking(booking_request(stay()))
    assert not isinstance(raised.value, InvalidStay)
    assert fake.hotel.orders == {}


async def test_unknown_and_malformed_booking_ids_are_not_found(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    with pytest.raises(BookingNotFound):
        await pms.get_booking("42")
    calls = len(fake.requests)
    with pytest.raises(BookingNotFound):
        await pms.get_booking("../customers")
    assert len(fake.requests) == calls
