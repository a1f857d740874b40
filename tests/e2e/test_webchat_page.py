"""The guest chat page against the real app: a Spanish greeting gets a Spanish answer,
and the conversation is still there after a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.e2e.browser import OpenPage

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
