"""Hostile or odd webhook deliveries on both databases: 4xx for the client's mistakes, and one
bad message never blocks the good ones of the same delivery (issue 9, items 5-7)."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
from sqlalchemy import select

from hotel_agent.conversations.turns import turn_worker
from hotel_agent.db.models import DeadLetter, Guest, InboxEvent, Message
from hotel_agent.runtime import Runtime
from tests.support import signed_headers, whatsapp_fixture


async def post(client: httpx.AsyncClient, payload: Any) -> httpx.Response:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return await client.post("/webhooks/whatsapp", content=body, headers=signed_headers(body))


def value_of(payload: dict[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = payload["entry"][0]["changes"][0]["value"]
    return value


async def run_turns(runtime: Runtime) -> None:
    worker = turn_worker(
        runtime.sessions, runtime.dialogue, runtime.signals, runtime.settings.queue
    )
    while await worker.process_next():
        pass


async def test_deeply_nested_json_is_a_400_not_a_500(client: httpx.AsyncClient) -> None:
    deep = b"[" * 5000 + b"]" * 5000
    answer = await post(client, b'{"object": "whatsapp_business_account", "entry": ' + deep + b"}")
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_request"
    assert "nested too deeply" in answer.json()["detail"]


async def test_one_oversized_message_never_blocks_the_good_ones(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    payload = whatsapp_fixture("text_es")
    value = value_of(payload)
    good = value["messages"][0]
    long_id = {**copy.deepcopy(good), "id": "wamid." + "x" * 300}
    long_sender = {**copy.deepcopy(good), "id": "wamid.LONGSENDER", "from": "3" * 40}
    odd_type = {**copy.deepcopy(good), "id": "wamid.ODDTYPE", "type": "t" * 40}
    value["contacts"] = []  # no contact to fall back on for the long sender
    value["messages"] = [long_id, long_sender, odd_type, good]

    answer = await post(client, payload)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"messages": 2, "statuses": 0}
    async with runtime.sessions() as session:
        stored = (await session.scalars(select(InboxEvent).order_by(InboxEvent.id))).all()
    assert [(e.provider_message_id, e.message_type) for e in stored] == [
        ("wamid.ODDTYPE", "unknown"),
        (good["id"], "text"),
    ]


async def test_a_long_profile_name_and_user_id_never_dead_letter_the_turn(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    payload = whatsapp_fixture("text_es")
    value = value_of(payload)
    value["contacts"][0]["profile"]["name"] = "N" * 500
    value["contacts"][0]["user_id"] = "U" * 300

    assert (await post(client, payload)).status_code == 200
    await run_turns(runtime)

    async with runtime.sessions() as session:
        dead = (await session.scalars(select(DeadLetter))).all()
        guest = await session.scalar(select(Guest))
        replies = (await session.scalars(select(Message).where(Message.direction == "out"))).all()
    assert dead == []
    assert guest is not None and guest.display_name == "N" * 200
    assert len(replies) == 1, "the guest was answered"


async def test_a_status_error_code_beyond_32_bits_is_stored_safely(
    client: httpx.AsyncClient,
) -> None:
    payload = whatsapp_fixture("status_failed_outside_window")
    value_of(payload)["statuses"][0]["errors"][0]["code"] = 2**40
    value_of(payload)["statuses"][0]["errors"][0]["title"] = "nul\x00inside"

    answer = await post(client, payload)

    assert answer.status_code == 200, answer.text


async def test_both_identities_of_one_guest_share_one_inbox_key(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    with_number = whatsapp_fixture("text_es")
    value_of(with_number)["messages"][0]["from_user_id"] = "ES.1234567890123"
    # The same guest, now hiding their number: only the business-scoped user id.
    hidden = whatsapp_fixture("text_es")
    message = value_of(hidden)["messages"][0]
    message.pop("from")
    message.update(id="wamid.HIDDEN1", from_user_id="ES.1234567890123")
    value_of(hidden)["contacts"][0].pop("wa_id")

    assert (await post(client, with_number)).status_code == 200
    assert (await post(client, hidden)).status_code == 200

    async with runtime.sessions() as session:
        keys = (await session.scalars(select(InboxEvent.conversation_key))).all()
    assert len(keys) == 2 and len(set(keys)) == 1, keys
