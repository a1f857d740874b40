"""Two hotels on one agent, in Debian's Chromium: a receptionist of the second hotel does not
see the first hotel's web chat guest in the inbox, and the conversation's address answers
"not found"; a colleague who works for every hotel sees it."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.browser import DESKTOP, OpenPage
from tests.e2e.test_staff_console_browser import PASSWORD, sign_in
from tests.e2e.test_staff_console_pages_browser import guest_writes

from hotel_agent.db.engine import create_engine, create_session_factory
from hotel_agent.db.models import StaffRole
from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.settings import Settings
from hotel_agent.staff import accounts

PLAYA_WIFI = "Wifi gratis en la playa: red Playa-Libre, sin clave."


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
    manager = _signed_in_after_a_guest(live_server_url, new_page, everyone)
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


@pytest.mark.browser
def test_a_member_of_every_hotel_picks_the_hotel_of_the_inbox_and_the_dashboard(
    live_server_url: str, desks: tuple[str, str], new_page: OpenPage
) -> None:
    everyone, playa = desks
    manager = _signed_in_after_a_guest(live_server_url, new_page, everyone)
    manager.get_by_role("link", name="All", exact=True).click()
    expect(manager.locator(".conversation")).to_have_count(1)
    manager.locator("#hotel").select_option(label="Hotel Playa")  # the list follows at once
    expect(manager.get_by_text("No conversations.")).to_be_visible()
    expect(manager.locator("#hotel")).to_have_value(re.compile(r"^\d+$"))
    manager.get_by_role(
        "link", name="Waiting for staff", exact=True
    ).click()  # the tabs keep the hotel
    expect(manager.locator("#hotel option:checked")).to_have_text("Hotel Playa")
    manager.get_by_role("link", name="All", exact=True).click()
    manager.locator("#hotel").select_option(label="All hotels")
    expect(manager.locator(".conversation")).to_have_count(1)

    manager.get_by_role("link", name="Dashboard").click()
    expect(manager.locator("#dashboard-period")).to_contain_text("(days in UTC time)")
    total = manager.locator(
        "#dashboard-channels [data-channel='all'] [data-figure='conversations']"
    )
    expect(total).to_have_text("1")
    manager.locator("#dash-hotel").select_option(label="Hotel Playa")
    manager.get_by_role("button", name="Filter").click()
    expect(manager.get_by_role("heading", name="Dashboard · Hotel Playa")).to_be_visible()
    expect(manager.locator("#dashboard-period")).to_contain_text("(days in Europe/Madrid time)")
    expect(total).to_have_text("0")  # the guest wrote to the other hotel

    receptionist = new_page(locale="en-GB")
    receptionist.goto(f"{live_server_url}/staff/login")
    sign_in(receptionist, playa)
    expect(receptionist.locator(".conversation")).to_have_count(0)
    expect(receptionist.locator("#hotel")).to_have_count(0)


def _signed_in_after_a_guest(live_server_url: str, new_page: OpenPage, username: str) -> Page:
    """A web chat guest of the first hotel says "Hola" and is answered; then `username`
    signs in to the console."""
    guest = new_page(locale="es-ES", viewport=DESKTOP)
    guest.goto(f"{live_server_url}/")
    guest_writes(guest, "Hola")
    expect(guest.locator(".msg--bot .msg__text").first).to_be_visible(timeout=30_000)
    staff = new_page(locale="en-GB", viewport=DESKTOP)
    staff.goto(f"{live_server_url}/staff/login")
    sign_in(staff, username)
    return staff


@pytest.mark.browser
def test_a_member_of_every_hotel_edits_the_knowledge_of_the_hotel_picked(
    live_server_url: str, desks: tuple[str, str], new_page: OpenPage
) -> None:
    everyone, _ = desks
    manager = new_page(locale="es-ES", viewport=DESKTOP)
    manager.goto(f"{live_server_url}/staff/login")
    sign_in(manager, everyone)
    manager.get_by_role("link", name="Información del hotel").click()
    manager.locator("#knowledge-hotel").select_option(label="Hotel Playa")
    wifi = manager.locator("[data-faq='wifi']")
    expect(manager.locator("#knowledge-hotel option:checked")).to_have_text("Hotel Playa")
    wifi.get_by_role("link", name="Editar").click()
    expect(manager.locator("#knowledge-hotel-name")).to_contain_text("Hotel Playa")
    manager.locator("#answer-es").fill(PLAYA_WIFI)
    manager.get_by_role("button", name="Ver los cambios").click()
    manager.locator("#save-form button[type=submit]").click()
    expect(manager.locator("#saved")).to_be_visible()
    expect(manager.locator("#knowledge-hotel option:checked")).to_have_text("Hotel Playa")
    expect(wifi.locator("[data-language='es'] .faq__text")).to_have_text(PLAYA_WIFI)

    manager.locator("#knowledge-hotel").select_option(label="Hotel Prueba")
    expect(manager.locator("#knowledge-hotel option:checked")).to_have_text("Hotel Prueba")
    expect(wifi.locator("[data-language='es'] .faq__text")).to_contain_text("MiradorPuerto-Guest")
