"""Signed WhatsApp webhook deliveries for the chaos tests, as Meta sends them."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx

from tests.chaos.harness import ChaosDatabase, eventually
from tests.fakes.graph_api import FakeGraphApi
from tests.support import signed_headers, whatsapp_fixture


def text_delivery(wa_id: str, message_id: str, text: str, *, name: str = "Guest") -> bytes:
    """One text message from `wa_id` (its own conversation), signed-ready JSON."""
    payload = copy.deepcopy(whatsapp_fixture("text_es"))
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"] = [{"profile": {"name": name}, "wa_id": wa_id}]
    message = value["messages"][0]
    message.update({"from": wa_id, "id": message_id})
    message["text"]["body"] = text
    return json.dumps(payload).encode()


def choice_delivery(wa_id: str, message_id: str, kind: str, choice_id: str, title: str) -> bytes:
    """The guest taps a list row (`list_reply`) or a reply button (`button_reply`)."""
    payload = json.loads(text_delivery(wa_id, message_id, ""))
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    del message["text"]
    message.update(
        type="interactive", interactive={"type": kind, kind: {"id": choice_id, "title": title}}
    )
    return json.dumps(payload).encode()


async def deliver(client: httpx.AsyncClient, body: bytes) -> int:
    """POST one delivery; the status code, or 0 when the connection failed."""
    try:
        answer = await client.post("/webhooks/whatsapp", content=body, headers=signed_headers(body))
    except httpx.TransportError:
        return 0
    return answer.status_code


async def deliver_until_acknowledged(
    client: httpx.AsyncClient, body: bytes, *, attempts: int = 100
) -> int:
    """Meta's behaviour: redeliver until a 200 (it backs off; the test need not wait long)."""
    import asyncio

    for _ in range(attempts):
        status = await deliver(client, body)
        if status == 200:
            return status
        await asyncio.sleep(0.2)
    return status


def texts(bodies: list[dict[str, Any]]) -> str:
    """The readable text of Graph API message bodies (text, buttons, list)."""
    parts = []
    for body in bodies:
        if body.get("type") == "text":
            parts.append(body["text"]["body"])
        elif body.get("type") == "interactive":
            parts.append(body["interactive"]["body"]["text"])
    return "\n".join(parts)


class WhatsAppGuest:
    """A guest with a whole conversation: each step waits until the turn is done and its
    replies were sent, then returns the Graph API bodies sent to this guest since the last."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        graph: FakeGraphApi,
        database: ChaosDatabase,
        wa_id: str,
        *,
        name: str = "Ana Ruiz",
    ) -> None:
        self.client, self.graph, self.database = client, graph, database
        self.wa_id, self.name = wa_id, name
        self.sequence = 0
        self.seen = 0

    def next_id(self) -> str:
        self.sequence += 1
        return f"wamid.CHAOS-{self.wa_id}-{self.sequence:03d}"

    async def says(self, text: str, *, wait: bool = True) -> list[dict[str, Any]]:
        message_id = self.next_id()
        return await self._send(
            message_id, text_delivery(self.wa_id, message_id, text, name=self.name), wait
        )

    async def taps(
        self, kind: str, choice_id: str, title: str, *, wait: bool = True
    ) -> list[dict[str, Any]]:
        message_id = self.next_id()
        return await self._send(
            message_id, choice_delivery(self.wa_id, message_id, kind, choice_id, title), wait
        )

    async def _send(self, message_id: str, body: bytes, wait: bool) -> list[dict[str, Any]]:
        assert await deliver(self.client, body) == 200
        if not wait:
            return []
        await self.answered(message_id)
        return self.fresh()

    async def answered(self, message_id: str, timeout: float = 60) -> None:
        """Wait until the turn of `message_id` is done and every reply left the outbox."""

        async def done() -> bool:
            turn_done = await self.database.scalar(
                "SELECT count(*) FROM inbox_events WHERE provider_message_id = :id "
                "AND state = 'done'",
                id=message_id,
            )
            return turn_done == 1 and await self.database.settled()

        await eventually(
            done,
            timeout=timeout,
            what=f"the turn of {message_id} answered",
            explain=self.database.queues,
        )

    def fresh(self) -> list[dict[str, Any]]:
        """Bodies sent to this guest since the last call."""
        mine = [r.body for r in self.graph.sent if r.body.get("to") == self.wa_id]
        fresh, self.seen = mine[self.seen :], len(mine)
        return fresh


async def assert_each_reply_sent_once(
    database: ChaosDatabase, graph: FakeGraphApi, *, in_order: bool = False
) -> None:
    """Every reply in the transcript (but those dead-lettered) reached the Graph API exactly
    once, and nothing else did: the provider ids recorded on the replies are the ids the fake
    answered, one for one; `in_order` (one conversation): in the transcript's order too."""
    recorded = [
        str(row[0])
        for row in await database.rows(
            "SELECT provider_message_id FROM messages WHERE direction = 'out' "
            "AND status <> 'dead' ORDER BY id"
        )
    ]
    accepted = [str(r.wamid) for r in graph.sent]
    if not in_order:
        recorded, accepted = sorted(recorded), sorted(accepted)
    assert accepted == recorded, "a reply sent twice, out of order, or sent unrecorded"
