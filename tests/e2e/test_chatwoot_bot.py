"""The agent as a Chatwoot Agent Bot, end to end on SQLite and PostgreSQL: the real app over
HTTP, a fake Chatwoot posting its webhook events and taking the bot's replies and status
changes over its REST API, the booking in the PMS simulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from tests.fakes.chatwoot import FakeChatwoot
from tests.fakes.server import ThreadedServer
from tests.support import make_settings

from hotel_agent.app import create_app
from hotel_agent.db.engine import create_engine
from hotel_agent.settings import ChatwootSettings, Settings, StaffSettings

BOT_TOKEN = "cw-bot-token-0123456789"  # pragma: allowlist secret
WEBHOOK_TOKEN = "cw-hook-9f8e7d6c5b4a39281706"  # pragma: allowlist secret
ACCOUNT = 3
STAFF_TOKEN = "staff-api-token-0123456789abcdef"  # pragma: allowlist secret


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
def chatwoot() -> Iterator[FakeChatwoot]:
    with FakeChatwoot(bot_token=BOT_TOKEN, account_id=ACCOUNT) as fake:
        yield fake


@pytest.fixture
def settings(database_url: str, chatwoot: FakeChatwoot) -> Settings:
    return make_settings(
        database_url,
        # On PostgreSQL too, so one process runs API, worker and sender.
        queue={"in_process_worker": True},
        staff=StaffSettings(_env_file=None, api_token=STAFF_TOKEN),
        chatwoot=ChatwootSettings(
            _env_file=None,
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
    offers = await desk.says(
        41, f"del {check_in.day}/{check_in.month} al {check_out.day}/{check_out.month}"
    )
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


async def test_the_webhook_refuses_a_wrong_token_and_unreadable_events(desk: Desk) -> None:
    event = {"event": "message_created", "id": 5, "content": "hola", "message_type": "incoming"}
    wrong = httpx.post(f"{desk.origin}/webhooks/chatwoot/not-the-token", json=event)
    assert wrong.status_code == 404, "a wrong path token looks like no webhook at all"
    missing = httpx.post(f"{desk.origin}/webhooks/chatwoot/", json=event)
    assert missing.status_code in (404, 405)

    hook = desk.chatwoot.bot_url
    no_conversation = httpx.post(hook, json=event)
    assert no_conversation.status_code == 422
    assert ["body", "conversation"] in [e["loc"] for e in no_conversation.json()["detail"]]
    assert httpx.post(hook, json={"content": "no event name"}).status_code == 422
    assert httpx.post(hook, json=["a", "list"]).status_code == 422
    not_json = httpx.post(hook, content=b"{not json", headers={"content-type": "application/json"})
    assert not_json.status_code == 400

    async with desk.engine.connect() as connection:
        stored = await connection.scalar(text("SELECT count(*) FROM inbox_events"))
    assert stored == 0, "nothing refused was stored"


async def test_a_redelivered_event_is_answered_once(desk: Desk) -> None:
    first = await desk.says(42, "Hola, ¿a qué hora es el check-in?")
    assert first
    replies = len(desk.chatwoot.replies(42))
    again = desk.chatwoot.redeliver()
    assert again.status_code == 200 and again.json() == {"outcome": "duplicate"}
    await desk.settled()
    assert len(desk.chatwoot.replies(42)) == replies


async def test_outgoing_and_private_messages_are_not_answered(desk: Desk) -> None:
    await desk.says(43, "Hola")
    replies = len(desk.chatwoot.replies(43))
    outgoing = desk.chatwoot.agent_writes(43, "Buenos días, soy Laura")
    private = desk.chatwoot.agent_writes(43, "nota interna", private=True)
    assert outgoing.json() == private.json() == {"outcome": "ignored"}
    assert len(desk.chatwoot.replies(43)) == replies


async def test_handoff_opens_the_conversation_for_chatwoot_agents_until_it_is_pending(
    desk: Desk,
) -> None:
    await desk.says(44, "Hola")
    handed = await desk.says(44, "Quiero hablar con una persona, por favor")
    assert "te paso con un compañero de recepción" in handed
    desk.chatwoot.wait_for_status(44, "open")
    assert desk.chatwoot.conversation(44).statuses == ["open"], "toggled once, to open"

    # Chatwoot's agents answer now: the bot stays silent, its own status echo changes nothing.
    assert await desk.says(44, "¿Hola? ¿Hay alguien?") == ""
    desk.chatwoot.agent_writes(44, "Hola Ana, soy Laura de recepción")
    assert await desk.says(44, "Gracias Laura") == ""

    back = desk.chatwoot.agent_sets_status(44, "pending")
    assert back.json() == {"outcome": "owner_bot"}
    assert await desk.says(44, "¿A qué hora es el desayuno?") != "", "the bot answers again"

    # An agent opening the conversation in Chatwoot takes it from the bot, too.
    taken = desk.chatwoot.agent_sets_status(44, "open")
    assert taken.json() == {"outcome": "owner_staff"}
    assert await desk.says(44, "Otra pregunta") == ""
    assert desk.chatwoot.conversation(44).statuses == ["open"], "the bot never toggles back"


async def test_replies_are_retried_then_dead_lettered_with_the_reason(desk: Desk) -> None:
    desk.chatwoot.fail_next(503, times=2)
    assert await desk.says(45, "Hola") != "", "delivered after two refusals"
    async with desk.engine.connect() as connection:
        attempts = await connection.scalar(
            text("SELECT max(attempts) FROM outbox WHERE channel = 'chatwoot'")
        )
    assert attempts is not None and attempts >= 3

    desk.chatwoot.fail_next(401)
    assert await desk.says(45, "¿Tenéis parking?") == ""
    async with desk.engine.connect() as connection:
        letters = (
            await connection.execute(
                text("SELECT reason, error_code FROM dead_letters WHERE channel = 'chatwoot'")
            )
        ).all()
    assert letters == [("chatwoot_rejected", 401)]

    # A change of hands Chatwoot refuses is a dead letter too (the reply still goes out).
    desk.chatwoot.fail_next(404)
    assert "compañero" in await desk.says(45, "Quiero hablar con una persona")
    async with desk.engine.connect() as connection:
        status_rows = (
            await connection.execute(text("SELECT state FROM outbox WHERE kind = 'status'"))
        ).all()
    assert status_rows == [("dead",)]
    assert desk.chatwoot.conversation(45).status == "pending", "Chatwoot was not told"


async def test_staff_taking_over_or_handing_back_in_the_agent_tells_chatwoot(desk: Desk) -> None:
    await desk.says(46, "Hola")
    async with desk.engine.connect() as connection:
        conversation = await connection.scalar(
            text("SELECT id FROM conversations WHERE channel = 'chatwoot'")
        )
    staff = f"{desk.origin}/api/staff/conversations/{conversation}"
    auth = {"Authorization": f"Bearer {STAFF_TOKEN}"}

    assert httpx.post(f"{staff}/takeover", headers=auth).status_code == 200
    desk.chatwoot.wait_for_status(46, "open")
    assert await desk.says(46, "¿Sigue ahí?") == ""

    assert httpx.post(f"{staff}/handback", headers=auth).status_code == 200
    desk.chatwoot.wait_for_status(46, "pending")
    assert await desk.says(46, "¿A qué hora es el desayuno?") != ""
    assert desk.chatwoot.conversation(46).statuses == ["open", "pending"]


async def test_an_english_guest_is_answered_in_english_and_handed_over(desk: Desk) -> None:
    answer = await desk.says(47, "Hi! What time is check-in?")
    assert "Check-in is from 3 pm" in answer
    handed = await desk.says(47, "I'd like to speak to a human, please")
    assert "passing you to a colleague at reception" in handed
    desk.chatwoot.wait_for_status(47, "open")
    assert await desk.says(47, "Hello?") == ""


async def test_an_agent_assigned_in_chatwoot_takes_the_conversation(desk: Desk) -> None:
    assert await desk.says(48, "Hola") != ""
    assigned = desk.chatwoot.agent_assigned(48, agent_id=5)
    assert assigned.json() == {"outcome": "owner_staff"}
    assert await desk.says(48, "¿Me ayudas con una factura?") == ""
    assert desk.chatwoot.conversation(48).statuses == [], "Chatwoot already knows: not toggled"
