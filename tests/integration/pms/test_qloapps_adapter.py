"""The QloApps adapter against a fake QloApps over real HTTP: its quirks, bookings, changes."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest

from hotel_agent.pms.errors import PmsAuthError, RoomUnavailable
from hotel_agent.pms.port import BookingStatus, StayChange
from hotel_agent.pms.qloapps import QloAppsPms
from tests.fakes.qloapps import DEMO_KEY, FakeQloApps
from tests.integration.pms.qloapps_support import (
    GUEST,
    booking_request,
    offer_for,
    qloapps,
    stay,
)


def posted_stays(fake: FakeQloApps, method: str = "POST") -> list[dict[str, object]]:
    body = fake.requests_to(method, "bookings")[-1].json()["booking"]
    stays: list[dict[str, object]] = body["associations"]["room_types"]
    return stays


async def test_search_posts_xml_with_one_occupancy_per_room_and_prices_every_room(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    offers = await pms.search(stay(adults=3, children=1, rooms=2))

    [ari] = fake.requests_to("POST", "hotel_ari")
    assert ari.headers["content-type"] == "application/xml"
    search = ET.fromstring(ari.body).find("hotel_ari")  # noqa: S314 - our own request
    assert search is not None
    assert (search.findtext("date_from"), search.findtext("date_to")) == (
        "2026-12-11",
        "2026-12-13",
    )
    rooms = [(o.findtext("adults"), o.findtext("children")) for o in search.iter("room_occupancy")]
    assert rooms == [("2", "1"), ("1", "0")]
    general = offer_for(offers, "1")
    assert general is not None
    # (1000 a night + 250 "Room Maintenance Fees" a night) x 2 nights + 250 "Internet Handling
    # Charges" once, + 4 % tax, for each of the 2 rooms.
    assert (general.total_price, general.nightly_price) == (Decimal("5720.00"), Decimal("2860.00"))
    assert (general.currency, general.rooms_left) == ("USD", 5)


async def test_search_drops_room_types_too_small_for_the_party(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    # QloApps lists every room type whatever the occupancy asked: capacity is ours to check.
    fake.hotel.capacities[0].update(max_adults=1, max_children=0, max_guests=1)

    assert [offer.room_type.id for offer in await pms.search(stay(adults=2))] == ["2", "3", "4"]
    assert offer_for(await pms.search(stay(adults=1)), "1") is not None


async def test_rooms_left_counts_the_free_rooms_and_a_full_room_type_is_not_offered(
    pms: QloAppsPms,
) -> None:
    await pms.create_booking(booking_request(stay(adults=2, rooms=2), key="two"))
    left = offer_for(await pms.search(stay(adults=1)), "1")
    assert left is not None and left.rooms_left == 3

    await pms.create_booking(booking_request(stay(adults=3, rooms=3), key="three"))
    # No room free: QloApps answers `"available": []` rather than an empty object.
    offers = await pms.search(stay(adults=1))
    assert offer_for(offers, "1") is None and offer_for(offers, "2") is not None


async def test_a_booking_sends_adult_and_child_singular_and_never_a_price(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    party = stay(adults=3, children=1, rooms=2).model_copy(update={"child_ages": [6]})
    booking = await pms.create_booking(booking_request(party))

    body = fake.requests_to("POST", "bookings")[0].json()["booking"]
    [entry] = body["associations"]["room_types"]
    assert entry["number_of_rooms"] == len(entry["rooms"]) == 2
    assert [(room["adult"], room["child"]) for room in entry["rooms"]] == [(2, 1), (1, 0)]
    assert [room.get("child_ages") for room in entry["rooms"]] == [[6], None]
    assert "price" not in json.dumps(body)  # any price sent would override the hotel's
    assert body["associations"]["customer_detail"] == {
        "firstname": "Ana",
        "lastname": "Ruiz Gómez",
        "email": "ana.ruiz@example.com",
        "phone": "+34 611 111 111",
    }
    assert body["associations"]["payment_detail"] == {"payment_type": "pay at hotel"}
    # With a plural `adults` QloApps would have given each room its base occupancy, 2 adults.
    assert (booking.stay.adults, booking.stay.children, booking.stay.rooms) == (3, 1, 2)
    assert booking.guest == GUEST and booking.status is BookingStatus.CONFIRMED


async def test_a_booking_costs_what_was_quoted_as_it_lists_the_automatic_services(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    offer = offer_for(await pms.search(stay()), "1")
    booking = await pms.create_booking(booking_request(stay()))

    assert offer is not None and booking.total_price == offer.total_price == Decimal("2860.00")
    [entry] = posted_stays(fake)
    # The automatic services only: the optional airport shuttle (7) is the guest's choice.
    assert entry["rooms"] == [
        {"adult": 2, "child": 0, "services": [{"id_service": 5}, {"id_service": 6}]}
    ]


async def test_without_visible_service_links_the_total_is_the_one_qloapps_booked(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    for room_type in fake.hotel.room_types:
        del room_type["associations"]

    offer = offer_for(await pms.search(stay()), "1")
    booking = await pms.create_booking(booking_request(stay()))

    assert offer is not None and offer.total_price == Decimal("2600.00")
    # The services were dropped: the guest is told the 2 × 1000 + 4 % QloApps really booked.
    assert booking.total_price == Decimal("2080.00")
    assert (await pms.get_booking(booking.pms_id)).total_price == Decimal("2080.00")


async def test_the_status_follows_the_shops_order_state_names(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    booking = await pms.create_booking(booking_request(stay()))
    order = fake.hotel.orders[int(booking.pms_id)]
    fake.hotel.order_states.append({"id": 12, "name": "Cancelled by the guest", "paid": "0"})

    order.current_state = 12
    assert (await pms.get_booking(booking.pms_id)).status is BookingStatus.CANCELLED
    order.current_state = 9  # "Checked out"
    assert (await pms.get_booking(booking.pms_id)).status is BookingStatus.COMPLETED
    # Read once, and once more when a state the adapter had not seen appeared.
    assert len(fake.requests_to("GET", "order_states")) == 2


async def test_every_call_asks_for_json_with_the_key_as_basic_user_and_encoded_brackets(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    await pms.find_bookings(email="ana.ruiz@example.com")
    await pms.search(stay())

    basic = "Basic " + base64.b64encode(f"{DEMO_KEY}:".encode()).decode()
    assert len(fake.requests) >= 4
    for request in fake.requests:
        assert request.params["output_format"] == "JSON"
        assert request.headers["authorization"] == basic
        assert "[" not in request.raw_query and "]" not in request.raw_query
    [customers] = fake.requests_to("GET", "customers")
    assert "filter%5Bemail%5D=%5Bana.ruiz%40example.com%5D" in customers.raw_query


async def test_health_names_the_hotel_and_a_wrong_key_is_an_auth_error(
    http: httpx.AsyncClient, pms: QloAppsPms, fake: FakeQloApps
) -> None:
    health = await pms.health()
    assert (health.ok, health.hotel, health.room_types) == (True, "The Hotel Prime", 4)

    wrong = qloapps(http, fake.base_url, key="NOTTHEKEY")
    with pytest.raises(PmsAuthError, match="Authentification key is not active"):
        await wrong.hotel()
    health = await wrong.health()
    assert not health.ok and "PmsAuthError" in health.detail


async def test_a_date_change_puts_the_new_stay_only_twice_with_the_id_in_the_body(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    old = stay(10, 2)
    booking = await pms.create_booking(booking_request(old))
    new = stay(30, 3)

    changed = await pms.modify_booking(
        booking.pms_id, StayChange(check_in=new.check_in, check_out=new.check_out)
    )

    # The second PUT, the same, makes QloApps charge the new rooms' services.
    first, second = fake.requests_to("PUT", "bookings")
    assert first.json() == second.json()
    body = first.json()["booking"]
    assert body["id"] == int(booking.pms_id) and "booking_status" not in body
    assert body["associations"]["room_types"] == [
        {
            "id_room_type": 1,
            "checkin_date": "2026-12-31",
            "checkout_date": "2027-01-03",
            "number_of_rooms": 1,
            "rooms": [{"adult": 2, "child": 0, "services": [{"id_service": 5}, {"id_service": 6}]}],
        }
    ]
    assert changed.stay == new and changed.total_price == Decimal("4160.00")
    assert changed.reference == booking.reference
    freed = offer_for(await pms.search(old), "1")
    assert freed is not None and freed.rooms_left == 5


async def test_one_more_night_in_a_full_house_is_refused_as_qloapps_refuses_it(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    """A live QloApps 1.6.1 checks the whole new stay while the booking still holds its old
    rooms, so extending by a free night in a full house answers "Requested room(s) not
    available": the adapter says so before sending anything."""
    the_stay = stay(10, 2, adults=1)
    mine = await pms.create_booking(booking_request(the_stay, key="mine"))
    await pms.create_booking(booking_request(stay(10, 2, adults=4, rooms=4), key="the rest"))
    one_more = StayChange(check_out=the_stay.check_out + timedelta(days=1))

    with pytest.raises(RoomUnavailable):
        await pms.modify_booking(mine.pms_id, one_more)

    assert fake.requests_to("PUT", "bookings") == []
    assert (await pms.get_booking(mine.pms_id)).stay == the_stay
    # QloApps itself refuses it the same way.
    body = fake.requests_to("POST", "bookings")[0].json()
    body["booking"]["id"] = int(mine.pms_id)
    body["booking"]["associations"]["room_types"][0]["checkout_date"] = str(
        the_stay.check_out + timedelta(days=1)
    )
    url = f"{fake.base_url}/bookings/{mine.pms_id}"
    refused = httpx.put(url, params={"output_format": "JSON"}, json=body, auth=(DEMO_KEY, ""))
    assert refused.json()["errors"][0]["message"] == "Requested room(s) not available"


async def test_a_cancel_is_a_new_order_state_that_keeps_the_stays_and_frees_the_room(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    booking = await pms.create_booking(booking_request(stay(adults=1)))

    cancelled = await pms.cancel_booking(booking.pms_id)

    [history] = fake.requests_to("POST", "order_histories")
    assert history.headers["content-type"] == "application/xml"
    sent = ET.fromstring(history.body)  # noqa: S314 - our own request
    assert sent.findtext("order_history/id_order") == booking.pms_id
    assert sent.findtext("order_history/id_order_state") == "4"  # "Canceled", read by name
    assert cancelled.status is BookingStatus.CANCELLED and cancelled.stay == booking.stay
    again = offer_for(await pms.search(stay(adults=1)), "1")
    assert again is not None and again.rooms_left == 5


async def test_bookings_are_found_by_reference_or_email_and_narrowed_by_phone(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    first = await pms.create_booking(booking_request(stay(10), key="first"))
    second = await pms.create_booking(booking_request(stay(40), key="second"))

    by_email = await pms.find_bookings(email="ANA.RUIZ@example.com")
    assert {b.pms_id for b in by_email} == {first.pms_id, second.pms_id}
    assert await pms.find_bookings(reference=first.reference.lower()) == [first]
    assert await pms.find_bookings(reference=first.reference, phone="34611111111") == [first]
    assert await pms.find_bookings(reference=first.reference, phone="+34 699 999 999") == []
    # QloApps customers have no phone to search by.
    assert await pms.find_bookings(phone="+34 611 111 111") == []
    calls = len(fake.requests)
    assert await pms.find_bookings(email="ana]|[x@example.com") == []
    assert len(fake.requests) == calls  # filter syntax in a value is never sent


async def test_the_same_key_books_once_and_another_key_books_the_same_stay_again(
    pms: QloAppsPms, fake: FakeQloApps
) -> None:
    first = await pms.create_booking(booking_request(stay(), key="conversation-7-turn-3"))
    again = await pms.create_booking(booking_request(stay(), key="conversation-7-turn-3"))
    other = await pms.create_booking(booking_request(stay(), key="conversation-9-turn-1"))

    assert again == first and other.pms_id != first.pms_id
    assert len(fake.requests_to("POST", "bookings")) == 2
    source = fake.hotel.orders[int(first.pms_id)].source
    assert source.startswith("agente-hotelero:") and "conversation" not in source
