"""Staff replies after WhatsApp's 24-hour window, through the real WhatsApp client against the
fake Graph API (which refuses free-form messages outside the window, as Meta does), on both
databases."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from hotel_agent.channels.webchat.channel import WebChatChannel
from hotel_agent.db.models import Message, OutboxItem, StaffRole
from hotel_agent.runtime import Runtime
from hotel_agent.settings import Settings
from hotel_agent.staff import accounts
from tests.fakes.graph_api import FakeGraphApi
from tests.integration.inbox.helpers import whatsapp_text
from tests.integration.staff.helpers import (
    AUTH,
    ReceptionEngine,
    eventually,
    knowledge_with_templates,
    outbox_settled,
    staff_settings,
)
from tests.integration.staff.test_console import PASSWORD, log_in
from tests.support import ACCESS_TOKEN, asgi_client

MakeRuntime = Callable[..., Awaitable[Runtime]]
GUEST = "34611111111"
STAFF_REPLY_ES = {
    "name": "staff_reply_es",
    "language": "es",
    "purpose": "staff_reply",
    "parameters": ["hotel", "reply"],
    "body": "Mensaje de {{1}}: {{2}}",
}


def whatsapp_settings(database_url: str, fake: FakeGraphApi, knowledge: Path) -> Settings:
    settings = staff_settings(database_url, knowledge_file=knowledge)
    settings.whatsapp.api_base_url = fake.base_url
    return settings


async def _guest_wrote_25_hours_ago(runtime: Runtime, fake: FakeGraphApi) -> int:
    """The guest asked for a person 25 hours ago (so staff own the conversation); its id."""
    at = datetime.now(UTC) - timedelta(hours=25)
    fake.guest_wrote(GUEST, at=time.time() - 25 * 3600)
    await runtime.ingest.accept(
        runtime.hotels.default_hotel_id,
        [whatsapp_text("wamid.OLD", GUEST, "quiero hablar con una persona", at=at)],
    )

    async def handed_over() -> int | None:
        async with runtime.sessions() as session:
            return await session.scalar(
                select(Message.conversation_id).where(Message.author == "bot")
            )

    conversation_id = await eventually(handed_over)
    await eventually(lambda: outbox_settled(runtime))
    return conversation_id


async def test_a_staff_reply_after_25_hours_goes_out_as_the_staff_reply_template(
    database_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        fake.approve_template("staff_reply_es", "es", body_parameters=2)
        knowledge = knowledge_with_templates(tmp_path, [STAFF_REPLY_ES])
        runtime = await make_runtime(
            whatsapp_settings(database_url, fake, knowledge), dialogue=ReceptionEngine()
        )
        runtime.channels["webchat"] = WebChatChannel()
        runtime.start_background()
        conversation_id = await _guest_wrote_25_hours_ago(runtime, fake)
        # The bot's handoff reply, free-form 25 h late, was never sent (dead-lettered).
        assert fake.sent == []

        async with asgi_client(runtime) as http:
            answer = await http.post(
                f"/api/staff/conversations/{conversation_id}/messages",
                json={"text": "Sí, tenemos cuna.\nSe la dejamos montada."},
                headers=AUTH,
            )
            assert answer.status_code == 202, answer.text
            [sent] = await fake.wait_for_messages_async(1)

            async def delivered() -> str | None:
                async with runtime.sessions() as session:
                    message = await session.get(Message, answer.json()["message"]["id"])
                    assert message is not None
                    await session.refresh(message)
                    return message.status if message.status == "sent" else None

            await eventually(delivered)
            transcript = await http.get(
                f"/api/staff/conversations/{conversation_id}/messages", headers=AUTH
            )

    assert sent.body["type"] == "template"
    assert sent.body["to"] == GUEST
    assert sent.body["template"] == {
        "name": "staff_reply_es",
        "language": {"code": "es"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Hotel Prueba"},
                    {"type": "text", "text": "Sí, tenemos cuna. Se la dejamos montada."},
                ],
            }
        ],
    }
    staff_said = [m for m in transcript.json()["messages"] if m["author"] == "staff"]
    assert [(m["type"], m["text"], m["status"]) for m in staff_said] == [
        ("template", "Mensaje de Hotel Prueba: Sí, tenemos cuna. Se la dejamos montada.", "sent")
    ]
    bot_said = [m for m in transcript.json()["messages"] if m["author"] == "bot"]
    assert [m["status"] for m in bot_said] == ["dead"], "free-form after 24 h never goes"


async def test_without_a_template_in_the_guests_language_the_reply_is_refused_by_name(
    database_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        english_only = {**STAFF_REPLY_ES, "name": "staff_reply_en", "language": "en"}
        knowledge = knowledge_with_templates(tmp_path, [english_only])
        runtime = await make_runtime(
            whatsapp_settings(database_url, fake, knowledge), dialogue=ReceptionEngine()
        )
        runtime.start_background()
        conversation_id = await _guest_wrote_25_hours_ago(runtime, fake)
        async with runtime.sessions() as session:
            before = await session.scalar(select(func.count()).select_from(OutboxItem))
        async with asgi_client(runtime) as http:
            answer = await http.post(
                f"/api/staff/conversations/{conversation_id}/messages",
                json={"text": "¿Sigue ahí?"},
                headers=AUTH,
            )

    assert answer.status_code == 409
    detail = answer.json()["detail"]
    assert "no staff_reply template in language 'es'" in detail
    assert "Nothing was queued" in detail
    async with runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxItem)) == before
    assert fake.sent == []


async def test_a_template_too_long_for_whatsapp_is_refused_before_queueing(
    database_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        knowledge = knowledge_with_templates(tmp_path, [STAFF_REPLY_ES])
        runtime = await make_runtime(
            whatsapp_settings(database_url, fake, knowledge), dialogue=ReceptionEngine()
        )
        runtime.start_background()
        conversation_id = await _guest_wrote_25_hours_ago(runtime, fake)
        async with asgi_client(runtime) as http:
            answer = await http.post(
                f"/api/staff/conversations/{conversation_id}/messages",
                json={"text": "x" * 1500},
                headers=AUTH,
            )
    assert answer.status_code == 400
    assert "shorten it" in answer.json()["detail"]


async def test_the_console_says_the_reply_will_go_out_as_the_template(
    database_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        knowledge = knowledge_with_templates(tmp_path, [STAFF_REPLY_ES])
        runtime = await make_runtime(
            whatsapp_settings(database_url, fake, knowledge), dialogue=ReceptionEngine()
        )
        await accounts.create_user(runtime.sessions, "marta", PASSWORD, StaffRole.ADMIN)
        runtime.start_background()
        conversation_id = await _guest_wrote_25_hours_ago(runtime, fake)
        async with asgi_client(runtime) as http:
            await log_in(http)
            page = await http.get(f"/staff/conversations/{conversation_id}?lang=en")
    assert 'data-template="staff_reply_es"' in page.text
    assert "your reply will be sent as the approved template" in page.text
    assert "<textarea" in page.text
