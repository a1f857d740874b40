"""Two hotels on one agent, in Debian's Chromium: a receptionist of the second hotel does not
see the first hotel's web chat guest in the inbox, and the conversation's address answers
"not found"; a colleague who works for every hotel sees it."""

from __future__ import annotations

import asyncio

import pytest
from playwright.sync_api import expect
from tests.e2e.browser import DESKTOP, OpenPage
from tests.e2e.test_staff_console_browser import PASSWORD, sign_in
from tests.e2e.test_staff_console_pages_browser import guest_writes

from hotel_agent.db.engine import create_engine, create_session_factory
from hotel_agent.db.models import StaffRole
from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.settings import Settings
from hotel_agent.staff import accounts


@pytest.fixture
def desks(live_server_url: str, e2e_settings: Settings) -> tuple[str, str]:
    """A second hotel; "nuria" works for it only, "elena" for every hotel."""

    async def create() -> None:
        engine = create_engine(e2e_settings)
        sessions = create_session_factory(engine)
        async with sessions() as session, session.begin():
            playa = await HotelRepository(session).upsert(
                slug="playa",
                name="Hotel Playa",
                timezone="Europe/Madrid",
                default_language="es",
                whatsapp_phone_number_id=None,
            )
            playa_id = playa.id
        await accounts.create_user(sessions, "elena", PASSWORD, StaffRole.ADMIN)
        await accounts.create_user(sessions, "nuria", PASSWORD, StaffRole.STAFF, hotel_id=playa_id)
        await engine.dispose()

    asyncio.run(create())
    return "elena", "nuria"


@pytest.mark.browser
def test_another_hotels_conversation_is_not_shown(
    live_server_url: str, desks: tuple[str, str], new_page: OpenPage
) -> None:
    everyone, playa = desks
    guest = new_page(locale="es-ES", viewport=DESKTOP)
    guest.goto(f"{live_server_url}/")
    guest_writes(guest, "Hola")
    expect(guest.locator(".msg--bot .msg__text").first).to_be_visible(timeout=30_000)

    manager = new_page(locale="en-GB")
    manager.goto(f"{live_server_url}/staff/login")
    sign_in(manager, everyone)
    manager.get_by_role("link", name="All", exact=True).click()
    manager.locator(".conversation a").first.click()
    expect(manager.locator(".msg--guest .msg__text")).to_have_text(["Hola"])
    address = manager.url

    receptionist = new_page(locale="en-GB")
    receptionist.goto(f"{live_server_url}/staff/login")
    sign_in(receptionist, playa)
    expect(receptionist.locator(".bar__home")).to_have_text("Hotel Playa")
    receptionist.get_by_role("link", name="All", exact=True).click()
    expect(receptionist.get_by_text("No conversations.")).to_be_visible()
    expect(receptionist.locator(".conversation")).to_have_count(0)
    answer = receptionist.goto(address)
    assert answer is not None and answer.status == 404
    expect(receptionist.locator("body")).not_to_contain_text("Hola")
