"""The console's hotel knowledge in Debian's Chromium against the real app: an administrator
edits the Wi-Fi answer, sees the word diff, saves, and the guest's next question in the web
chat page gets the new answer (no restart)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.e2e.browser import DESKTOP, OpenPage
from tests.e2e.test_staff_console_browser import sign_in
from tests.e2e.test_staff_console_pages_browser import guest_writes, manager  # noqa: F401

NEW_ANSWER = "El wifi es gratis. La red nueva se llama Mirador-5G; la clave está en recepción."


@pytest.mark.browser
def test_an_edited_answer_reaches_the_guests_next_question(
    live_server_url: str,
    manager: str,  # noqa: F811
    new_page: OpenPage,
) -> None:
    staff = new_page(locale="es-ES", viewport=DESKTOP)
    staff.goto(f"{live_server_url}/staff/login")
    sign_in(staff, manager)
    staff.get_by_role("link", name="Información del hotel").click()
    wifi = staff.locator("[data-faq='wifi']")
    expect(wifi).to_contain_text("MiradorPuerto-Guest")
    wifi.get_by_role("link", name="Editar").click()

    staff.locator("#answer-es").fill(NEW_ANSWER)
    staff.get_by_role("button", name="Ver los cambios").click()
    diff = staff.locator("#diff [data-language='es']")
    expect(diff.locator("ins").first).to_be_visible()
    expect(diff.locator("del").filter(has_text="MiradorPuerto-Guest")).to_have_count(1)
    expect(diff.locator("ins").filter(has_text="Mirador-5G")).to_have_count(1)
    staff.locator("#save-form button[type=submit]").click()
    expect(staff.locator("#saved")).to_be_visible()
    expect(staff.locator("[data-faq='wifi'] [data-language='es'] .faq__text")).to_have_text(
        NEW_ANSWER
    )

    guest = new_page(locale="es-ES", viewport=DESKTOP)
    guest.goto(f"{live_server_url}/")
    guest_writes(guest, "¿Tenéis wifi?")
    expect(guest.locator(".msg--bot .msg__text").last).to_contain_text("Mirador-5G", timeout=30_000)
