"""The manager's dashboard and canned replies in Debian's Chromium against the real app: an
administrator opens the dashboard (the agent's booking counted today, the CSV offered), adds
a canned reply, and inserts it into a handed-over conversation's reply box with the picker,
where it is edited and sent like typed text."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from tests.e2e.browser import DESKTOP, OpenPage
from tests.e2e.test_staff_console_browser import sign_in
from tests.e2e.test_staff_console_pages_browser import guest_writes, manager  # noqa: F401

CANNED = 'Our car park is <b>free</b> & open "24/7".'


@pytest.mark.browser
def test_the_dashboard_opens_and_a_canned_reply_is_inserted_and_sent(
    live_server_url: str,
    manager: str,  # noqa: F811
    new_page: OpenPage,
) -> None:
    staff = new_page(locale="en-GB", viewport=DESKTOP)
    staff.goto(f"{live_server_url}/staff/login")
    sign_in(staff, manager)
    staff.get_by_role("link", name="Dashboard").click()
    expect(staff).to_have_url(re.compile(r"/staff/dashboard$"))
    expect(staff.get_by_role("heading", name="Dashboard")).to_be_visible()
    today = datetime.now(UTC).date().isoformat()
    expect(staff.locator("#dash-to")).to_have_value(today)
    expect(staff.locator("#dashboard-csv")).to_have_attribute("href", re.compile(r"dashboard\.csv"))
    total = staff.locator("#dashboard-channels tr[data-channel='all']")
    expect(total.locator("[data-figure='bookings']")).to_have_text("1")

    staff.get_by_role("link", name="Canned replies").click()
    staff.locator("#canned-language").select_option("en")
    staff.locator("#canned-title").fill("Parking")
    staff.locator("#canned-text").fill(CANNED)
    staff.locator("#canned-new button[type=submit]").click()
    expect(staff.locator("#canned-saved")).to_be_visible()
    expect(staff.locator("#canned-list .canned__text")).to_have_text([CANNED])

    guest = new_page(locale="es-ES", viewport=DESKTOP)
    guest.goto(f"{live_server_url}/")
    guest_writes(guest, "quiero hablar con una persona, por favor")
    expect(guest.locator(".msg--bot .msg__text").first).to_be_visible(timeout=30_000)

    staff.get_by_role("link", name="Inbox").click()
    staff.locator(".conversation a").first.click(timeout=15_000)
    reply = staff.locator("#reply-text")
    reply.fill("Hello! ")
    staff.locator("#canned-picker").select_option(label="Parking")
    expect(reply).to_have_value("Hello! " + CANNED)
    expect(staff.locator("#canned-picker")).to_have_value("")
    reply.press("End")
    reply.type(" See you soon.")
    staff.locator("form.composer button[type=submit]").click()
    expect(staff.locator(".msg--staff .msg__text").last).to_have_text(
        "Hello! " + CANNED + " See you soon."
    )
    expect(guest.locator(".msg--staff .msg__text")).to_have_text(
        ["Hello! " + CANNED + " See you soon."], timeout=15_000
    )
