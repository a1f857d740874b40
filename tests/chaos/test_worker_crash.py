"""The worker process is SIGKILLed in the middle of a turn (waiting on the PMS) and in the
middle of a booking confirmation (after the PMS made the booking, before the turn
committed). Another worker takes the turn over once the lease expires: the guest is answered
once, with the outcome, and the PMS holds one booking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from tests.chaos.harness import AppProcess, ChaosDatabase, Stack, eventually, qloapps_settings
from tests.chaos.whatsapp import WhatsAppGuest, assert_each_reply_sent_once, texts
from tests.fakes.chaos_proxy import ChaosProxy
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.qloapps import FakeQloApps
from tests.integration.dialogue.guest import future_stay, spanish_range

pytestmark = pytest.mark.chaos_db

LEASE_SECONDS = 3  # how long a dead worker's turn waits before another worker runs it


@dataclass
class Scene:
    guest: WhatsAppGuest
    worker: AppProcess


@pytest.fixture
async def scene(
    chaos_db: ChaosDatabase,
    fake_graph: FakeGraphApi,
    pms_proxy: ChaosProxy,
    stack: Stack,
) -> AsyncIterator[Scene]:
    settings = {
        "DATABASE_URL": chaos_db.app_url,
        "WHATSAPP_API_BASE_URL": fake_graph.base_url,
        "QUEUE_LEASE_SECONDS": LEASE_SECONDS,
        **qloapps_settings(pms_proxy),
    }
    api = stack.serve(**settings, QUEUE_IN_PROCESS_WORKER=False)
    worker = stack.worker(**settings)
    async with httpx.AsyncClient(base_url=api.base_url, timeout=15) as client:
        guest = WhatsAppGuest(client, fake_graph, chaos_db, "34611000001")
        assert await guest.says("hola"), "greeted: the worker is up"
        yield Scene(guest, worker)


async def test_worker_killed_mid_turn_the_turn_is_run_again_and_answered_once(
    scene: Scene, fake_qloapps: FakeQloApps, chaos_db: ChaosDatabase, fake_graph: FakeGraphApi
) -> None:
    guest = scene.guest
    check_in, check_out = future_stay(days_ahead=45, nights=2)
    searches = fake_qloapps.arrivals("POST hotel_ari")
    fake_qloapps.delay_next(120, on="POST hotel_ari")  # the turn hangs on the PMS

    await guest.says(
        f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos", wait=False
    )
    await eventually(
        lambda: fake_qloapps.arrivals("POST hotel_ari") > searches, what="the turn searching"
    )
    scene.worker.restart()  # SIGKILL mid-turn, then a fresh worker

    await guest.answered(f"wamid.CHAOS-{guest.wa_id}-002", timeout=90)
    replies = guest.fresh()
    offers = [r for r in replies if r.get("type") == "interactive"]
    assert len(offers) == 1, f"the offers, once: {texts(replies)}"
    assert offers[0]["interactive"]["type"] == "list"
    inbound = await chaos_db.scalar("SELECT count(*) FROM messages WHERE direction = 'in'")
    assert inbound == 2, "each guest message is in the transcript once"
    await assert_each_reply_sent_once(chaos_db, fake_graph)


async def test_worker_killed_mid_booking_confirmation_books_once_and_tells_the_guest(
    scene: Scene, fake_qloapps: FakeQloApps, chaos_db: ChaosDatabase, fake_graph: FakeGraphApi
) -> None:
    guest = scene.guest
    check_in, check_out = future_stay(days_ahead=60, nights=2)
    [offers] = await guest.says(
        f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos"
    )
    row = offers["interactive"]["action"]["sections"][0]["rows"][0]
    # (Tapping the row, titled in English by QloApps, switches the bot to English.)
    assert "mail" in texts(await guest.taps("list_reply", row["id"], row["title"]))
    [summary] = await guest.says("Ana Ruiz Soler, ana.chaos@example.com")
    buttons = [b["reply"] for b in summary["interactive"]["action"]["buttons"]]
    yes = next(b for b in buttons if b["id"] == "yes")
    orders = len(fake_qloapps.hotel.orders)
    # The PMS makes the booking, then holds its answer: the worker dies waiting for it.
    fake_qloapps.delay_next(120, on="POST bookings")

    await guest.taps("button_reply", yes["id"], yes["title"], wait=False)
    await eventually(
        lambda: len(fake_qloapps.hotel.orders) == orders + 1, what="the booking made in the PMS"
    )
    scene.worker.restart()  # SIGKILL before the turn committed anything

    await guest.answered(f"wamid.CHAOS-{guest.wa_id}-005", timeout=90)
    confirmation = texts(guest.fresh())
    told = ("Reserva confirmada", "Your booking is confirmed")
    assert sum(confirmation.count(t) for t in told) == 1, confirmation
    assert len(fake_qloapps.hotel.orders) == orders + 1, "one booking in the PMS, not two"
    assert fake_qloapps.arrivals("POST bookings") == 1, "the write was looked up, not repeated"
    [order] = list(fake_qloapps.hotel.orders.values())[orders:]
    assert order.reference in confirmation, "the guest is told the booking they have"
    await assert_each_reply_sent_once(chaos_db, fake_graph)
