"""The console's failed-messages page, on both databases: a dead e-mail shows whom it was
for and its subject; discarding a dead letter needs the CSRF token, takes it off the list for
good (it is never sent) and is audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from hotel_agent.channels.email.message import Email
from hotel_agent.channels.port import SendError
from hotel_agent.conversations.outbound import queue_email
from hotel_agent.db.models import Conversation, OutboxItem, StaffRole
from hotel_agent.staff import accounts
from tests.fakes.collecting_channel import CollectingChannel
from tests.integration.staff.helpers import ReceptionEngine, staff_settings
from tests.integration.staff.test_cli import Pipeline
from tests.integration.staff.test_console import (
    PASSWORD,
    MakeRuntime,
    audit,
    csrf_of,
    log_in,
)
from tests.support import asgi_client


async def test_a_dead_email_shows_its_recipient_and_a_dead_letter_is_discarded(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    runtime = await make_runtime(staff_settings(database_url), dialogue=engine)
    await accounts.create_user(runtime.sessions, "marta", PASSWORD, StaffRole.STAFF)
    channel = CollectingChannel(name="webchat", reply_window_seconds=None)
    runtime.channels["webchat"] = channel
    pipeline = Pipeline(runtime, engine)
    channel.failures = [SendError("token_expired", retryable=False, code=190, detail="expired")]
    await pipeline.guest_says("Hola")
    # A booking's confirmation e-mail, with no SMTP server configured: dead at once.
    async with runtime.sessions() as session, session.begin():
        conversation = await session.scalar(select(Conversation))
        assert conversation is not None
        queue_email(
            session,
            conversation,
            Email(
                to="carmen@example.com",
                subject="Your booking <MDP-4821>",
                text="Confirmed.",
                html="<p>Confirmed.</p>",
                sender_name="Hotel",
            ),
        )
    await pipeline.deliver()

    async with asgi_client(runtime) as http:
        await log_in(http)
        page = await http.get("/staff/failed?lang=en")
        letters = dict(re.findall(r'data-dead-letter="(\d+)">(.*?)</li>', page.text, re.S))
        assert len(letters) == 2
        [email_id] = [int(i) for i, card in letters.items() if "e-mail to the guest" in card]
        [message_id] = [int(i) for i in letters if int(i) != email_id]
        card = letters[str(email_id)]
        assert "To: carmen@example.com" in card
        assert "Subject: Your booking &lt;MDP-4821&gt;" in card
        assert "email_disabled" in card

        path = f"/staff/failed/{message_id}/discard"
        assert (await http.post(path)).status_code == 403, "no CSRF token"
        assert (await http.post(path, data={"csrf_token": "forged-0123456789"})).status_code == 403
        token = await csrf_of(http, "/staff/failed")
        discarded = await http.post(path, data={"csrf_token": token})
        assert discarded.headers["location"] == "/staff/failed"
        page = await http.get("/staff/failed?lang=en")
        assert re.findall(r'data-dead-letter="(\d+)"', page.text) == [str(email_id)]

        # Discarded is final: neither discarded again nor retried.
        again = await http.post(path, data={"csrf_token": token})
        assert again.headers["location"] == "/staff/failed?error=not_discarded"
        resent = await http.post(f"/staff/failed/{message_id}/resend", data={"csrf_token": token})
        assert resent.headers["location"] == "/staff/failed?error=not_resent"
        assert (
            await http.post("/staff/failed/999999/discard", data={"csrf_token": token})
        ).status_code == 404
        await pipeline.deliver()
        assert channel.sent == []

        conversation_page = await http.get(f"/staff/conversations/{conversation.id}?lang=en")
        assert "marta discarded a failed send" in conversation_page.text

    async with runtime.sessions() as session:
        states = sorted(await session.scalars(select(OutboxItem.state)))
    assert states == ["dead", "discarded"]
    assert [(who, action) for who, action, _ in await audit(runtime)] == [
        ("marta", "login"),
        ("marta", "discard"),
    ]
