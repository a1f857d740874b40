"""The fake QloApps keeps the quirks the adapter works around, so its tests mean something."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.qloapps import DEMO_KEY, FakeQloApps

JSON = {"output_format": "JSON"}


@pytest.fixture
def api(fake: FakeQloApps) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake.base_url, auth=(DEMO_KEY, "")) as client:
        yield client


def booking(rooms: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "booking": {
            "id_property": 1,
            "currency": "USD",
            "associations": {
                "customer_detail": {
                    "firstname": "Ana",
                    "lastname": "Ruiz",
                    "email": "ana@example.com",
                    "phone": "+34611111111",
                },
                "room_types": [
                    {
                        "id_room_type": 1,
                        "checkin_date": "2026-12-10",
                        "checkout_date": "2026-12-12",
                        "number_of_rooms": len(rooms),
                        "rooms": rooms,
                    }
                ],
            },
        }
    }


def test_answers_xml_unless_json_is_asked_and_refuses_a_wrong_key(
    api: httpx.Client, fake: FakeQloApps
) -> None:
    assert api.get("hotels").text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<qloapps>')
    assert api.get("hotels", params=JSON).json() == {"hotels": [{"id": 1}]}
    refused = httpx.get(f"{fake.base_url}/hotels", params=JSON, auth=("WRONG", ""))
    assert refused.status_code == 401
    assert refused.json() == {
        "errors": [{"code": 20, "message": "Authentification key is not active"}]
    }


def test_an_empty_list_is_a_bare_json_array(api: httpx.Client) -> None:
    params = {**JSON, "filter[email]": "[nobody@example.com]", "display": "[id]"}
    assert api.get("customers", params=params).json() == []


def test_ari_takes_xml_only(api: httpx.Client) -> None:
    refused = api.post("hotel_ari", params=JSON, json={"hotel_ari": {"id_hotel": 1}})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["message"] == (
        "Validation error: Invalid ARI search parameters found."
    )


def test_a_plural_adults_is_ignored_and_automatic_services_are_dropped(api: httpx.Client) -> None:
    answer = api.post("bookings", params=JSON, json=booking([{"adults": 1, "child": 0}]))

    made = answer.json()["booking"]["associations"]
    assert made["room_types"][0]["rooms"][0]["adults"] == 2  # the room type's base occupancy
    assert made["price_details"] == {
        "total_paid": 0,
        "total_price_without_tax": 2000,
        "total_tax": 80,
    }


def test_a_put_needs_the_id_in_its_body(api: httpx.Client) -> None:
    api.post("bookings", params=JSON, json=booking([{"adult": 2, "child": 0}]))

    refused = api.put("bookings/1", params=JSON, json=booking([{"adult": 1, "child": 0}]))

    assert refused.status_code == 400
    assert refused.json()["errors"][0]["message"] == "id is required with PUT requests."
    assert api.get("bookings/2", params=JSON).status_code == 404
    assert api.get("bookings/2", params=JSON).content == b""
