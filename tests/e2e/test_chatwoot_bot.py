"""The agent as a Chatwoot Agent Bot, end to end on SQLite and PostgreSQL: the real app over
HTTP, a fake Chatwoot posting its webhook events and taking the bot's replies and status
changes over its REST API, the booking in the PMS simulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from tests.fakes.chatwoot import FakeChatwoot
from tests.fakes.server import ThreadedServer
from tests.support import make_settings

from hotel_agent.app import create_app
from hotel_agent.db.engine import create_engine
from hotel_agent.settings import ChatwootSettings, Settings

BOT_TOKEN = "cw-bot-token-0123456789"  # pragma: allowlist secret
WEBHOOK_TOKEN = "cw-hook-9f8e7d6c5b4a39281706"  # pragma: allowlist secret
ACCOUNT = 3


class Desk:
    """The running app, the fake Chatwoot wired to it, and the app's database."""

    def __init__(self, chatwoot: FakeChatwoot, origin: str, engine: AsyncEngine) -> None:
        self.chatwoot = chatwoot
        self.origin = origin
        self.engine = engine

    async def settled(self) -> None:
        """Wait until the last guest message is handled and nothing waits to go to Chatwoot
        (the bot may have answered nothing: staff own the conversation)."""
        event = self.chatwoot.last_event
        assert event is not None
        for _ in range(600):
            async with self.engine.connect() as connection:
                handled = await connection.scalar(
                    text(
                        "SELECT count(*) FROM inbox_events WHERE channel = 'chatwoot' "
                        "AND provider_message_id = :id AND state = 'done'"
                    ),
                    {"id": str(event["id"])},
                )
                waiting = await connection.scalar(
                    text(
                        "SELECT count(*) FROM outbox WHERE channel = 'chatwoot' "
                        "AND state IN ('pending', 'processing')"
                    )
                )
            if handled == 1 and waiting == 0:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"message {event['id']} not settled")

    async def says(self, conversation: int, message: str) -> str:
        """The guest writes; the text of everything the bot answered to it."""
        before = len(self.chatwoot.replies(conversation))
        answer = self.chatwoot.guest_writes(conversation, message)
        assert answer.status_code == 200, answer.text
        await self.settled()
        replies = self.chatwoot.replies(conversation)[before:]
        return "\n".join(reply["content"] for reply in replies)


@pytest.fixture
def chatwoot() -> AsyncIterator[FakeChatwoot]:
    with FakeChatwoot(bot_token=BOT_TOKEN, account_id=ACCOUNT) as fake:
        yield fake


@pytest.fixture
def settings(database_url: str, chatwoot: FakeChatwoot) -> Settings:
    return make_settings(
        database_url,
        # On PostgreSQL too, so one process runs API, worker and sender.
        queue={"in_process_worker": True},
        chatwoot=ChatwootSettings(
            _env_file=None,  # type: ignore[call-arg]
            base_url=chatwoot.origin,
            bot_token=BOT_TOKEN,
            webhook_token=WEBHOOK_TOKEN,
            account_id=ACCOUNT,
        ),
    )


@pytest.fixture
async def desk(settings: Settings, chatwoot: FakeChatwoot) -> AsyncIterator[Desk]:
    """The app on its migrated database (worker and sender in-process)."""
    engine = create_engine(settings)
    with ThreadedServer(create_app(settings)) as server:
        chatwoot.bot_url = f"{server.origin}/webhooks/chatwoot/{WEBHOOK_TOKEN}"
        yield Desk(chatwoot, server.origin, engine)
    await engine.dispose()


async def test_a_guest_books_a_room_through_chatwoot(desk: Desk) -> None:
    check_in = date.today() + timedelta(days=40)
    check_out = check_in + timedelta(days=3)
    greeting = await desk.says(41, "Hola! Quiero reservar una habitación para 2 adultos")
    assert "Ana" in greeting, "greeted by the contact's name in Chatwoot"
    offers = await desk.says(41, f"del {check_in.day}/{check_in.month} al {check_out.day}/{check_out.month}")
    assert "1." in offers, "the rooms offered as numbered choices (Chatwoot shows text)"
    asked = await desk.says(41, "1")
    assert "correo" in asked
    summary = await desk.says(41, "Ana Ruiz Soler, ana.ruiz@example.com")
    assert "Ana Ruiz Soler" in summary
    confirmation = await desk.says(41, "sí")
    assert "Reserva confirmada" in confirmation

    async with desk.engine.connect() as connection:
        bookings = (
            await connection.execute(
                text("SELECT reference, guest_name, guest_email, adults FROM pms_sim_bookings")
            )
        ).all()
    [(reference, name, email, adults)] = bookings
    assert reference in confirmation
    assert (name, email, adults) == ("Ana Ruiz Soler", "ana.ruiz@example.com", 2)
    replies = desk.chatwoot.conversation(41).replies
    assert all(reply["message_type"] == 1 for reply in replies), "sent as outgoing messages"
