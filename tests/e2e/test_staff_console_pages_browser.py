"""The console's newer pages in Debian's Chromium: the inbox's unread counts arrive by
themselves (console.js polls the list) and clear once the conversation is opened; every page
fits a phone's and a desk's width (CONSOLE_SCREENSHOT_DIR=/tmp keeps screenshots to look at)."""

from __future__ import annotations

import asyncio
import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from tests.e2e.browser import DESKTOP, PHONE, OpenPage
from tests.e2e.test_staff_console_browser import PASSWORD, sign_in

from hotel_agent.db.engine import create_engine, create_session_factory
from hotel_agent.db.models import BookingRecordStatus, StaffRole
from hotel_agent.db.repositories.booking_records import BookingRecordRepository
from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.settings import Settings
from hotel_agent.staff import accounts

SMALL_PHONE: ViewportSize = {"width": 375, "height": 667}


@pytest.fixture
def manager(live_server_url: str, e2e_settings: Settings) -> str:
    """An administrator's account and one booking of the agent in the served database."""

    async def create() -> None:
        engine = create_engine(e2e_settings)
        sessions = create_session_factory(engine)
        await accounts.create_user(sessions, "elena", PASSWORD, StaffRole.ADMIN)
        async with sessions() as session, session.begin():
            hotel = await HotelRepository(session).by_slug(e2e_settings.hotel.slug)
            assert hotel is not None
            records = BookingRecordRepository(session)
            check_in = date.today() + timedelta(days=20)
            await records.claim(
                "browser-1",
                hotel_id=hotel.id,
                pms_type="simulator",
                room_type_id="DBL",
                check_in=check_in,
                check_out=check_in + timedelta(days=3),
                adults=2,
                guest_name="Carmen Vidal Ortega",
                guest_email="carmen@example.com",
            )
            await records.update_by_key(
                "browser-1",
                status=BookingRecordStatus.CONFIRMED.value,
                reference="MDP-4821",
                total_price=Decimal("372.00"),
                currency="EUR",
            )
        await engine.dispose()

    asyncio.run(create())
    return "elena"


def guest_writes(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Mensaje")
    box.fill(text)
    box.press("Enter")


@pytest.mark.browser
def test_unread_counts_arrive_by_themselves_and_clear_when_opened(
    live_server_url: str, manager: str, new_page: OpenPage
) -> None:
    staff = new_page(locale="en-GB")  # a phone
    staff.goto(f"{live_server_url}/staff/login")
    sign_in(staff, manager)
    staff.get_by_role("link", name="All", exact=True).click()

    guest = new_page(locale="es-ES", viewport=DESKTOP)
    guest.goto(f"{live_server_url}/")
    guest_writes(guest, "Hola")
    expect(guest.locator(".msg--bot .msg__text").first).to_be_visible(timeout=30_000)

    # The inbox was open before the guest wrote: its polling brings the count in.
    badge = staff.locator(".conversation .unread")
    expect(badge).to_have_attribute("data-unread", "1", timeout=15_000)
    guest_writes(guest, "¿Tienen parking?")
    expect(badge).to_have_attribute("data-unread", "2", timeout=15_000)

    staff.locator(".conversation a").first.click()
    expect(staff.locator(".msg--guest .msg__text")).to_have_count(2)
    staff.go_back()
    staff.reload()
    expect(staff.locator(".conversation a")).to_have_count(1)
    expect(badge).to_have_count(0)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_console_pages_fit_the_screen(
    live_server_url: str, manager: str, new_page: OpenPage, viewport: Any, tmp_path: Path
) -> None:
    guest = new_page(locale="es-ES", viewport=DESKTOP)
    guest.goto(f"{live_server_url}/")
    guest_writes(guest, "quiero hablar con una persona, por favor")
    expect(guest.locator(".msg--bot .msg__text").first).to_be_visible(timeout=30_000)

    staff = new_page(locale="es-ES", viewport=viewport)
    staff.goto(f"{live_server_url}/staff/login")
    sign_in(staff, manager)
    out = Path(os.environ.get("CONSOLE_SCREENSHOT_DIR", tmp_path))
    pages = {
        "inbox": ("/staff/", ".conversation"),
        "bookings": ("/staff/bookings", "[data-booking='MDP-4821']"),
        "health": ("/staff/health", "#health-summary"),
        "failed": ("/staff/failed", "h1"),
        "proactive": ("/staff/proactive", "h1"),
        "audit": ("/staff/audit", "[data-audit='login']"),
        "knowledge": ("/staff/knowledge", "[data-faq='wifi']"),
    }
    for name, (path, shown) in pages.items():
        staff.goto(f"{live_server_url}{path}")
        expect(staff.locator(shown).first).to_be_visible(timeout=15_000)
        # Nothing sticks out sideways.
        width = staff.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} is {width}px wide"
        staff.screenshot(path=out / f"console-{name}-{viewport['width']}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["es-ES", "en-GB"])
def test_the_menu_wraps_at_a_small_phones_width(
    live_server_url: str, manager: str, new_page: OpenPage, locale: str, tmp_path: Path
) -> None:
    """At 375 px every entry of the menu is whole on the screen, on rows of its own: none is
    cut, squeezed onto two lines, or laid over another."""
    staff = new_page(locale=locale, viewport=SMALL_PHONE)
    staff.goto(f"{live_server_url}/staff/login")
    sign_in(staff, manager)
    out = Path(os.environ.get("CONSOLE_SCREENSHOT_DIR", tmp_path))
    staff.screenshot(path=out / f"console-menu-{locale}-375.png")
    # The page shown is marked in the menu.
    current = staff.locator(".bar__nav a[aria-current='page']")
    expect(current).to_have_attribute("href", "/staff/")
    assert staff.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    entries = staff.locator(".bar__nav > a, .bar__nav > span, .bar__nav button").all()
    boxes = []
    for entry in entries:
        box = entry.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= SMALL_PHONE["width"], entry
        line = float(entry.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20"))
        assert box["height"] < 2 * line, f"{entry.text_content()} breaks over two lines"
        boxes.append(box)
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, f"menu entries overlap: {a} {b}"
