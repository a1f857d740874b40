"""The chat widget on a hotel's site, in Chromium: a page on another origin (its own port, a
strict CSP of its own) pastes the one-line snippet, the guest opens the chat, asks for rooms
and sees them once, as a list on screen; at phone and desktop widths. A site the agent does not
list cannot frame the chat.

For a human look at the layout: WEBCHAT_SCREENSHOT_DIR=/tmp pytest tests/e2e/test_webchat_widget.py
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import FrameLocator, Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from tests.e2e.browser import DESKTOP, PHONE, OpenPage
from tests.e2e.live_app import ask_for_rooms, serve_app
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.server import ThreadedServer
from tests.support import ACCESS_TOKEN, make_settings

pytestmark = pytest.mark.browser
ACCENT = "#7a1f3d"
GREETING = "¡Bienvenida al Hotel Prueba! ¿En qué te ayudamos?"


class HotelSite:
    """The hotel's own web site: one page that pastes the snippet, behind a strict CSP that
    allows the agent's script and frame and nothing inline."""

    def __init__(self) -> None:
        self.agent = ""  # the agent's origin, known once it runs

    async def page(self, request: Request) -> HTMLResponse:
        snippet = f'<script src="{self.agent}/widget.js" async data-lang="es"></script>'
        body = (
            "<!doctype html><html lang='es'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>Hotel Prueba</title></head><body>"
            "<h1>Hotel Prueba</h1>"
            + "<p>Habitaciones con vistas al puerto, desayuno incluido.</p>" * 40
            + snippet
            + "</body></html>"
        )
        policy = (
            f"default-src 'self'; script-src 'self' {self.agent}; frame-src {self.agent}; "
            "style-src 'self'; img-src 'self'"
        )
        return HTMLResponse(body, headers={"Content-Security-Policy": policy})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/", self.page)])


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The agent, a hotel site it lists in WEBCHAT_EMBED_ORIGINS, and one it does not."""
    listed, unlisted = HotelSite(), HotelSite()
    with (
        ThreadedServer(listed.app()) as listed_server,
        ThreadedServer(unlisted.app()) as unlisted_server,
        FakeGraphApi(access_token=ACCESS_TOKEN) as graph,
    ):
        settings = make_settings(
            f"sqlite+aiosqlite:///{tmp_path / 'widget.db'}",
            graph_base_url=graph.base_url,
            webchat={
                "embed_origins": listed_server.origin,
                "accent_color": ACCENT,
                "logo_url": "/static/webchat/favicon.svg",
                "greeting_es": GREETING,
            },
        )
        with serve_app(settings) as agent:
            listed.agent = unlisted.agent = agent
            yield {"agent": agent, "listed": listed_server.origin,
                   "unlisted": unlisted_server.origin}  # fmt: skip


def open_widget(page: Page, site: str) -> FrameLocator:
    page.goto(site)
    launcher = page.get_by_role("button", name=re.compile("Escríbenos"))
    expect(launcher).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(page.locator("#hotel-chat-frame")).to_be_visible()
    return page.frame_locator("#hotel-chat-frame")


def screenshot(page: Page, name: str, tmp_path: Path) -> None:
    out = Path(os.environ.get("WEBCHAT_SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=out / f"widget-{name}.png")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_guest_on_the_hotels_site_opens_the_chat_and_sees_the_rooms_once(
    sites: dict[str, Any], new_page: OpenPage, viewport: Any, tmp_path: Path
) -> None:
    page = new_page(locale="es-ES", viewport=viewport)
    width = viewport["width"]
    chat = open_widget(page, sites["listed"])

    # The hotel's colour and the privacy notice, in the chat on the hotel's site.
    header = chat.locator(".chat-header")
    expect(header).to_have_css("background-color", "rgb(122, 31, 61)")
    expect(chat.locator("#chat-privacy summary")).to_be_visible()
    expect(chat.locator("#chat-privacy summary")).to_contain_text("Privacidad")
    expect(chat.locator("#chat-empty")).to_have_text(GREETING)
    expect(chat.locator("#chat-logo")).to_be_visible()
    screenshot(page, f"{width}-opened", tmp_path)

    ask_for_rooms(chat.get_by_role("textbox", name="Mensaje"))
    rows = chat.locator(".choice--row:not(:disabled)")
    expect(rows.first).to_be_visible(timeout=30_000)
    screenshot(page, f"{width}-rooms", tmp_path)

    # Shown once: in the list, not numbered again in the bubble above it.
    offers = chat.locator(".msg--bot").last
    text = offers.locator(".msg__text").inner_text()
    assert not re.search(r"^\d+\. ", text, re.MULTILINE), text
    titles = [rows.nth(n).get_attribute("data-title") for n in range(rows.count())]
    assert len(titles) >= 2
    assert not any(title and title in text for title in titles), text
    # The answer from its first line to its last room on screen at once, without scrolling
    # (on a phone too): inside the part of the chat that shows the conversation.
    shown = chat.locator("#chat-log").bounding_box()
    start = offers.bounding_box()
    assert shown is not None and start is not None
    assert start["y"] >= shown["y"], "the answer's first line is in view"
    for n in range(rows.count()):
        row = rows.nth(n).bounding_box()
        assert row is not None
        assert row["y"] + row["height"] <= shown["y"] + shown["height"] + 1, (n, row, shown)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    rows.first.click()
    expect(chat.locator(".msg--bot .msg__text").last).to_contain_text("correo", timeout=30_000)

    # Closing: the chat's own button on a phone (full screen), the launcher on a desktop.
    if width < 600:
        expect(page.locator("#hotel-chat-launcher")).to_be_hidden()
        chat.get_by_role("button", name="Cerrar el chat").click()
    else:
        # One close button on a desktop: the launcher; the chat's own stays hidden.
        expect(chat.locator("#chat-close")).to_be_hidden()
        page.get_by_role("button", name="Cerrar el chat").click()
    expect(page.locator("#hotel-chat-frame")).to_be_hidden()
    expect(page.locator("#hotel-chat-launcher")).to_have_attribute("aria-expanded", "false")
    screenshot(page, f"{width}-closed", tmp_path)


def test_replies_that_arrive_while_the_guest_reads_further_up_are_announced(
    sites: dict[str, Any], new_page: OpenPage, tmp_path: Path
) -> None:
    page = new_page(locale="es-ES", viewport=PHONE)
    chat = open_widget(page, sites["listed"])
    box = chat.get_by_role("textbox", name="Mensaje")
    for text in ("Hola", "¿A qué hora es el check-in?", "¿Tenéis parking?"):
        box.fill(text)
        box.press("Enter")
        expect(chat.locator("#chat-typing")).to_be_hidden(timeout=30_000)
    log = chat.locator("#chat-log")
    assert log.evaluate("log => log.scrollHeight > log.clientHeight + 200")
    log.evaluate("log => { log.scrollTop = 0; }")
    cue = chat.locator("#chat-new")
    expect(cue).to_be_hidden()

    # The same guest writes from another tab: the reply reaches this one by polling.
    session_id = log.evaluate("() => localStorage.getItem('hotel-webchat-session')")
    answer = httpx.post(
        f"{sites['agent']}/api/webchat/messages?wait=30",
        json={"session_id": session_id, "text": "¿Aceptáis mascotas?"},
        timeout=40,
    )
    assert answer.status_code == 200, answer.text
    expect(cue).to_be_visible(timeout=15_000)
    expect(cue).to_contain_text("nuevo")
    assert log.evaluate("log => log.scrollTop") < 50, "the guest is left where they were reading"
    screenshot(page, "new-messages-cue", tmp_path)

    cue.click()
    expect(cue).to_be_hidden()
    expect(chat.locator(".msg--bot").last).to_be_in_viewport()


def test_a_site_the_agent_does_not_list_cannot_frame_the_chat(
    sites: dict[str, Any], new_page: OpenPage
) -> None:
    page = new_page(locale="es-ES", viewport=DESKTOP)
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refused:
        chat = open_widget(page, sites["unlisted"])

    # The browser refused to show /embed there, naming the policy: no chat inside the frame.
    assert "violates" in refused.value.text and sites["listed"] in refused.value.text
    expect(chat.locator("#chat-log")).to_have_count(0)
