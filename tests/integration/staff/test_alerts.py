"""The staff alert hook over real HTTP: one alert per handoff with the conversation's details, and
one when the guest writes again to staff (once per run of their messages), delivered by the
sender from the outbox (so retried when the hook fails), none when no hook is configured."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select, update

from hotel_agent.channels.port import SendError
from hotel_agent.channels.staff_webhook import StaffWebhook
from hotel_agent.channels.webchat.channel import WebChatChannel
from hotel_agent.conversations.turns import turn_worker
from hotel_agent.db.models import Conversation, DeadLetter, InboxEvent, OutboxItem, QueueState
from hotel_agent.dialogue.port import TurnInput, TurnOutput
from hotel_agent.inbox.sender import Sender
from hotel_agent.runtime import Runtime
from hotel_agent.staff import service
from hotel_agent.staff.schemas import StaffReplyIn
from tests.fakes.alert_hook import FakeAlertHook
from tests.fakes.collecting_channel import CollectingChannel
from tests.integration.inbox.helpers import whatsapp_text
from tests.integration.staff.helpers import (
    ReceptionEngine,
    eventually,
    outbox_settled,
    staff_settings,
)

MakeRuntime = Callable[..., Awaitable[Runtime]]
GUEST = "34611111111"


@pytest.fixture
def hook() -> Iterator[FakeAlertHook]:
    with FakeAlertHook() as fake:
        yield fake


async def start(
    database_url: str, make_runtime: MakeRuntime, alert_url: str, **queue: float
) -> Runtime:
    runtime = await make_runtime(
        staff_settings(database_url, alert_url=alert_url, **queue),
        dialogue=ReceptionEngine(),
        channels={"whatsapp": CollectingChannel(), "webchat": WebChatChannel()},
    )
    runtime.start_background()
    return runtime


async def guest_writes(runtime: Runtime, wamid: str, text: str) -> None:
    """A WhatsApp message from Ana, and wait until its turn has run."""
    await runtime.ingest.accept(
        runtime.hotels.default_hotel_id, [whatsapp_text(wamid, GUEST, text)]
    )

    async def done() -> bool:
        async with runtime.sessions() as session:
            event = await session.scalar(
                select(InboxEvent).where(InboxEvent.provider_message_id == wamid)
            )
        return event is not None and event.state == QueueState.DONE

    await eventually(done)


async def alert_rows(runtime: Runtime) -> list[OutboxItem]:
    async with runtime.sessions() as session:
        rows = await session.scalars(
            select(OutboxItem).where(OutboxItem.kind == "alert").order_by(OutboxItem.id)
        )
        return list(rows)


async def test_each_handoff_alerts_staff_once_with_the_conversations_details(
    database_url: str, make_runtime: MakeRuntime, hook: FakeAlertHook
) -> None:
    runtime = await start(database_url, make_runtime, hook.url)

    await guest_writes(runtime, "wamid.A1", "Buenas, quiero hablar con una persona")
    [received] = await hook.wait_for_async(1)

    assert received.content_type == "application/json"
    body: dict[str, Any] = received.body
    conversation_id = body["conversation_id"]
    assert body == {
        "event": "handoff",
        "conversation_id": conversation_id,
        "hotel": {"id": runtime.hotels.default_hotel_id, "slug": "prueba", "name": "Hotel Prueba"},
        "channel": "whatsapp",
        "reason": "requested",
        "guest_name": "Ana Ruiz",
        "last_message": "Buenas, quiero hablar con una persona",
        "staff_url": f"/staff/conversations/{conversation_id}",
        "text": (
            f"Hotel Prueba: Ana Ruiz on whatsapp needs staff (requested), conversation "
            f"{conversation_id}. Last message: Buenas, quiero hablar con una persona"
        ),
    }
    await eventually(lambda: outbox_settled(runtime))
    assert len(hook.received) == 1
    [row] = await alert_rows(runtime)
    assert (row.state, row.attempts, row.conversation_id) == ("sent", 1, conversation_id)

    # Staff own it: no new handoff, but the guest writing again is told once per run of
    # their messages (not for the second in a row), like the e-mail.
    await guest_writes(runtime, "wamid.A2", "¿hola?")
    await guest_writes(runtime, "wamid.A3", "¿hay alguien?")
    [_, wrote] = await hook.wait_for_async(2)
    await eventually(lambda: outbox_settled(runtime))
    assert len(hook.received) == 2
    assert wrote.body == {
        **body,
        "event": "guest_wrote",
        "last_message": "¿hola?",
        "text": (
            f"Hotel Prueba: Ana Ruiz on whatsapp wrote again, conversation {conversation_id}. "
            "Last message: ¿hola?"
        ),
    }

    # Staff answer: the guest's next message is told again.
    await service.reply(
        runtime.sessions,
        runtime.channels,
        runtime.signals,
        conversation_id,
        StaffReplyIn(text="Aquí estoy"),
    )
    await guest_writes(runtime, "wamid.A4", "gracias")
    await hook.wait_for_async(3)

    # Handed back, and handed over again: a handoff alert.
    await service.hand_back(runtime.sessions, conversation_id)
    await guest_writes(runtime, "wamid.A5", "otra vez, una persona por favor")
    await hook.wait_for_async(4)
    await eventually(lambda: outbox_settled(runtime))
    assert [(alert["event"], alert["last_message"]) for alert in hook.accepted] == [
        ("handoff", "Buenas, quiero hablar con una persona"),
        ("guest_wrote", "¿hola?"),
        ("guest_wrote", "gracias"),
        ("handoff", "otra vez, una persona por favor"),
    ]


async def test_a_failing_hook_is_retried_until_it_accepts(
    database_url: str, make_runtime: MakeRuntime, hook: FakeAlertHook
) -> None:
    hook.fail_next(500)
    hook.fail_next(503)
    runtime = await start(database_url, make_runtime, hook.url)

    await guest_writes(runtime, "wamid.R1", "una persona, por favor")
    received = await hook.wait_for_async(3)
    await eventually(lambda: outbox_settled(runtime))

    assert [r.status for r in received] == [500, 503, 200]
    assert received[0].body == received[2].body, "the same alert, retried"
    [row] = await alert_rows(runtime)
    assert (row.state, row.attempts) == ("sent", 3)
    assert len(hook.received) == 3


async def test_a_hook_that_refuses_the_alert_dead_letters_it(
    database_url: str, make_runtime: MakeRuntime, hook: FakeAlertHook
) -> None:
    hook.fail_next(400)
    runtime = await start(database_url, make_runtime, hook.url)

    await guest_writes(runtime, "wamid.D1", "una persona, por favor")
    await hook.wait_for_async(1)
    await eventually(lambda: outbox_settled(runtime))

    assert [r.status for r in hook.received] == [400], "a 4xx is not retried"
    [row] = await alert_rows(runtime)
    assert row.state == "dead"
    async with runtime.sessions() as session:
        [dead] = (await session.scalars(select(DeadLetter))).all()
    assert (dead.source, dead.channel, dead.reason, dead.error_code) == (
        "outbox",
        "staff_webhook",
        "webhook_rejected",
        400,
    )
    assert dead.payload["kind"] == "alert"
    assert dead.payload["conversation_id"] == row.conversation_id
    assert hook.url not in (dead.detail or ""), "the hook's URL (its secret) is not stored"


async def test_no_alert_without_a_hook(
    database_url: str, make_runtime: MakeRuntime, hook: FakeAlertHook
) -> None:
    runtime = await start(database_url, make_runtime, alert_url="")

    await guest_writes(runtime, "wamid.N1", "una persona, por favor")
    await eventually(lambda: outbox_settled(runtime))

    async with runtime.sessions() as session:
        overview = await service.list_conversations(session)
    assert [c.handoff_reason for c in overview.conversations] == ["requested"]
    assert await alert_rows(runtime) == []
    assert hook.received == []


async def test_a_staff_takeover_does_not_alert(
    sqlite_url: str, make_runtime: MakeRuntime, hook: FakeAlertHook
) -> None:
    runtime = await start(sqlite_url, make_runtime, hook.url)
    await guest_writes(runtime, "wamid.T1", "Hola")
    async with runtime.sessions() as session:
        [conversation] = (await service.list_conversations(session, "all")).conversations

    await service.take_over(runtime.sessions, conversation.id)
    await eventually(lambda: outbox_settled(runtime))

    assert await alert_rows(runtime) == []
    assert hook.received == []


async def test_the_webhook_maps_answers_and_network_errors_to_send_errors(
    hook: FakeAlertHook,
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    async with httpx.AsyncClient() as http:
        webhook = StaffWebhook(http, hook.url, timeout=5)
        await webhook.post({"event": "handoff"})
        assert hook.accepted == [{"event": "handoff"}]

        for status, reason, retryable in (
            (500, "webhook_unavailable", True),
            (429, "webhook_unavailable", True),
            (404, "webhook_rejected", False),
            (301, "webhook_rejected", False),  # a redirect is not followed
        ):
            hook.fail_next(status)
            with pytest.raises(SendError) as refused:
                await webhook.post({"event": "handoff"})
            assert (refused.value.reason, refused.value.retryable) == (reason, retryable)
            assert refused.value.code == status

        unreachable = StaffWebhook(http, f"http://127.0.0.1:{closed_port}/hook", timeout=5)
        with pytest.raises(SendError) as failed:
            await unreachable.post({"event": "handoff"})
        assert (failed.value.reason, failed.value.retryable) == ("network", True)
        assert str(closed_port) not in str(failed.value)


async def test_a_handoff_whose_turn_does_not_commit_neither_alerts_nor_counts(
    database_url: str, make_runtime: MakeRuntime, hook: FakeAlertHook
) -> None:
    """The alert is part of the turn's transaction: a worker that lost its lease while the
    engine was deciding the handoff leaves no owner change, no alert, no count."""
    runtime = await make_runtime(staff_settings(database_url, alert_url=hook.url))

    class LeaseLosingEngine:
        async def handle(self, turn: TurnInput) -> TurnOutput:
            # Meanwhile the lease expired and another worker claimed the turn.
            async with runtime.sessions() as session, session.begin():
                await session.execute(update(InboxEvent).values(lease_owner="another-worker"))
            return await ReceptionEngine().handle(turn)

    def requested() -> float:
        value = REGISTRY.get_sample_value("hotel_agent_handoffs_total", {"reason": "requested"})
        return value or 0.0

    before = requested()
    await runtime.ingest.accept(
        runtime.hotels.default_hotel_id, [whatsapp_text("wamid.L1", GUEST, "una persona")]
    )
    worker = turn_worker(
        runtime.sessions,
        LeaseLosingEngine(),
        runtime.signals,
        runtime.settings.queue,
        alert_staff=True,
    )

    assert await worker.process_next()

    async with runtime.sessions() as session:
        conversation = await session.scalar(select(Conversation))
    assert conversation is not None
    assert (conversation.owner, conversation.handoff_reason) == ("bot", None)
    assert await alert_rows(runtime) == []
    assert requested() == before
    assert hook.received == []


async def test_an_alert_queued_where_the_sender_has_no_hook_is_dead_lettered_with_the_reason(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    """A worker process with the hook configured, a sender process without it."""
    runtime = await make_runtime(staff_settings(sqlite_url), dialogue=ReceptionEngine())
    engine = ReceptionEngine()
    worker = turn_worker(
        runtime.sessions, engine, runtime.signals, runtime.settings.queue, alert_staff=True
    )
    sender = Sender(runtime.sessions, runtime.channels, runtime.signals, runtime.settings.queue)
    await runtime.ingest.accept(
        runtime.hotels.default_hotel_id, [whatsapp_text("wamid.X1", GUEST, "una persona")]
    )
    assert await worker.process_next()
    while await sender.send_next():
        pass

    [row] = await alert_rows(runtime)
    assert row.state == "dead"
    async with runtime.sessions() as session:
        reasons = (await session.scalars(select(DeadLetter.reason))).all()
    assert "alerts_disabled" in reasons
