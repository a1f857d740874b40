"""A web chat guest books, changes the dates, asks for another number of guests and cancels,
against the fake QloApps and, when one is configured, a real QloApps (`tests/live/`).

At each step QloApps itself is read (its webservice, not the adapter) and must hold what the
guest was told: dates, room type, adults, children, the order's total and its state.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from hotel_agent.runtime import Runtime
from tests.fakes.qloapps import DEMO_KEY, FakeQloApps
from tests.integration.dialogue.guest import Guest, future_stay, spanish_range
from tests.live.qloapps_target import live_qloapps
from tests.support import asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


@dataclass(frozen=True)
class Target:
    url: str
    key: str


@pytest.fixture(params=["fake_qloapps", "qloapps_live"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if request.param == "qloapps_live":
        yield Target(*live_qloapps())
        return
    with FakeQloApps() as fake:
        yield Target(fake.shop_url, DEMO_KEY)  # the shop's address, as operators paste it


@pytest.fixture
async def guest(target: Target, sqlite_url: str, make_runtime: MakeRuntime) -> AsyncIterator[Guest]:
    settings = make_settings(
        sqlite_url, pms={"type": "qloapps", "base_url": target.url, "api_key": target.key}
    )
    runtime = await make_runtime(settings)
    runtime.start_background()
    async with asgi_client(runtime) as client:
        yield Guest(client)


def in_qloapps(target: Target, reference: str) -> dict[str, Any]:
    """The booking with this reference as QloApps holds it."""
    api = target.url.rstrip("/").removesuffix("/api") + "/api"
    with httpx.Client(base_url=api, auth=(target.key, ""), timeout=30) as http:
        params = {"output_format": "JSON", "filter[reference]": f"[{reference}]"}
        [order] = http.get("orders", params={**params, "display": "full"}).json()["orders"]
        booking = http.get(f"bookings/{order['id']}", params={"output_format": "JSON"}).json()
        state = http.get(f"order_states/{order['current_state']}", params=params).json()
    details = booking["booking"]["associations"]
    [stay] = details["room_types"]
    prices = details["price_details"]
    name = state["order_state"]["name"]
    return {
        "dates": (
            date.fromisoformat(stay["checkin_date"][:10]),
            date.fromisoformat(stay["checkout_date"][:10]),
        ),
        "room_type": str(stay["id_room_type"]),
        "adults": sum(int(room["adults"]) for room in stay["rooms"]),
        "children": sum(int(room["child"]) for room in stay["rooms"]),
        "total": Decimal(str(prices["total_price_without_tax"]))
        + Decimal(str(prices["total_tax"])),
        "state": name if isinstance(name, str) else name[0]["value"],
    }


def told_total(said: str) -> Decimal:
    """The total the guest read ("Total: 2.860,00 US$" or similar), as a number."""
    amounts = re.findall(r"\d[\d.]*,\d\d", said)
    return Decimal(amounts[-1].replace(".", "").replace(",", "."))


async def test_book_change_occupancy_and_cancel_leave_qloapps_as_the_guest_was_told(
    guest: Guest, target: Target
) -> None:
    check_in, check_out = future_stay(days_ahead=int(uuid.uuid4().int % 200) + 30, nights=2)
    email = f"journey.{uuid.uuid4().hex[:10]}@example.com"

    said = await guest.hears(
        f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos y 1 niño"
    )
    assert "edad" in said, "QloApps drops children sent without their ages"
    said = await guest.hears("7")
    rows = guest.list_rows()
    assert rows, said
    room_type = rows[0]["id"].removeprefix("offer:")
    said = await guest.says("", choice_id=rows[0]["id"])
    said = await guest.hears(f"Ana Ruiz, {email}")
    assert "teléfono" in said, "a web chat guest is asked for the phone QloApps requires"
    said = await guest.hears("+34 611 222 333")
    assert "¿La confirmo?" in said
    quoted = told_total(said)

    said = await guest.hears("sí")
    assert "Reserva confirmada" in said, said
    reference = re.search(r"Referencia: (\S+)", said)
    assert reference is not None
    stored = in_qloapps(target, reference.group(1).rstrip("."))
    assert stored["dates"] == (check_in, check_out)
    assert (stored["room_type"], stored["adults"], stored["children"]) == (room_type, 2, 1)
    assert stored["total"] == quoted == told_total(said)
    assert "cancel" not in stored["state"].lower()

    new_in, new_out = check_in + timedelta(days=7), check_in + timedelta(days=10)
    await guest.hears("Quiero cambiar las fechas de mi reserva")
    said = await guest.hears(spanish_range(new_in, new_out))
    assert "¿Confirmo el cambio?" in said, said
    said = await guest.hears("sí")
    assert "Hecho" in said, said
    changed = in_qloapps(target, reference.group(1).rstrip("."))
    assert changed["dates"] == (new_in, new_out)
    assert (changed["adults"], changed["children"]) == (2, 1)
    assert changed["total"] == told_total(said)

    said = await guest.hears("quiero cambiar mi reserva: seremos 1 adulto")
    if "¿Confirmo el cambio?" in said:
        said = await guest.hears("sí")
    assert "Hecho" not in said, "QloApps cannot change the guests on the same dates"
    assert "personas" in said
    assert in_qloapps(target, reference.group(1).rstrip(".")) == changed

    await guest.hears("necesito cancelar mi reserva")
    said = await guest.hears("sí")
    assert "cancelada" in said, said
    cancelled = in_qloapps(target, reference.group(1).rstrip("."))
    assert "cancel" in cancelled["state"].lower()
    assert cancelled["total"] == changed["total"], "a cancellation rewrites no line"


@pytest.mark.parametrize("answer", ["Sarkisian", "Cher Sarkisian"])
async def test_a_one_word_name_is_completed_and_the_check_in_time_is_qloapps_own(
    guest: Guest, target: Target, answer: str
) -> None:
    said = await guest.hears("¿A qué hora es el check-in?")
    assert "12:00" in said and "15:00" not in said, "QloApps says 12:00, the demo file 15:00"

    check_in, check_out = future_stay(days_ahead=int(uuid.uuid4().int % 200) + 30, nights=1)
    email = f"cher.{uuid.uuid4().hex[:10]}@example.com"
    await guest.hears(f"quiero reservar {spanish_range(check_in, check_out)} para 1 adulto")
    await guest.says("", choice_id=guest.list_rows()[0]["id"])
    said = await guest.hears(f"Cher, {email}, +34 622 333 444")
    assert "apellido" in said, "QloApps needs a last name: never 'Cher Cher'"
    said = await guest.hears(answer)
    assert "Cher Sarkisian" in said and "Cher Cher" not in said and "¿La confirmo?" in said
    said = await guest.hears("sí")
    reference = re.search(r"Referencia: (\S+)", said)
    assert reference is not None, said
    api = target.url.rstrip("/").removesuffix("/api") + "/api"
    with httpx.Client(base_url=api, auth=(target.key, ""), timeout=30) as http:
        params = {"output_format": "JSON", "filter[reference]": f"[{reference.group(1)}]"}
        [order] = http.get("orders", params={**params, "display": "[id]"}).json()["orders"]
        booking = http.get(f"bookings/{order['id']}", params={"output_format": "JSON"}).json()
    customer = booking["booking"]["associations"]["customer_detail"]
    assert (customer["firstname"], customer["lastname"]) == ("Cher", "Sarkisian")

    await guest.hears("necesito cancelar mi reserva")
    said = await guest.hears("sí")  # and the room goes back, so the test can run again
    assert "cancelada" in said, said


async def test_new_dates_while_the_ages_are_asked_are_dates_not_ages(guest: Guest) -> None:
    check_in, check_out = future_stay(days_ahead=40, nights=3)
    said = await guest.hears(
        f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos y 2 niños"
    )
    assert "edad" in said
    # Day numbers a child could be aged: "del 3 al 6 de ..." must still read as dates.
    later_in = check_in + timedelta(days=(3 - check_in.day) % 31)
    while later_in.day > 10:
        later_in += timedelta(days=1)
    later_out = later_in + timedelta(days=3)
    said = await guest.hears(f"mejor {spanish_range(later_in, later_out)}")
    assert "edad" in said, "the two day numbers are the new dates, not two ages"
    said = await guest.hears("4 y 9")
    assert guest.list_rows(), said
    assert f"{later_in.day}" in said and "2 niños" in said


def rooms_in_qloapps(target: Target, reference: str) -> tuple[list[tuple[str, int, int]], Decimal]:
    """Each room of the booking with this reference as QloApps holds it (type, adults,
    children), and the order's total."""
    api = target.url.rstrip("/").removesuffix("/api") + "/api"
    with httpx.Client(base_url=api, auth=(target.key, ""), timeout=30) as http:
        params = {"output_format": "JSON", "filter[reference]": f"[{reference}]"}
        [order] = http.get("orders", params={**params, "display": "full"}).json()["orders"]
        booking = http.get(f"bookings/{order['id']}", params={"output_format": "JSON"}).json()
    details = booking["booking"]["associations"]
    rooms = sorted(
        (str(stay["id_room_type"]), int(room["adults"]), int(room["child"]))
        for stay in details["room_types"]
        for room in stay["rooms"]
    )
    prices = details["price_details"]
    total = Decimal(str(prices["total_price_without_tax"])) + Decimal(str(prices["total_tax"]))
    return rooms, total


async def test_rooms_of_two_types_are_one_qloapps_booking_as_the_guest_was_told(
    guest: Guest, target: Target
) -> None:
    check_in, check_out = future_stay(days_ahead=int(uuid.uuid4().int % 200) + 30, nights=2)
    email = f"rooms.{uuid.uuid4().hex[:10]}@example.com"
    said = await guest.hears(
        "una General Room para 2 adultos y una Delux Room para 1 adulto "
        + spanish_range(check_in, check_out)
    )
    said = await guest.hears(f"Ana Ruiz, {email}")
    if "teléfono" in said:
        said = await guest.hears("+34 611 222 333")
    assert "¿La confirmo?" in said, said
    assert "General Rooms (2 adultos):" in said and "Delux Rooms (1 adulto):" in said, said
    quoted = told_total(said)

    said = await guest.hears("sí")
    assert "Reserva confirmada" in said, said
    reference = re.search(r"Referencia: (\S+)", said)
    assert reference is not None
    rooms, total = rooms_in_qloapps(target, reference.group(1).rstrip("."))
    assert rooms == [("1", 2, 0), ("2", 1, 0)]
    assert total == quoted == told_total(said)


async def test_children_ages_asked_for_rooms_of_two_types_follow_their_room(
    guest: Guest, target: Target
) -> None:
    check_in, check_out = future_stay(days_ahead=int(uuid.uuid4().int % 200) + 30, nights=2)
    email = f"family.{uuid.uuid4().hex[:10]}@example.com"
    said = await guest.hears(
        "una General Room para 2 adultos y 2 niños y una Delux Room para los abuelos "
        + spanish_range(check_in, check_out)
    )
    assert "edad" in said, "QloApps drops children sent without their ages"
    await guest.hears("4 y 9")
    said = await guest.hears(f"Rosa Díaz, {email}")
    if "teléfono" in said:
        said = await guest.hears("+34 611 222 444")
    assert "General Rooms (2 adultos y 2 niños):" in said, said
    said = await guest.hears("sí")
    reference = re.search(r"Referencia: (\S+)", said)
    assert reference is not None, said
    rooms, _ = rooms_in_qloapps(target, reference.group(1).rstrip("."))
    assert rooms == [("1", 2, 2), ("2", 2, 0)]
