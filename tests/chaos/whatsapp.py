"""Signed WhatsApp webhook deliveries for the chaos tests, as Meta sends them."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx

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
