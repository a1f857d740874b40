"""`hotel-agent pms …` as an operator runs it: real processes, a fresh DATA_DIR (so the embedded
SQLite database and the simulator), or a fake QloApps over real HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from tests.e2e.test_cli import hotel_agent, hotel_agent_modules
from tests.fakes.qloapps import FakeQloApps
from tests.support import make_settings

from hotel_agent.pms.port import Booking, BookingRequest, GuestDetails, RoomLine, Stay
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL
from hotel_agent.runtime import Runtime

# What an operator's shell might hold that would point the CLI elsewhere than the fresh install.
_FOREIGN_ENV = ("WHATSAPP_", "DATABASE_", "DB_", "POSTGRES_", "REDIS_", "PMS_", "HOTEL_")


def fresh_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_ENV)}
    env.pop("CHECK_PMS_IN_READINESS", None)
    env.update(DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="WARNING", **extra)
    return env


def pms_cli(tmp_path: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return hotel_agent(tmp_path, "pms", *args, env=env)


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr


def the_stay(days_ahead: int, nights: int) -> Stay:
    check_in = date.today() + timedelta(days=days_ahead)
    return Stay(check_in=check_in, check_out=check_in + timedelta(days=nights), adults=2)


def test_check_shows_the_demo_hotel_and_its_room_types(tmp_path: Path) -> None:
    result = pms_cli(tmp_path, "check", env=fresh_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "PMS (simulator): ok" in result.stdout
    assert f"hotel: {DEMO_HOTEL.name}" in result.stdout
    for room in DEMO_HOTEL.room_types:
        assert f"room type {room.code}: {room.names['en']}" in result.stdout


def test_search_prints_priced_offers_as_json(tmp_path: Path) -> None:
    stay = the_stay(30, 3)
    result = pms_cli(
        tmp_path,
        "search",
        "--check-in",
        stay.check_in.isoformat(),
        "--check-out",
        stay.check_out.isoformat(),
        "--adults",
        "2",
        "--json",
        env=fresh_env(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    offers = json.loads(result.stdout)
    # Every room type that sleeps two adults, and only those (not the single room).
    inventory = {
        room.code: room.inventory for room in DEMO_HOTEL.room_types if room.max_adults >= 2
    }
    assert {offer["room_type"]["id"] for offer in offers} == set(inventory)
    for offer in offers:
        assert offer["stay"]["check_in"] == stay.check_in.isoformat()
        assert offer["stay"]["check_out"] == stay.check_out.isoformat()
        assert Decimal(offer["total_price"]) > Decimal(offer["nightly_price"]) > 0
        assert offer["currency"] == DEMO_HOTEL.currency
        assert offer["rooms_left"] == inventory[offer["room_type"]["id"]]  # a fresh install


def test_rooms_prints_choices_for_a_single_traveller_and_a_family(tmp_path: Path) -> None:
    stay = the_stay(30, 2)
    result = pms_cli(
        tmp_path,
        "rooms",
        "--check-in",
        stay.check_in.isoformat(),
        "--check-out",
        stay.check_out.isoformat(),
        "--room",
        "1",
        "--room",
        "2+2:4,9",
        "--json",
        env=fresh_env(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    choices = json.loads(result.stdout)
    assert choices
    capacity = {room.code: room for room in DEMO_HOTEL.room_types}
    for choice in choices:
        rooms = [room["line"] for room in choice["rooms"]]
        assert [(r["adults"], r["children"], r["child_ages"]) for r in rooms] == [
            (1, 0, []),
            (2, 2, [4, 9]),
        ]
        for line in rooms:
            room_type = capacity[line["room_type_id"]]
            assert line["adults"] <= room_type.max_adults
            assert line["children"] <= room_type.max_children
        prices = [Decimal(room["total_price"]) for room in choice["rooms"]]
        assert Decimal(choice["total_price"]) == sum(prices)
    totals = [Decimal(choice["total_price"]) for choice in choices]
    assert totals[0] == min(totals)


def test_a_search_with_check_out_before_check_in_says_why(tmp_path: Path) -> None:
    stay = the_stay(30, 3)
    result = pms_cli(
        tmp_path,
        "search",
        "--check-in",
        stay.check_out.isoformat(),
        "--check-out",
        stay.check_in.isoformat(),
        "--adults",
        "2",
        env=fresh_env(tmp_path),
    )

    assert result.returncode == 1
    assert "error: the check-out date must be after the check-in date" in result.stdout
    assert_no_traceback(result)


async def _book_and_cancel_one(data_dir: Path) -> tuple[Booking, Booking]:
    """Two bookings the agent makes in this install's database; then the front desk cancels
    the second one in the PMS itself, behind the agent's back."""
    database = data_dir / "hotel_agent.db"
    runtime = Runtime.build(make_settings(f"sqlite+aiosqlite:///{database.resolve()}"))
    try:
        await runtime.load_hotels()
        guest = GuestDetails(name="Lucía Martín", email="lucia.martin@example.com")
        kept = the_stay(30, 2)
        requests = [
            # A double and a single, one booking: the record keeps both rooms.
            BookingRequest.for_rooms(
                check_in=kept.check_in,
                check_out=kept.check_out,
                rooms=[
                    RoomLine(room_type_id="DBL", adults=2),
                    RoomLine(room_type_id="IND", adults=1),
                ],
                guest=guest,
                idempotency_key="turn-kept",
            ),
            BookingRequest(
                stay=the_stay(40, 2),
                room_type_id="DBL",
                guest=guest,
                idempotency_key="turn-cancelled",
            ),
        ]
        made = []
        for request in requests:
            made.append(
                await runtime.bookings.book(request, hotel_id=runtime.hotels.default_hotel_id)
            )
        await runtime.pms.cancel_booking(made[1].pms_id)
        return made[0], made[1]
    finally:
        await runtime.close()


def test_bookings_lists_what_the_agent_booked_with_the_pms_status(tmp_path: Path) -> None:
    env = fresh_env(tmp_path)
    empty = pms_cli(tmp_path, "bookings", "--json", env=env)
    assert empty.returncode == 0, empty.stdout + empty.stderr
    assert json.loads(empty.stdout) == []

    # The first call created the database; the agent books into it as `serve` would.
    kept, cancelled = asyncio.run(_book_and_cancel_one(tmp_path / "data"))
    listed = pms_cli(tmp_path, "bookings", "--json", env=env)

    assert listed.returncode == 0, listed.stdout + listed.stderr
    rows = {row["reference"]: row for row in json.loads(listed.stdout)}
    assert set(rows) == {kept.reference, cancelled.reference}
    assert rows[kept.reference]["status"] == "confirmed"
    assert rows[kept.reference]["pms_status"] == "confirmed"
    assert rows[kept.reference]["total"] == str(kept.total_price)
    assert rows[kept.reference]["currency"] == DEMO_HOTEL.currency
    assert rows[kept.reference]["check_in"] == kept.stay.check_in.isoformat()
    assert [(r["room_type_id"], r["adults"]) for r in rows[kept.reference]["rooms"]] == [
        ("DBL", 2),
        ("IND", 1),
    ]
    text = pms_cli(tmp_path, "bookings", env=env).stdout
    assert f"room DBL+IND 3+0 {kept.total_price}" in text, text
    # The agent's record says what it booked; the PMS column says what the hotel did since.
    assert rows[cancelled.reference]["status"] == "confirmed"
    assert rows[cancelled.reference]["pms_status"] == "cancelled"


def test_check_says_qloapps_refused_a_wrong_key(tmp_path: Path) -> None:
    with FakeQloApps() as fake:
        env = fresh_env(
            tmp_path,
            PMS_TYPE="qloapps",
            PMS_BASE_URL=fake.base_url,
            PMS_API_KEY="WRONGKEYWRONGKEYWRONGKEYWRONGKEY",
        )
        result = pms_cli(tmp_path, "check", env=env)
        answered = [request.status for request in fake.requests]

    assert result.returncode == 1
    assert "PMS (qloapps): FAILING" in result.stdout
    assert "refused the webservice key" in result.stdout
    assert_no_traceback(result)
    assert answered and set(answered) == {401}  # it did reach QloApps, which said no


def test_pms_commands_load_no_dialogue_engine(tmp_path: Path) -> None:
    # `pms` needs the PMS and the bookings ledger; the dialogue engine, NLU and rate limiter
    # (most of `serve`'s import time) must stay out of an operator's command.
    done, modules = hotel_agent_modules(tmp_path, "pms", "check", env=fresh_env(tmp_path))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "PMS (simulator): ok" in done.stdout
    assert "hotel_agent.pms.simulator.adapter" in modules, "the PMS was built"
    loaded = {m for m in modules if m.startswith(("hotel_agent.", "limits", "numpy"))}
    for heavy in ("hotel_agent.runtime", "hotel_agent.dialogue", "hotel_agent.nlu", "limits"):
        assert heavy not in loaded
