"""The guest chat page in a real browser, against an in-memory fake of the web chat API.

The fake follows the API contract (POST /api/webchat/messages?wait=…, GET …?after=…) and
always offers buttons and a list, so rendering and choosing can be tested without the bot.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from tests.e2e.browser import DESKTOP, PHONE, OpenPage, launch_chromium
from tests.fakes.server import ThreadedServer

from hotel_agent.conversations.webchat import SESSION_PATTERN
from hotel_agent.web.webchat_page import STATIC_DIR

SESSION_RE = re.compile(SESSION_PATTERN)
HOTEL_NAME = "Hotel Las Dunas"
BUTTONS = [{"id": "book", "title": "Book a room"}, {"id": "info", "title": "Hotel info"}]
ROWS = [
    {"id": "room-double", "title": "Double room", "description": "2 guests · 120 € a night"},
    {"id": "room-suite", "title": "Suite", "description": None},
]
LATE = "answer me later"  # the fake answers this one after the POST has returned "pending"

pytestmark = pytest.mark.browser


class FakeWebchatApi:
    """The web chat API contract in memory, recording every POST it accepts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.posts: list[dict[str, Any]] = []
            self.rate_limited_posts = 0  # how many of the next POSTs answer 429
            self._transcripts: dict[str, list[dict[str, Any]]] = {}
            self._answers: dict[str, dict[str, Any]] = {}  # client_message_id -> response
            self._next_id = 1

    def add_message(self, session_id: str, author: str, text: str, **extra: Any) -> dict[str, Any]:
        with self._lock:
            message = {
                "id": self._next_id,
                "direction": "in" if author == "guest" else "out",
                "author": author,
                "text": text,
                "buttons": extra.get("buttons", []),
                "list": extra.get("list", []),
                "list_button": extra.get("list_button"),
                "created_at": "2025-06-01T10:15:00+00:00",
            }
            self._next_id += 1
            self._transcripts.setdefault(session_id, []).append(message)
            return message

    def _reply_to(self, session_id: str, text: str, choice_id: str | None) -> dict[str, Any]:
        if choice_id:
            return self.add_message(session_id, "bot", f"You picked {choice_id}.")
        return self.add_message(
            session_id,
            "bot",
            f"You said: {text}",
            buttons=BUTTONS,
            list=ROWS,
            list_button="See rooms",
        )

    async def post(self, request: Request) -> Response:
        payload = await request.json()
        session_id, text = payload.get("session_id", ""), payload.get("text", "")
        if not SESSION_RE.match(session_id) or not text.strip() or len(text) > 4096:
            return JSONResponse({"detail": "invalid message"}, status_code=422)
        with self._lock:
            if self.rate_limited_posts:
                self.rate_limited_posts -= 1
                return JSONResponse(
                    {"detail": "slow down"}, status_code=429, headers={"Retry-After": "1"}
                )
            self.posts.append(payload)
            answered = self._answers.get(payload.get("client_message_id", ""))
        if answered:  # a retry of a message already taken: same answer, nothing new
            return JSONResponse(answered)
        message_id = self.add_message(session_id, "guest", text)["id"]
        if text == LATE:
            late = threading.Timer(1.0, self._reply_to, (session_id, text, None))
            late.start()
            body = {"message_id": message_id, "session_id": session_id, "pending": True}
            return JSONResponse({**body, "replies": []}, status_code=202)
        reply = self._reply_to(session_id, text, payload.get("choice_id"))
        reply = {k: v for k, v in reply.items() if k != "direction"}
        body = {"message_id": message_id, "session_id": session_id, "pending": False}
        body["replies"] = [reply]
        with self._lock:
            self._answers[payload.get("client_message_id", "")] = body
        return JSONResponse(body)

    async def get(self, request: Request) -> Response:
        session_id = request.query_params["session_id"]
        after = int(request.query_params.get("after", "0"))
        with self._lock:
            messages = [m for m in self._transcripts.get(session_id, []) if m["id"] > after]
        return JSONResponse({"session_id": session_id, "messages": messages})

    async def page(self, request: Request) -> Response:
        # As the real app may: name the hotel on <body>.
        html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
        return HTMLResponse(html.replace("<body", f'<body data-hotel-name="{HOTEL_NAME}"', 1))

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/", self.page),
                Route("/api/webchat/messages", self.post, methods=["POST"]),
                Route("/api/webchat/messages", self.get, methods=["GET"]),
                Mount("/static/webchat", StaticFiles(directory=STATIC_DIR)),
            ]
        )


@pytest.fixture(scope="module")
def fake_api() -> FakeWebchatApi:
    return FakeWebchatApi()


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Browser]:
    """One browser for the module: nothing here runs asyncio in the main thread (see
    `tests.e2e.browser.chromium_browser`), and a launch per test would double the run time."""
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def fake_server(fake_api: FakeWebchatApi) -> Iterator[str]:
    """Serves the page and the fake API on a free port, from a background thread."""
    with ThreadedServer(fake_api.app()) as server:
        yield server.origin


@pytest.fixture
def open_chat(fake_api: FakeWebchatApi, fake_server: str, new_page: OpenPage) -> OpenPage:
    """Opens the chat page on a clean fake; takes the same options as `new_page`."""
    fake_api.reset()

    def open_page(**options: Any) -> Page:
        page = new_page(**options)
        page.goto(f"{fake_server}/")
        return page

    return open_page


def send(page: Page, text: str) -> None:
    page.get_by_role("textbox").fill(text)
    page.get_by_role("textbox").press("Enter")


def guest_texts(page: Page) -> Locator:
    return page.locator(".msg--guest .msg__text")


def bot_texts(page: Page) -> Locator:
    return page.locator(".msg--bot .msg__text")


def test_typed_message_shows_guest_bubble_and_reply_with_options(
    open_chat: OpenPage, fake_api: FakeWebchatApi
) -> None:
    page = open_chat()
    expect(page.get_by_role("heading", name=HOTEL_NAME)).to_be_visible()
    box = page.get_by_role("textbox", name="Message")

    box.fill("   ")
    box.press("Enter")  # only whitespace: nothing is sent
    box.fill("Hello")
    box.press("Shift+Enter")  # a newline, not a send
    box.type("do you have rooms?")
    expect(box).to_have_value("Hello\ndo you have rooms?")
    box.press("Enter")

    expect(guest_texts(page)).to_have_text(["Hello\ndo you have rooms?"])
    expect(bot_texts(page)).to_have_text(["You said: Hello\ndo you have rooms?"])
    expect(box).to_have_value("")
    expect(page.get_by_role("button", name="Book a room")).to_be_enabled()
    expect(page.get_by_role("button", name="Double room 2 guests · 120 € a night")).to_be_enabled()
    expect(page.get_by_text("See rooms")).to_be_visible()
    assert len(fake_api.posts) == 1
    post = fake_api.posts[0]
    assert post["text"] == "Hello\ndo you have rooms?"
    assert "choice_id" not in post
    assert SESSION_RE.match(post["session_id"])
    assert post["client_message_id"]


def test_clicking_a_button_sends_its_title_and_id(
    open_chat: OpenPage, fake_api: FakeWebchatApi
) -> None:
    page = open_chat()
    send(page, "Hi")
    page.get_by_role("button", name="Book a room").click()

    expect(bot_texts(page)).to_have_text(["You said: Hi", "You picked book."])
    expect(guest_texts(page)).to_have_text(["Hi", "Book a room"])
    assert fake_api.posts[-1]["choice_id"] == "book"
    assert fake_api.posts[-1]["text"] == "Book a room"
    # Answered options are spent; the one picked stays marked.
    expect(page.get_by_role("button", name="Book a room")).to_be_disabled()
    expect(page.get_by_role("button", name="Book a room")).to_have_class(re.compile("picked"))
    expect(page.get_by_role("button", name="Suite")).to_be_disabled()


def test_clicking_a_list_row_sends_its_id(open_chat: OpenPage, fake_api: FakeWebchatApi) -> None:
    page = open_chat()
    send(page, "Which rooms?")
    page.get_by_role("button", name="Suite").click()

    expect(bot_texts(page).last).to_have_text("You picked room-suite.")
    assert fake_api.posts[-1]["choice_id"] == "room-suite"
    assert fake_api.posts[-1]["text"] == "Suite"
    expect(page.get_by_role("button", name="Hotel info")).to_be_disabled()


def test_guest_can_type_instead_of_choosing(open_chat: OpenPage, fake_api: FakeWebchatApi) -> None:
    page = open_chat()
    send(page, "Hi")
    expect(page.get_by_role("button", name="Book a room")).to_be_enabled()
    send(page, "Just a question about parking")

    expect(bot_texts(page).last).to_have_text("You said: Just a question about parking")
    assert "choice_id" not in fake_api.posts[-1]
    # The first reply's options no longer apply; the newest reply brings its own, active.
    expect(page.locator(".msg--bot").first.get_by_role("button")).to_have_count(4)
    for button in page.locator(".msg--bot").first.get_by_role("button").all():
        expect(button).to_be_disabled()
    expect(page.locator(".msg--bot").last.get_by_role("button", name="Suite")).to_be_enabled()


def test_reload_keeps_the_conversation(open_chat: OpenPage, fake_api: FakeWebchatApi) -> None:
    page = open_chat()
    send(page, "Hi")
    page.get_by_role("button", name="Hotel info").click()
    expect(bot_texts(page)).to_have_count(2)
    session_id = page.evaluate("localStorage.getItem('hotel-webchat-session')")

    page.reload()

    expect(guest_texts(page)).to_have_text(["Hi", "Hotel info"])
    expect(bot_texts(page)).to_have_text(["You said: Hi", "You picked info."])
    expect(page.get_by_role("button", name="Hotel info")).to_be_disabled()
    send(page, "Thanks")
    expect(bot_texts(page).last).to_have_text("You said: Thanks")
    assert fake_api.posts[-1]["session_id"] == session_id


def test_late_bot_reply_and_staff_message_arrive_by_polling(
    open_chat: OpenPage, fake_api: FakeWebchatApi
) -> None:
    page = open_chat()
    send(page, LATE)
    expect(page.get_by_text("The hotel is typing…")).to_be_visible()
    expect(bot_texts(page)).to_have_text([f"You said: {LATE}"], timeout=10_000)
    expect(page.get_by_text("The hotel is typing…")).to_be_hidden()

    session_id = fake_api.posts[-1]["session_id"]
    fake_api.add_message(session_id, "staff", "Hi, this is Marta from reception.")

    staff = page.locator(".msg--staff")
    expect(staff.locator(".msg__text")).to_have_text(["Hi, this is Marta from reception."])
    expect(staff.locator(".msg__author")).to_have_text("Hotel staff")
    # The polled transcript repeats the guest's own message: it must not be drawn twice.
    expect(guest_texts(page)).to_have_text([LATE])
    expect(bot_texts(page)).to_have_count(1)


def test_rate_limited_send_asks_to_wait_then_retries(
    open_chat: OpenPage, fake_api: FakeWebchatApi
) -> None:
    page = open_chat()
    fake_api.rate_limited_posts = 1
    send(page, "Hello?")

    expect(page.get_by_text("Too many messages. Please wait 1 s, then retry.")).to_be_visible()
    retry = page.get_by_role("button", name="Retry")
    expect(retry).to_be_disabled()
    expect(retry).to_be_enabled(timeout=5_000)
    retry.click()

    expect(bot_texts(page)).to_have_text(["You said: Hello?"])
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    expect(guest_texts(page)).to_have_text(["Hello?"])


def test_network_failure_offers_a_retry_with_the_same_client_message_id(
    open_chat: OpenPage, fake_api: FakeWebchatApi
) -> None:
    page = open_chat()
    dropped: list[dict[str, Any]] = []

    def drop_posts(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        dropped.append(route.request.post_data_json)
        route.abort("internetdisconnected")

    api = re.compile(r"/api/webchat/messages")
    page.route(api, drop_posts)
    send(page, "Is breakfast included?")
    expect(page.get_by_text("Could not send.")).to_be_visible()
    assert fake_api.posts == []

    page.unroute(api)
    page.get_by_role("button", name="Retry").click()

    expect(bot_texts(page)).to_have_text(["You said: Is breakfast included?"])
    expect(page.get_by_text("Could not send.")).to_have_count(0)
    assert [p["client_message_id"] for p in fake_api.posts] == [dropped[0]["client_message_id"]]


def test_markup_is_shown_as_text_never_run(open_chat: OpenPage) -> None:
    page = open_chat()
    markup = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    send(page, markup)

    expect(guest_texts(page)).to_have_text([markup])
    expect(bot_texts(page)).to_have_text([f"You said: {markup}"])
    assert page.locator("#chat-log script, #chat-log img").count() == 0
    assert page.evaluate("window.pwned") is None


def test_spanish_browser_gets_a_spanish_page(open_chat: OpenPage) -> None:
    page = open_chat(locale="es-ES")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Enviar")).to_be_visible()
    box = page.get_by_role("textbox", name="Mensaje")
    expect(box).to_have_attribute("placeholder", "Escribe un mensaje…")
    send(page, "Hola")
    expect(page.get_by_role("group", name="Opciones")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_page_fits_the_screen(open_chat: OpenPage, viewport: Any, tmp_path: Path) -> None:
    page = open_chat(viewport=viewport)
    send(page, "Hi! We are two adults arriving on Friday, do you have a room with a sea view?")
    expect(page.get_by_role("button", name="Suite")).to_be_visible()
    page.get_by_role("textbox").fill("And parking?")

    # Nothing sticks out sideways, and the text box and send button stay on screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    for control in (page.get_by_role("textbox"), page.get_by_role("button", name="Send")):
        box = control.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= viewport["height"]
        assert box["x"] + box["width"] <= viewport["width"]
    # For a human look at the layout: WEBCHAT_SCREENSHOT_DIR=/tmp pytest …
    out = Path(os.environ.get("WEBCHAT_SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=out / f"webchat-{viewport['width']}.png")
