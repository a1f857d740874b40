"""E-mails to the front desk, on both databases, received by a real SMTP server (aiosmtpd):
a handoff e-mails every address of STAFF_ALERT_EMAILS (through the outbox, in the hotel's
language, with the guest's words and the console's link); a guest writing again to staff
e-mails them once per burst of messages, again after staff answered."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from hotel_agent.db.models import OutboxItem, OutboxKind
from hotel_agent.runtime import Runtime
from hotel_agent.settings import StaffSettings
from tests.fakes.mail_server import MailServer
from tests.integration.staff.helpers import (
    AUTH,
    HANDOFF_REPLY,
    TOKEN,
    ReceptionEngine,
    eventually,
    outbox_settled,
)
from tests.integration.staff.test_api import SESSION, say
from tests.integration.staff.test_console import MakeRuntime
from tests.support import asgi_client, make_settings

DESK = ["recepcion@hotel-prueba.example", "jefa@hotel-prueba.example"]


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


def body(message: object) -> str:
    part = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


async def guest_writes(http: httpx.AsyncClient, text: str) -> None:
    sent = await http.post("/api/webchat/messages", json={"session_id": SESSION, "text": text})
    assert sent.status_code in (200, 202), sent.text


async def settled(runtime: Runtime, http: httpx.AsyncClient, conversation_id: int, n: int) -> None:
    """The guest's `n` messages are stored (each turn queued its e-mails in the same
    transaction) and the sender has finished every outbox row."""

    async def stored() -> bool:
        answer = await http.get(
            f"/api/staff/conversations/{conversation_id}/messages", headers=AUTH
        )
        guest = [m for m in answer.json()["messages"] if m["author"] == "guest"]
        return len(guest) == n

    await eventually(stored)
    await eventually(lambda: outbox_settled(runtime))


@pytest.mark.parametrize("language", ["es", "en"])
async def test_staff_are_emailed_on_a_handoff_and_when_the_guest_writes_again(
    database_url: str, make_runtime: MakeRuntime, mail: MailServer, language: str
) -> None:
    settings = make_settings(
        database_url,
        hotel={"default_language": language},
        queue={"retry_base_seconds": 0.01, "retry_max_seconds": 0.05},
        smtp=mail.settings(),
        staff=StaffSettings(**{"_env_file": None}, api_token=TOKEN, alert_emails=",".join(DESK)),
    )
    runtime = await make_runtime(settings, dialogue=ReceptionEngine())
    runtime.start_background()
    async with asgi_client(runtime) as http:
        assert await say(http, "Hola") == ["bot: Hola"]
        assert await say(http, "quiero hablar con una persona") == [HANDOFF_REPLY]
        handoff = await mail.wait_for(2)
        assert sorted(m["To"] for m in handoff) == sorted(DESK)
        listing = await http.get("/api/staff/conversations", headers=AUTH)
        [conversation_id] = [c["id"] for c in listing.json()["conversations"]]
        subject, text = handoff[0]["Subject"], body(handoff[0])
        if language == "es":
            assert "un huésped necesita a recepción (requested)" in subject
            assert "Su último mensaje:\n> quiero hablar con una persona" in text
        else:
            assert "a guest needs staff (requested)" in subject
            assert "Their last message:\n> quiero hablar con una persona" in text
        assert f"/staff/conversations/{conversation_id}" in text

        # Two messages in a row to staff: one e-mail to each address, for the first.
        await guest_writes(http, "¿hay alguien?")
        await guest_writes(http, "sigo aquí")
        await settled(runtime, http, conversation_id, 4)
        wrote = mail.received[2:]
        again = "ha vuelto a escribir" if language == "es" else "wrote again"
        assert len(wrote) == 2
        assert all(again in m["Subject"] and "> ¿hay alguien?" in body(m) for m in wrote)

        # Staff answer; the guest's next message tells them again.
        answered = await http.post(
            f"/api/staff/conversations/{conversation_id}/messages",
            json={"text": "Aquí estoy"},
            headers=AUTH,
        )
        assert answered.status_code == 202
        await guest_writes(http, "gracias")
        latest = (await mail.wait_for(6))[4:]
        assert all("> gracias" in body(m) for m in latest)
    async with runtime.sessions() as session:
        kinds = (await session.scalars(select(OutboxItem.kind))).all()
    assert kinds.count(OutboxKind.EMAIL) == 6, "through the outbox"
