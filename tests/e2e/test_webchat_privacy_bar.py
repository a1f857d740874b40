"""The chat page's privacy bar in headless Chromium, against the real app: the hotel's notice
(or the default one naming the hotel) in the browser's language, opened on demand, with a link
to the hotel's policy; the hotel's text shown as text, never as HTML."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from playwright.sync_api import expect
from tests.e2e.browser import OpenPage

from hotel_agent.conversations.webchat import SESSION_PATTERN
from hotel_agent.settings import Settings

POLICY_URL = "https://www.prueba.example/privacidad"
NOTICE_EN = "Hotel Prueba keeps your <b>name</b> and e-mail for your booking only."
NOTICE_ES = "Hotel Prueba guarda tu nombre y tu correo solo para tu reserva."

pytestmark = pytest.mark.browser


@pytest.fixture
def with_own_notice(request: pytest.FixtureRequest) -> bool:
    return bool(getattr(request, "param", False))


@pytest.fixture
def e2e_settings(e2e_settings: Settings, tmp_path: Path, with_own_notice: bool) -> Settings:
    if not with_own_notice:
        return e2e_settings
    knowledge = tmp_path / "hotel.yaml"
    knowledge.write_text(
        textwrap.dedent(
            f"""\
            hotel: Hotel Prueba
            privacy_notice:
              es: {NOTICE_ES}
              en: "{NOTICE_EN}"
            privacy_policy_url: {POLICY_URL}
            """
        ),
        encoding="utf-8",
    )
    hotel = e2e_settings.hotel.model_copy(update={"knowledge_file": knowledge})
    return e2e_settings.model_copy(update={"hotel": hotel})


def test_the_default_notice_names_the_hotel_in_spanish(
    live_server_url: str, new_page: OpenPage
) -> None:
    page = new_page(locale="es-ES")
    page.goto(f"{live_server_url}/")
    bar = page.locator("#chat-privacy")
    summary = bar.locator("summary")
    text = page.locator("#chat-privacy-text")

    expect(summary).to_have_text("Privacidad: cómo usamos tus datos")
    expect(text).to_be_hidden()  # one line until the guest opens it
    summary.click()

    expect(text).to_be_visible()
    expect(text).to_contain_text("Hotel Prueba")
    expect(text).to_contain_text("datos")
    expect(bar.locator("a")).to_have_count(0)  # no policy link without a policy


@pytest.mark.parametrize("with_own_notice", [True], indirect=True)
def test_the_hotel_s_notice_and_policy_link_in_english(
    live_server_url: str, new_page: OpenPage
) -> None:
    page = new_page(locale="en-GB")
    page.goto(f"{live_server_url}/")
    summary = page.locator("#chat-privacy summary")
    expect(summary).to_have_text("Privacy: how we use your data")
    summary.click()

    text = page.locator("#chat-privacy-text")
    expect(text).to_contain_text(NOTICE_EN)  # the markup is shown as typed...
    expect(text.locator("b")).to_have_count(0)  # ...and never becomes an element
    link = text.get_by_role("link", name="Privacy policy")
    expect(link).to_have_attribute("href", POLICY_URL)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")


@pytest.mark.parametrize("with_own_notice", [True], indirect=True)
def test_the_hotel_s_notice_in_spanish_for_a_spanish_browser(
    live_server_url: str, new_page: OpenPage
) -> None:
    page = new_page(locale="es-ES")
    page.goto(f"{live_server_url}/")
    page.locator("#chat-privacy summary").click()

    text = page.locator("#chat-privacy-text")
    expect(text).to_contain_text(NOTICE_ES)
    expect(text.get_by_role("link", name="Política de privacidad")).to_have_attribute(
        "href", POLICY_URL
    )


def test_the_page_makes_a_128_bit_session_id(live_server_url: str, new_page: OpenPage) -> None:
    # The session id is the only key to the guest's transcript (OWASP API1): 16 random bytes,
    # a different one in every browser.
    ids = []
    for _ in range(2):
        page = new_page()
        page.goto(f"{live_server_url}/")
        expect(page.locator("#chat-privacy summary")).to_be_visible()
        ids.append(page.evaluate("localStorage.getItem('hotel-webchat-session')"))
    assert all(re.match(SESSION_PATTERN, str(i)) for i in ids), ids  # what the server accepts
    assert ids[0] != ids[1]


def test_an_id_the_server_would_refuse_is_replaced(
    live_server_url: str, new_page: OpenPage
) -> None:
    # A browser that kept an id in an older, looser format gets a new one instead of a chat
    # whose every message the server refuses.
    page = new_page()
    page.goto(f"{live_server_url}/")
    page.evaluate("localStorage.setItem('hotel-webchat-session', 'guest-session-0001')")
    page.reload()
    expect(page.locator("#chat-privacy summary")).to_be_visible()
    stored = page.evaluate("localStorage.getItem('hotel-webchat-session')")
    assert re.match(SESSION_PATTERN, str(stored)), stored
