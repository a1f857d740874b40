"""The WhatsApp webhook on real databases, through the ASGI app."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from hotel_agent.conversations.turns import turn_worker
from hotel_agent.db.models import DeadLetter, InboxEvent, Message
from hotel_agent.inbox.ingest import Ingest
from hotel_agent.inbox.sender import Sender
from hotel_agent.runtime import Runtime
from tests.fakes.collecting_channel import CollectingChannel
from tests.support import VERIFY_TOKEN, signed_headers, whatsapp_fixture

fixture = whatsapp_fixture
signed = signed_headers


async def count(runtime: Runtime, model: Any) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_verification_handshake(client: httpx.AsyncClient) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "12345"}
    ok = await client.get("/webhooks/whatsapp", params=params)
    assert ok.status_code == 200 and ok.text == "12345"
    bad = await client.get("/webhooks/whatsapp", params={**params, "hub.verify_token": "nope"})
    assert bad.status_code == 403


async def test_fifty_concurrent_deliveries_store_one_row_and_send_one_reply(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    body = json.dumps(fixture("text_es")).encode()

    answers = await asyncio.gather(
        *(client.post("/webhooks/whatsapp", content=body, headers=signed(body)) for _ in range(50))
    )

    assert {a.status_code for a in answers} == {200}
    assert sum(a.json()["messages"] for a in answers) == 1
    assert await count(runtime, InboxEvent) == 1
    worker = turn_worker(
        runtime.sessions, runtime.dialogue, runtime.signals, runtime.settings.queue
    )
    sender = Sender(runtime.sessions, runtime.channels, runtime.signals, runtime.settings.queue)
    while await worker.process_next():
        pass
    while await sender.send_next():
        pass
    channel = runtime.channels["whatsapp"]
    assert isinstance(channel, CollectingChannel)
    assert len(channel.sent) == 1
    assert channel.sent[0][1].text.startswith("echo: Hola!")


async def test_a_batch_is_stored_in_order(client: httpx.AsyncClient, runtime: Runtime) -> None:
    body = json.dumps(fixture("batch_two_messages")).encode()
    answer = await client.post("/webhooks/whatsapp", content=body, headers=signed(body))
    assert answer.json() == {"messages": 2, "statuses": 0}
    async with runtime.sessions() as session:
        ids = (
            await session.scalars(select(InboxEvent.provider_message_id).order_by(InboxEvent.id))
        ).all()
    assert ids == ["wamid.BATCH0001", "wamid.BATCH0002"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"X-Hub-Signature-256": "sha256=" + "0" * 64}, 403),
        ({"X-Hub-Signature-256": "garbage"}, 403),
    ],
)
async def test_bad_signatures_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, runtime: Runtime, headers: dict[str, str], status: int
) -> None:
    body = json.dumps(fixture("text_en")).encode()
    answer = await client.post("/webhooks/whatsapp", content=body, headers=headers)
    assert answer.status_code == status
    assert await count(runtime, InboxEvent) == 0


async def test_signed_with_another_secret_is_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    body = json.dumps(fixture("text_en")).encode()
    answer = await client.post(
        "/webhooks/whatsapp", content=body, headers=signed(body, "another-secret")
    )
    assert answer.status_code == 403
    assert await count(runtime, InboxEvent) == 0


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\xfa", "not valid JSON"),
        (b"[]", ""),
        (json.dumps({"object": "page", "entry": []}).encode(), ""),
        (json.dumps({"object": "whatsapp_business_account", "entry": "x"}).encode(), ""),
    ],
)
async def test_malformed_payloads_get_a_clear_400(
    client: httpx.AsyncClient, runtime: Runtime, body: bytes, needle: str
) -> None:
    answer = await client.post("/webhooks/whatsapp", content=body, headers=signed(body))
    assert answer.status_code == 400
    assert needle in answer.json()["detail"]
    assert answer.json()["detail"]
    assert await count(runtime, InboxEvent) == 0


async def test_an_unknown_hotel_number_is_acknowledged_but_not_processed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    payload = fixture("text_es")
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    body = json.dumps(payload).encode()
    answer = await client.post("/webhooks/whatsapp", content=body, headers=signed(body))
    assert answer.status_code == 200
    assert await count(runtime, InboxEvent) == 0


async def test_every_message_fixture_is_accepted(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    names = [
        "text_es", "text_en", "audio_voice_note", "image_with_caption", "location",
        "button_reply", "list_reply", "template_quick_reply", "reaction", "unsupported",
        "no_wa_id_username_user",
    ]  # fmt: skip
    for name in names:
        body = json.dumps(fixture(name)).encode()
        answer = await client.post("/webhooks/whatsapp", content=body, headers=signed(body))
        assert answer.status_code == 200, name
    assert await count(runtime, InboxEvent) == len(names)
    worker = turn_worker(
        runtime.sessions, runtime.dialogue, runtime.signals, runtime.settings.queue
    )
    while await worker.process_next():
        pass
    async with runtime.sessions() as session:
        states = set((await session.scalars(select(InboxEvent.state))).all())
    assert states == {"done"}, "every kind of message is handled without a crash"


async def test_hostile_text_is_stored_safely(client: httpx.AsyncClient, runtime: Runtime) -> None:
    payload = fixture("text_es")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    texts = ["   ", "😀🏨" * 500, "a" * 20000, "nul\x00byte", "lone \ud800 surrogate"]
    for n, text in enumerate(texts):
        one = copy.deepcopy(payload)
        one["entry"][0]["changes"][0]["value"]["messages"][0] = {
            **message, "id": f"wamid.HOSTILE{n}", "text": {"body": text}
        }  # fmt: skip
        body = json.dumps(one).encode()
        answer = await client.post("/webhooks/whatsapp", content=body, headers=signed(body))
        assert answer.status_code == 200, repr(text[:20])
    worker = turn_worker(
        runtime.sessions, runtime.dialogue, runtime.signals, runtime.settings.queue
    )
    while await worker.process_next():
        pass
    async with runtime.sessions() as session:
        stored = (
            await session.scalars(select(Message.body).where(Message.direction == "in"))
        ).all()
    assert len(stored) == len(texts)
    assert "nulbyte" in stored


async def test_status_callbacks_keep_the_furthest_state_and_errors(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    body = json.dumps(fixture("text_es")).encode()
    await client.post("/webhooks/whatsapp", content=body, headers=signed(body))
    worker = turn_worker(
        runtime.sessions, runtime.dialogue, runtime.signals, runtime.settings.queue
    )
    sender = Sender(runtime.sessions, runtime.channels, runtime.signals, runtime.settings.queue)
    while await worker.process_next():
        pass
    while await sender.send_next():
        pass
    async with runtime.sessions() as session:
        ours = await session.scalar(select(Message).where(Message.direction == "out"))
    assert ours is not None and ours.provider_message_id

    def statuses(*items: tuple[str, dict[str, Any]]) -> bytes:
        payload = fixture("status_sent_delivered_read")
        value = payload["entry"][0]["changes"][0]["value"]
        value["statuses"] = [
            {"id": ours.provider_message_id, "status": s, "timestamp": "1764350011",
             "recipient_id": "34611111111", **extra}
            for s, extra in items
        ]  # fmt: skip
        return json.dumps(payload).encode()

    failed = fixture("status_failed_outside_window")["entry"][0]["changes"][0]["value"]["statuses"][
        0
    ]
    for body in (
        statuses(("read", {})),
        statuses(("delivered", {}), ("sent", {})),
        statuses(("failed", {"errors": failed["errors"]})),
    ):
        answer = await client.post("/webhooks/whatsapp", content=body, headers=signed(body))
        assert answer.status_code == 200

    async with runtime.sessions() as session:
        after = await session.get(Message, ours.id)
    assert after is not None
    assert after.status == "read", "a late 'sent' or 'failed' does not move it backwards"
    assert after.error_code == 131047, "the error is kept"


async def test_database_down_answers_503_so_meta_retries(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    dead_engine = create_async_engine(
        "postgresql+asyncpg://postgres@127.0.0.1:1/none", isolation_level="AUTOCOMMIT"
    )
    runtime.ingest = Ingest(dead_engine, runtime.signals)
    try:
        body = json.dumps(fixture("text_es")).encode()
        answer = await client.post("/webhooks/whatsapp", content=body, headers=signed(body))
    finally:
        await dead_engine.dispose()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"]


async def test_dead_letters_are_visible_in_metrics(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    async with runtime.sessions() as session, session.begin():
        session.add(DeadLetter(source="outbox", source_id=1, channel="whatsapp", reason="x"))
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert "hotel_agent_dead_letter_rows 1.0" in metrics.text
    assert 'hotel_agent_queue_depth{queue="inbox"}' in metrics.text
