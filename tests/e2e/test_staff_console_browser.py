"""The staff console in Debian's Chromium against the real app: a guest says hello in the web
chat page; a receptionist signs in (on a phone), finds the conversation in the inbox, takes it
over and replies; the reply appears in the guest's chat page."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.browser import DESKTOP, OpenPage
from tests.e2e.test_whatsapp_round_trip import post_signed
from tests.fakes.graph_api import FakeGraphApi

from hotel_agent.db.engine import create_engine, create_session_factory
from hotel_agent.db.models import StaffRole
from hotel_agent.settings import Settings
from hotel_agent.staff import accounts

PASSWORD = "recepcion-segura-2026"  # pragma: allowlist secret


@pytest.fixture
def receptionist(live_server_url: str, e2e_settings: Settings) -> str:
    """A console account in the served database (made before the browser starts: Playwright's
    sync API and asyncio.run cannot share the thread)."""

    async def create() -> None:
        engine = create_engine(e2e_settings)
        await accounts.create_user(
            create_session_factory(engine), "lucia", PASSWORD, StaffRole.STAFF
        )
        await engine.dispose()

    asyncio.run(create())
    return "lucia"


def sign_in(page: Page, username: str) -> None:
    """Fill in the login form the page shows (in whichever language) and send it."""
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/staff/login'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


@pytest.mark.browser
def test_staff_take_over_a_web_chat_conversation_and_the_reply_reaches_the_guest(
    live_server_url: str, receptionist: str, new_page: OpenPage
) -> None:
    guest = new_page(locale="es-ES", viewport=DESKTOP)
    guest.goto(f"{live_server_url}/")
    box = guest.get_by_role("textbox", name="Mensaje")
    box.fill("Hola")
    box.press("Enter")
    expect(guest.locator(".msg--bot .msg__text").first).to_be_visible(timeout=30_000)

    staff = new_page(locale="es-ES")  # a phone
    staff.goto(f"{live_server_url}/staff/")
    expect(staff).to_have_url(re.compile(r"/staff/login$"))
    expect(staff.get_by_label("Contraseña")).to_be_visible()
    sign_in(staff, receptionist)
    expect(staff.get_by_text("Ninguna conversación espera a recepción.")).to_be_visible()

    # The guest's conversation is the bot's: under "Todas" (all) and "Con el bot".
    staff.get_by_role("link", name="Todas").click()
    conversation = staff.locator(".conversation a").first
    expect(conversation).to_contain_text("Chat web")
    expect(conversation).to_contain_text("Bot")
    conversation.click()
    expect(staff.locator(".msg--guest .msg__text")).to_have_text(["Hola"])

    staff.get_by_role("button", name="Atender yo").click()
    expect(staff.locator("#owner-state")).to_contain_text("Responde recepción (lucia)")
    staff.get_by_label("Respuesta al huésped").fill(
        "Hola, soy Lucía, de recepción. ¿En qué le ayudo?"
    )
    staff.get_by_role("button", name="Enviar").click()
    sent = staff.locator(".msg--staff")
    expect(sent).to_contain_text("Hola, soy Lucía, de recepción.")
    # The transcript refreshes itself: the staff message becomes "enviado" once sent.
    expect(sent.locator(".msg__status")).to_have_text("enviado", timeout=15_000)

    # The guest's page polls the transcript: the receptionist's message arrives there.
    expect(guest.locator(".msg--staff .msg__text")).to_have_text(
        ["Hola, soy Lucía, de recepción. ¿En qué le ayudo?"], timeout=15_000
    )

    # Back in the inbox the conversation now waits for staff, and is Lucía's.
    staff.get_by_role("link", name="Volver a la bandeja").click()
    expect(staff.locator(".conversation a").first).to_contain_text("Recepción · lucia")


@pytest.mark.browser
def test_a_handed_over_conversation_appears_by_itself_is_answered_and_handed_back(
    live_server_url: str, receptionist: str, new_page: OpenPage
) -> None:
    staff = new_page(locale="en-GB", viewport=DESKTOP)
    staff.goto(f"{live_server_url}/staff/login")
    sign_in(staff, receptionist)
    expect(staff.get_by_text("No conversation is waiting for staff.")).to_be_visible()

    guest = new_page(locale="es-ES")
    guest.goto(f"{live_server_url}/")
    box = guest.get_by_role("textbox", name="Mensaje")
    box.fill("quiero hablar con una persona, por favor")
    box.press("Enter")
    bot = guest.locator(".msg--bot .msg__text")
    expect(bot.first).to_be_visible(timeout=30_000)

    # The inbox was open before the guest wrote: its polling brings the handoff in.
    waiting = staff.locator(".conversation a").first
    expect(waiting).to_contain_text("Staff · unassigned", timeout=15_000)
    waiting.click()
    staff.get_by_role("button", name="Take over").click()
    expect(staff.locator("#owner-state")).to_contain_text("Staff are answering (lucia)")
    staff.get_by_label("Reply to the guest").fill("Buenas, soy Lucía. Le atiendo yo.")
    staff.get_by_role("button", name="Send").click()
    expect(guest.locator(".msg--staff .msg__text")).to_have_text(
        ["Buenas, soy Lucía. Le atiendo yo."], timeout=15_000
    )

    staff.get_by_role("button", name="Hand back to the bot").click()
    expect(staff.locator("#owner-state")).to_contain_text("The bot is answering")
    expect(staff.locator(".history")).to_contain_text("lucia handed back to the bot")

    # The bot answers the guest's next message again.
    answered = bot.count()
    box.fill("¿A qué hora es el desayuno?")
    box.press("Enter")
    expect(bot.nth(answered)).to_be_visible(timeout=30_000)


@pytest.mark.browser
def test_a_whatsapp_reply_refused_by_meta_is_retried_from_the_console_then_staff_answer(
    live_server_url: str, receptionist: str, fake_graph: FakeGraphApi, new_page: OpenPage
) -> None:
    # Meta refuses the next two requests for good (of the read receipt and the bot's replies).
    fake_graph.fail_next(status=400, times=2)
    answer = post_signed(live_server_url, "text_es")
    assert answer.status_code == 200

    staff = new_page(locale="es-ES", viewport=DESKTOP)
    staff.goto(f"{live_server_url}/staff/login")
    sign_in(staff, receptionist)
    staff.get_by_role("link", name="Mensajes fallidos").click()
    failed = staff.locator("[data-dead-letter]", has_text="mensaje al huésped")
    # The sender gives up within a moment; the page shows what it had when loaded.
    for _ in range(30):
        if failed.count():
            break
        staff.wait_for_timeout(500)
        staff.reload()
    letter = failed.first.get_attribute("data-dead-letter")
    expect(failed.first).to_contain_text("WhatsApp")
    expect(failed.first).to_contain_text("bad_request (100)")
    delivered = len(fake_graph.sent)
    failed.first.get_by_role("button", name="Reintentar").click()

    retried = fake_graph.wait_for_messages(delivered + 1, timeout=15)[-1]
    assert retried.body["to"] == "34611111111"
    expect(staff.locator(f'[data-dead-letter="{letter}"]')).to_have_count(0)

    # Staff answer the WhatsApp guest from the conversation page: it goes to Meta too.
    staff.get_by_role("link", name="Bandeja").click()
    staff.get_by_role("link", name="Todas").click()
    staff.locator(".conversation a", has_text="WhatsApp").first.click()
    staff.get_by_role("button", name="Atender yo").click()
    staff.get_by_label("Respuesta al huésped").fill("Buenos días, le escribe Lucía.")
    staff.get_by_role("button", name="Enviar").click()
    reply = fake_graph.wait_for_messages(delivered + 2, timeout=15)[-1]
    assert reply.body["to"] == "34611111111"
    assert reply.body["text"]["body"] == "Buenos días, le escribe Lucía."
