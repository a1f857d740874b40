"""The embeddable chat: who may frame it, what the embed script carries, the hotel's look, and
options shown once in the web chat (the browser side is tests/e2e/test_webchat_widget.py)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from hotel_agent.runtime import Runtime
from hotel_agent.settings import WebChatSettings
from hotel_agent.web.webchat_page import (
    DARK_SURFACE,
    LIGHT_SURFACE,
    contrast,
    readable_on,
    text_colour_on,
)
from tests.integration.dialogue.guest import Guest, future_stay, spanish_range
from tests.support import ACCESS_TOKEN, APP_SECRET, asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]
HOTEL_SITES = "https://www.hotel-prueba.example, http://127.0.0.1:8081"


async def served(
    make_runtime: MakeRuntime, url: str, paths: list[str], **webchat: Any
) -> dict[str, httpx.Response]:
    runtime = await make_runtime(make_settings(url, webchat=webchat))
    async with asgi_client(runtime) as client:
        return {path: await client.get(path) for path in paths}


def frame_ancestors(answer: httpx.Response) -> str:
    [value] = re.findall(r"frame-ancestors ([^;]+)", answer.headers["Content-Security-Policy"])
    return value.strip()


async def test_only_the_listed_hotel_sites_may_frame_the_chat_and_nothing_else(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    pages = await served(
        make_runtime, sqlite_url, ["/embed", "/", "/staff/login"], embed_origins=HOTEL_SITES
    )

    embed = pages["/embed"]
    assert embed.status_code == 200
    assert frame_ancestors(embed) == (
        "'self' https://www.hotel-prueba.example http://127.0.0.1:8081"
    )
    assert "X-Frame-Options" not in embed.headers, "DENY would forbid every hotel site"
    assert "unsafe-inline" not in embed.headers["Content-Security-Policy"]
    assert 'data-embedded="true"' in embed.text
    # The full page and the staff console are framed by nobody (HTTP_FRAME_ANCESTORS).
    for path in ("/", "/staff/login"):
        assert frame_ancestors(pages[path]) == "'none'", path
        assert pages[path].headers["X-Frame-Options"] == "DENY", path
    assert "data-embedded" not in pages["/"].text


async def test_by_default_the_chat_is_framed_only_by_this_servers_own_pages(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    pages = await served(make_runtime, sqlite_url, ["/embed"])
    assert frame_ancestors(pages["/embed"]) == "'self'"


async def test_the_embed_script_carries_the_look_and_no_secret(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    pages = await served(make_runtime, sqlite_url, ["/widget.js"], accent_color="#7A1F3D")
    script = pages["/widget.js"]

    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert '"accent": "#7a1f3d"' in script.text and '"accentText": "#ffffff"' in script.text
    assert '"hotelName": "Hotel Prueba"' in script.text
    assert "/*CONFIG*/" not in script.text
    for secret in (ACCESS_TOKEN, APP_SECRET):
        assert secret not in script.text


async def test_the_page_wears_the_hotels_colour_logo_and_greeting(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    pages = await served(
        make_runtime,
        sqlite_url,
        ["/embed", "/"],
        accent_color="#f5c400",
        logo_url="https://cdn.hotel-prueba.example/logo.png",
        greeting_es='¡Bienvenida! <b>"Pregunta"</b>',
        greeting_en="Welcome aboard",
    )
    for page in pages.values():
        assert 'data-accent="#f5c400"' in page.text
        assert 'data-accent-text="#1b1f24"' in page.text, "dark text on a light colour"
        # The yellow as option text on white would read at 1.7:1: a darker shade of it instead.
        assert 'data-accent-ink="#876c00"' in page.text
        assert 'data-logo-url="https://cdn.hotel-prueba.example/logo.png"' in page.text
        assert (
            'data-greeting-es="¡Bienvenida! &lt;b&gt;&quot;Pregunta&quot;&lt;/b&gt;"' in page.text
        )
        assert 'data-greeting-en="Welcome aboard"' in page.text
        csp = page.headers["Content-Security-Policy"]
        assert "img-src 'self' data: https://cdn.hotel-prueba.example;" in csp


@pytest.mark.parametrize(
    "values",
    [
        {"embed_origins": "'self'"},
        {"embed_origins": "https://hotel.example/path"},
        {"embed_origins": "https://hotel.example; script-src *"},
        {"accent_color": "red"},
        {"accent_color": "#12345"},
        {"logo_url": "http://insecure.example/logo.png"},
        {"logo_url": 'https://x.example/a"onerror="alert(1)'},
    ],
)
def test_settings_that_would_break_the_policy_or_the_page_are_refused(
    values: dict[str, str],
) -> None:
    with pytest.raises(ValidationError):
        WebChatSettings(_env_file=None, **values)  # type: ignore[call-arg]


def test_the_text_on_the_hotels_colour_is_the_more_readable_of_white_and_near_black() -> None:
    assert text_colour_on("#0b6e69") == "#ffffff"
    assert text_colour_on("#000000") == "#ffffff"
    assert text_colour_on("#f5c400") == "#1b1f24"
    assert text_colour_on("#ffffff") == "#1b1f24"


@pytest.mark.parametrize("accent", ["#0b6e69", "#f5c400", "#ffffff", "#000000", "#88ccff"])
@pytest.mark.parametrize("surface", [LIGHT_SURFACE, DARK_SURFACE], ids=["light", "dark"])
def test_option_buttons_in_the_hotels_colour_read_at_4_5_to_1(accent: str, surface: str) -> None:
    ink = readable_on(accent, surface)
    assert contrast(ink, surface) >= 4.5
    if contrast(accent, surface) >= 4.5:
        assert ink == accent, "a colour that already reads is kept as the hotel chose it"


async def test_the_web_chat_lists_the_rooms_once(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    runtime.start_background()
    async with asgi_client(runtime) as client:
        guest = Guest(client)
        check_in, check_out = future_stay()
        replies = await guest.says(f"Quiero reservar {spanish_range(check_in, check_out)} para 2")

    offers = replies[-1]
    titles = [row["title"] for row in offers["list"]]
    assert len(titles) >= 2 and offers["list_button"]
    assert not re.search(r"^\d+\. ", offers["text"], re.MULTILINE), offers["text"]
    for title in titles:
        assert title not in offers["text"], "each room once: in the list"
    assert "?" in offers["text"], "the question is still asked"
