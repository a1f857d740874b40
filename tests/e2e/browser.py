"""Headless Chromium for the browser tests: Debian's chromium, never a downloaded build.

Import the fixtures into a test module (or list this module in `pytest_plugins`).
Without a Chromium the browser tests skip, except in CI, where a missing browser is a failure:
a green CI run must mean the page was really exercised.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Flags for a quiet, container-friendly browser: no sandbox (containers run as root), no GPU,
# and none of Chrome's own background traffic, since tests run without internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}

OpenPage = Callable[..., Page]


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """Headless Chromium; without one, skip (or fail on CI)."""
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must provide it", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def chromium_browser() -> Iterator[Browser]:
    """A headless Chromium for one test.

    Per test, not per session: while Playwright's sync API is running it marks an event loop
    as running in the main thread, so `asyncio.run()` and async tests fail for as long as the
    browser lives. Request it after fixtures that use asyncio. A module whose tests and
    fixtures never touch asyncio may override it with a module-scoped one (faster).
    """
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def new_page(chromium_browser: Browser) -> Iterator[OpenPage]:
    """Opens pages in fresh contexts (own storage, locale, viewport).

    A JavaScript error on any page fails the test at teardown: a broken script is a bug even
    when the assertions happened to pass.
    """
    contexts = []
    errors: list[str] = []

    def open_page(locale: str = "en-US", viewport: ViewportSize = PHONE) -> Page:
        context = chromium_browser.new_context(locale=locale, viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
