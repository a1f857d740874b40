"""The web chat's pages: the chat at `/`, the same chat made for an iframe at `/embed`, and the
embed script `/widget.js` that shows it behind a floating button on the hotel's own site.

What the pages show of the hotel (name, privacy notice, colour, logo, greeting) travels in
attributes of the page's body, escaped here and read by chat.js as text, never as HTML. Who may
frame `/embed` is WEBCHAT_EMBED_ORIGINS (CSP frame-ancestors); `/` keeps HTTP_FRAME_ANCESTORS.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from hotel_agent.dialogue.privacy import privacy_notice
from hotel_agent.knowledge import knowledge_for
from hotel_agent.settings import Settings
from hotel_agent.web.deps import RuntimeDep
from hotel_agent.web.security import page_headers

STATIC_DIR = Path(__file__).parent / "static"
_CONFIG_MARK = "/*CONFIG*/ {}"
# The chat's own surfaces and text (chat.css --surface and --text, light and dark).
LIGHT_SURFACE = "#ffffff"
DARK_SURFACE = "#1e252d"
DARK_TEXT = "#1b1f24"
AA_TEXT = 4.5
router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class PageLook:
    """What the chat shows of the hotel, from settings (hashable: pages are cached by it)."""

    hotel_name: str
    privacy_es: str
    privacy_en: str
    privacy_url: str
    accent: str
    accent_text: str
    accent_ink: str  # the accent as text/borders on the light surface, at least 4.5:1
    accent_ink_dark: str  # the same on the dark surface
    accent_soft: str  # a tint of the accent for hovered and picked options, light mode
    accent_soft_dark: str
    logo_url: str
    greeting_es: str
    greeting_en: str


# HEAD too: uptime monitors and link previews ask with HEAD before (or instead of) GET.
@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def chat_page(runtime: RuntimeDep) -> HTMLResponse:
    settings = runtime.settings
    return _html_response(settings, embedded=False, frame_ancestors=settings.http.frame_ancestors)


@router.api_route("/embed", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def embed_page(runtime: RuntimeDep) -> HTMLResponse:
    """The chat for an iframe on the hotel's site: framed only by the origins listed in
    WEBCHAT_EMBED_ORIGINS (and this server's own pages)."""
    settings = runtime.settings
    ancestors = " ".join(["'self'", *settings.webchat.embed_origin_list()])
    return _html_response(settings, embedded=True, frame_ancestors=ancestors)


@router.api_route("/widget.js", methods=["GET", "HEAD"])
async def widget_script(runtime: RuntimeDep) -> Response:
    """The embed script; what it needs to draw the button (colours, words) is written into it,
    so the hotel's page loads one file and asks nothing else before the guest opens the chat."""
    look = _look(runtime.settings)
    return Response(
        _widget(look.accent, look.accent_text, look.hotel_name),
        media_type="text/javascript",
        # Hotels' pages load it on every visit: a short cache, so a colour change shows soon.
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    # Browsers ask for /favicon.ico on pages without a <link rel="icon">: the same SVG.
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)


def _html_response(settings: Settings, *, embedded: bool, frame_ancestors: str) -> HTMLResponse:
    look = _look(settings)
    logo_origin = _https_origin(look.logo_url)
    headers = page_headers(frame_ancestors, (logo_origin,) if logo_origin else ())
    return HTMLResponse(_page(look, embedded), headers=headers)


def _look(settings: Settings) -> PageLook:
    knowledge = knowledge_for(settings)
    name = settings.hotel.name
    webchat = settings.webchat
    return PageLook(
        hotel_name=name,
        privacy_es=privacy_notice(knowledge, name, "es"),
        privacy_en=privacy_notice(knowledge, name, "en"),
        privacy_url=knowledge.privacy_policy_url or "",
        accent=webchat.accent_color,
        accent_text=text_colour_on(webchat.accent_color),
        accent_ink=readable_on(webchat.accent_color, LIGHT_SURFACE),
        accent_ink_dark=readable_on(webchat.accent_color, DARK_SURFACE),
        accent_soft=mix(webchat.accent_color, LIGHT_SURFACE, 0.12),
        accent_soft_dark=mix(webchat.accent_color, DARK_SURFACE, 0.25),
        logo_url=webchat.logo_url,
        greeting_es=webchat.greeting_es,
        greeting_en=webchat.greeting_en,
    )


@lru_cache(maxsize=8)
def _page(look: PageLook, embedded: bool) -> str:
    """The chat page with the hotel's look in attributes of its body (both languages: the page
    picks the browser's); chat.js shows them as text, never as HTML."""
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    attributes = {
        "data-hotel-name": look.hotel_name,
        "data-privacy-es": look.privacy_es,
        "data-privacy-en": look.privacy_en,
        "data-privacy-url": look.privacy_url,
        "data-accent": look.accent,
        "data-accent-text": look.accent_text,
        "data-accent-ink": look.accent_ink,
        "data-accent-ink-dark": look.accent_ink_dark,
        "data-accent-soft": look.accent_soft,
        "data-accent-soft-dark": look.accent_soft_dark,
        "data-logo-url": look.logo_url,
        "data-greeting-es": look.greeting_es,
        "data-greeting-en": look.greeting_en,
    }
    if embedded:
        attributes["data-embedded"] = "true"
        # On <html> from the first paint: the full-page card layout never flashes in the frame.
        page = page.replace("<html", '<html class="embedded"', 1)
    body = " ".join(f'{key}="{html.escape(value)}"' for key, value in attributes.items())
    return page.replace("<body", f"<body {body}", 1)


@lru_cache(maxsize=8)
def _widget(accent: str, accent_text: str, hotel_name: str) -> str:
    script = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    config = {"accent": accent, "accentText": accent_text, "hotelName": hotel_name}
    # "<" escaped: the hotel's name must not end a <script> that inlines this file.
    return script.replace(_CONFIG_MARK, json.dumps(config).replace("<", "\\u003c"), 1)


def text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on `background` (#rrggbb), by WCAG
    contrast."""
    on_white = contrast("#ffffff", background)
    on_dark = contrast(DARK_TEXT, background)
    return "#ffffff" if on_white >= on_dark else DARK_TEXT


def readable_on(colour: str, surface: str) -> str:
    """`colour`, or the nearest shade of it (towards black on a light surface, white on a dark
    one) that reads at WCAG AA (4.5:1) as text on `surface`: a hotel's pale yellow still gives
    option buttons that can be read."""
    target = "#000000" if _luminance(surface) > 0.5 else "#ffffff"
    for step in range(21):
        shade = mix(target, colour, step / 20)
        if contrast(shade, surface) >= AA_TEXT:
            return shade
    return target


def mix(colour: str, base: str, share: float) -> str:
    """`share` of `colour` over `base` (both #rrggbb), as #rrggbb."""
    channels = (
        round(int(colour[i : i + 2], 16) * share + int(base[i : i + 2], 16) * (1 - share))
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _https_origin(url: str) -> str | None:
    if not url.startswith("https://"):
        return None  # a path on this server: 'self' covers it
    parts = urlsplit(url)
    return f"https://{parts.netloc}"
