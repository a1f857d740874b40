"""What a stock QloApps 1.6.1 does that the first adapter got wrong (issue 10), one test each.

Each was written against the fake first, where it failed, then the adapter was fixed. Prices on
the demo hotel: General Rooms 1000 a night, "Room Maintenance Fees" 250 a night (quoted by
`hotel_ari` inside the room price), "Internet Handling Charges" 250 once per room (left out of
`hotel_ari`, charged by the booking), 4 % tax on everything.
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from structlog.testing import capture_logs

from hotel_agent.pms.errors import InvalidStay, RoomUnavailable
from hotel_agent.pms.port import BookingStatus, GuestDetails, StayChange
from hotel_agent.pms.qloapps import QloAppsClient, QloAppsPms
from tests.fakes.qloapps import DEMO_KEY, FakeQloApps
from tests.integration.pms.qloapps_support import (
    GUEST,
    booking_request,
    offer_for,
    qloapps,
    stay,
)


def order_total(fake: FakeQloApps, pms_id: str) -> Decimal:
    """What QloApps itself has on the order, tax included."""
    order = fake.hotel.orders[int(pms_id)]
    return (order.price_without_tax() * Decimal("1.04")).quantize(Decimal("0.01"))


# 1 ---------------------------------------------------------------------------------------------
async def test_1_a_missing_phone_is_the_phone_reason_and_its_text_is_logged(
    pms: QloAppsPms,
) -> None:
    assert (await pms.hotel()).phone_required
    no_phone = GuestDetails(name="Ana Ruiz", email="ana.ruiz@example.com")

    with capture_logs() as logs, pytest.raises(InvalidStay) as refused:
        await pms.create_booking(booking_request(stay(), guest=no_phone))

    assert refused.value.reason == "phone"
    assert any("Please provide a valid phone number." in str(e) for e in logs)


# 2 ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("rooms", "total"), [(1, "2860.00"), (2, "5720.00")])
async def test_2_the_quote_is_what_the_booking_costs(
    pms: QloAppsPms, fake: FakeQloApps, rooms: int, total: str
) -> None:
    the_stay = stay(nights=2, adults=rooms, rooms=rooms)
    offer = offer_for(await pms.search(the_stay), "1")
    assert offer is not None
    # (1000 + 250) x 2 nights + 250 once, + 4 %, per room.
    assert offer.total_price == Decimal(total)

    booking = await pms.create_booking(booking_request(the_stay))

    assert booking.total_price == offer.total_price == order_total(fake, booking.pms_id)


# 3 ---------------------------------------------------------------------------------------------
async def test_3_children_are_sent_with_their_ages_and_stored(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    assert (await pms.hotel()).child_ages_required
    the_stay = stay(adults=2, children=1).model_copy(update={"child_ages": [7]})

    booking = await pms.create_booking(booking_request(the_stay))

    [room] = fake.hotel.orders[int(booking.pms_id)].stays
    assert (room.adults, room.children, room.child_ages) == (2, 1, [7])
    assert (booking.stay.adults, booking.stay.children) == (2, 1)


async def test_3_children_without_ages_are_refused_before_anything_is_sent(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    with pytest.raises(InvalidStay) as refused:
        await pms.create_booking(booking_request(stay(adults=2, children=1)))

    assert refused.value.reason == "child_ages"
    assert fake.requests_to("POST", "bookings") == []


# 4 ---------------------------------------------------------------------------------------------
async def test_4_a_cancellation_keeps_the_orders_lines_and_total(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    booking = await pms.create_booking(booking_request(stay()))
    services_before = [row.services for row in fake.hotel.orders[int(booking.pms_id)].stays]

    cancelled = await pms.cancel_booking(booking.pms_id)

    assert cancelled.status is BookingStatus.CANCELLED
    rows = fake.hotel.orders[int(booking.pms_id)].stays
    assert [row.services for row in rows] == services_before
    assert all(row.lines_consistent and row.is_cancelled for row in rows)
    assert order_total(fake, booking.pms_id) == booking.total_price == cancelled.total_price
    # A state change, not a PUT: every cancelling PUT rewrites the order's service lines.
    assert fake.requests_to("PUT", "bookings") == []
    assert offer_for(await pms.search(stay()), "1") is not None


def test_4_the_fake_mangles_lines_like_qloapps_on_a_cancelling_put(fake: FakeQloApps) -> None:
    api = httpx.Client(
        base_url=fake.base_url, auth=(DEMO_KEY, ""), params={"output_format": "JSON"}
    )
    entry = {
        "id_room_type": 1,
        "checkin_date": "2026-12-11",
        "checkout_date": "2026-12-13",
        "number_of_rooms": 1,
        "rooms": [{"adult": 2, "child": 0, "services": [{"id_service": 5}, {"id_service": 6}]}],
    }
    customer = {"firstname": "Ana", "lastname": "Ruiz", "email": "a@example.com", "phone": "+3461"}
    body = {
        "booking": {
            "id_property": 1,
            "currency": "USD",
            "associations": {"customer_detail": customer, "room_types": [entry]},
        }
    }
    api.post("bookings", json=body)
    total = order_total(fake, "1")
    without = {**entry, "rooms": [{"adult": 2, "child": 0, "services": []}]}
    cancel = {"booking": {**body["booking"], "id": 1, "booking_status": 3}}
    cancel["booking"]["associations"] = {"customer_detail": customer, "room_types": [without]}

    assert api.put("bookings/1", json=cancel).status_code == 200

    assert order_total(fake, "1") < total  # the services went before the cancellation
    assert api.post("order_histories", json={"order_history": {}}).status_code == 500  # XML only


# 5 ---------------------------------------------------------------------------------------------
async def test_5_a_date_change_leaves_an_order_that_costs_the_new_quote(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    booking = await pms.create_booking(booking_request(stay(days=10, nights=2)))
    new = stay(days=20, nights=4)
    quote = offer_for(await pms.search(new), "1")
    assert quote is not None

    changed = await pms.modify_booking(
        booking.pms_id, StayChange(check_in=new.check_in, check_out=new.check_out)
    )

    assert changed.stay == new
    assert changed.total_price == quote.total_price == order_total(fake, booking.pms_id)
    [room] = fake.hotel.orders[int(booking.pms_id)].stays
    assert sorted(room.services) == [5, 6]


# 6 ---------------------------------------------------------------------------------------------
async def test_6_an_occupancy_change_qloapps_cannot_make_is_refused_not_faked(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    booking = await pms.create_booking(booking_request(stay(adults=2)))

    with pytest.raises(InvalidStay) as refused:
        await pms.modify_booking(booking.pms_id, StayChange(adults=1))

    assert refused.value.reason == "occupancy_not_changeable"
    assert (await pms.get_booking(booking.pms_id)).stay.adults == 2
    assert fake.requests_to("PUT", "bookings") == []


async def test_6_dates_and_occupancy_changed_together_are_stored(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    booking = await pms.create_booking(booking_request(stay(adults=2)))
    new = stay(days=30, adults=1, children=1).model_copy(update={"child_ages": [4]})

    changed = await pms.modify_booking(
        booking.pms_id,
        StayChange(
            check_in=new.check_in, check_out=new.check_out, adults=1, children=1, child_ages=[4]
        ),
    )

    [room] = fake.hotel.orders[int(booking.pms_id)].stays
    assert (room.adults, room.children, room.child_ages) == (1, 1, [4])
    assert (changed.stay.adults, changed.stay.children) == (1, 1)


# 7 ---------------------------------------------------------------------------------------------
async def test_7_the_put_paths_unavailable_message_without_full_stop_is_room_unavailable(
    http: httpx.AsyncClient, pms: QloAppsPms, fake: FakeQloApps
) -> None:
    booking = await pms.create_booking(booking_request(stay(days=10)))
    full = stay(days=40)
    for n in range(5):  # the five General Rooms
        guest = GUEST.model_copy(update={"email": f"guest{n}@example.com"})
        await pms.create_booking(booking_request(full, key=f"fill-{n}", guest=guest))
    body = fake.requests_to("POST", "bookings")[0].json()
    body["booking"]["id"] = int(booking.pms_id)
    body["booking"]["associations"]["room_types"][0] |= {
        "checkin_date": full.check_in.isoformat(),
        "checkout_date": full.check_out.isoformat(),
    }
    url = f"{fake.base_url}/bookings/{booking.pms_id}"
    raw = httpx.put(url, params={"output_format": "JSON"}, json=body, auth=(DEMO_KEY, ""))
    assert raw.json()["errors"][0]["message"] == "Requested room(s) not available"

    # As if the room went between the adapter's availability check and its PUT.
    client = QloAppsClient(http, base_url=fake.base_url, api_key=DEMO_KEY)
    with pytest.raises(RoomUnavailable):
        await client.write("PUT", f"bookings/{booking.pms_id}", body)


# 8 ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["", "/", "/api", "/api/"])
async def test_8_the_shops_address_works_with_or_without_api(
    http: httpx.AsyncClient, fake: FakeQloApps, suffix: str
) -> None:
    pms = qloapps(http, fake.shop_url + suffix)

    health = await pms.health()

    assert health.ok, health.detail
    assert health.hotel == "The Hotel Prime"


async def test_8_the_fake_redirects_the_shop_root_like_prestashop(fake: FakeQloApps) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{fake.shop_url}/hotels", params={"output_format": "JSON"})
    assert answer.status_code == 302


# the name ------------------------------------------------------------------------------------
async def test_a_one_word_name_is_not_sent_as_first_and_last_name(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    assert (await pms.hotel()).last_name_required
    cher = GuestDetails(name="Cher", email="cher@example.com", phone="+1 555 0100")

    with pytest.raises(InvalidStay) as refused:
        await pms.create_booking(booking_request(stay(), guest=cher))

    assert refused.value.reason == "last_name"
    assert fake.requests_to("POST", "bookings") == []
