"""Browser notifications of the staff console in Debian's Chromium: a receptionist who allowed
them (the permission granted to the page, as the inbox's button asks for it) is notified by the
inbox's own polling when a guest is handed to staff and when that guest writes again; without
the permission the inbox offers the button instead."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect
from tests.e2e.browser import DESKTOP, OpenPage
from tests.e2e.test_staff_console_browser import receptionist, sign_in
from tests.e2e.test_staff_console_pages_browser import guest_writes

__all__ = ["receptionist"]  # the fixture, used by name

# Every notification the page creates is recorded on <html data-notified> (and still shown by
# Chromium's own API), where the test's assertions wait for it.
RECORD_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  const titles = [];
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      titles.push(title);
      document.documentElement.setAttribute("data-notified", titles.join(" | "));
    }
  };
})();
"""


def notified(page: Page) -> Locator:
    return page.locator("html")


@pytest.mark.browser
def test_a_handoff_and_the_guests_next_message_notify_staff(
    live_server_url: str, receptionist: str, new_page: OpenPage
) -> None:
    staff = new_page(locale="en-GB", viewport=DESKTOP)
    staff.context.grant_permissions(["notifications"], origin=live_server_url)
    staff.add_init_script(RECORD_NOTIFICATIONS)
    staff.goto(f"{live_server_url}/staff/login")
    sign_in(staff, receptionist)
    expect(staff.get_by_text("No conversation is waiting for staff.")).to_be_visible()
    expect(staff.locator("[data-ask-notifications]")).to_be_hidden()

    guest = new_page(locale="es-ES", viewport=DESKTOP)
    guest.goto(f"{live_server_url}/")
    guest_writes(guest, "quiero hablar con una persona, por favor")
    expect(guest.locator(".msg--bot .msg__text").first).to_be_visible(timeout=30_000)

    expect(notified(staff)).to_have_attribute("data-notified", "Guest needs staff", timeout=20_000)
    guest_writes(guest, "¿Hay alguien?")
    expect(notified(staff)).to_have_attribute(
        "data-notified", "Guest needs staff | Guest wrote again", timeout=20_000
    )


@pytest.mark.browser
def test_the_inbox_offers_notifications_until_they_are_allowed(
    live_server_url: str, receptionist: str, new_page: OpenPage
) -> None:
    staff = new_page(locale="es-ES", viewport=DESKTOP)
    staff.goto(f"{live_server_url}/staff/login")
    sign_in(staff, receptionist)
    button = staff.get_by_role("button", name="Avisarme de huéspedes que esperan a recepción")
    expect(button).to_be_visible()
    staff.context.grant_permissions(["notifications"], origin=live_server_url)
    button.click()
    expect(button).to_be_hidden()
