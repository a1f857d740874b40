"""The guest chat page against the real app: a Spanish greeting gets a Spanish answer,
and the conversation is still there after a reload."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect
from tests.e2e.browser import OpenPage
from tests.e2e.live_app import ask_for_rooms

from hotel_agent.settings import Settings

# Words and marks that only a Spanish reply would carry; the exact wording is the bot's.
SPANISH = re.compile(
    r"[¡¿ñáéíóú]|\b(hola|bienvenid[oa]s?|gracias|puedo|ayudar(te|le)?|todavía|aún|usted)\b",
    re.IGNORECASE,
)


@pytest.mark.browser
def test_hola_gets_a_spanish_reply_that_survives_a_reload(
    live_server_url: str, new_page: OpenPage
) -> None:
    page = new_page(locale="es-ES")
    page.goto(f"{live_server_url}/")
    box = page.get_by_role("textbox", name="Mensaje")
    box.fill("Hola")
    box.press("Enter")

    guest = page.locator(".msg--guest .msg__text")
    bot = page.locator(".msg--bot .msg__text")
    expect(guest).to_have_text(["Hola"])
    # The POST waits up to 25 s for the bot; polling would also bring a late reply.
    expect(bot.first).to_be_visible(timeout=30_000)
    reply = bot.first.inner_text()
    assert SPANISH.search(reply), f"not a Spanish reply: {reply!r}"

    page.reload()

    expect(guest).to_have_text(["Hola"])
    expect(bot.first).to_have_text(reply)
    expect(page.locator(".msg--guest")).to_have_count(1)


@pytest.mark.browser
def test_a_booking_made_in_the_page_by_tapping_the_options(
    live_server_url: str, new_page: OpenPage, e2e_settings: Settings
) -> None:
    page = new_page(locale="es-ES")
    page.goto(f"{live_server_url}/")
    box = page.get_by_role("textbox", name="Mensaje")
    bot = page.locator(".msg--bot .msg__text")

    ask_for_rooms(box)
    options = page.locator("button.choice:not(:disabled)")
    expect(options.first).to_be_visible(timeout=30_000)
    chosen_title = options.first.get_attribute("data-title")
    options.first.click()

    expect(bot.last).to_contain_text("correo", timeout=30_000)
    box.fill("Carmen Vidal, carmen.vidal@example.com")
    box.press("Enter")
    expect(bot.last).to_contain_text("¿La confirmo?", timeout=30_000)
    page.locator("button.choice:not(:disabled)", has_text="Sí, reservar").click()

    expect(bot.last).to_contain_text("Reserva confirmada", timeout=30_000)
    expect(page.locator(".choice--picked", has_text="Sí, reservar")).to_have_count(1)
    assert chosen_title and chosen_title.split()[0] in bot.last.inner_text()

    database = Path(e2e_settings.database_url.split("///", 1)[1])
    with sqlite3.connect(database) as connection:
        [(name, email, adults)] = connection.execute(
            "SELECT guest_name, guest_email, adults FROM pms_sim_bookings"
        ).fetchall()
    assert (name, email, adults) == ("Carmen Vidal", "carmen.vidal@example.com", 2)
