"""A booking made on WhatsApp end to end: signed webhooks in, replies at a fake Graph API, the
booking in the PMS simulator under the guest's WhatsApp number."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
from tests.fakes.graph_api import FakeGraphApi
from tests.support import signed_headers, whatsapp_fixture

from hotel_agent.settings import Settings


class WhatsAppGuest:
    """Ana (wa_id 34611111111, from the fixtures) writing to the hotel."""

    def __init__(self, base_url: str, graph: FakeGraphApi) -> None:
        self.base_url = base_url
        self.graph = graph
        self.sequence = 0
        self.seen = 0  # messages of the fake already returned

    def _post(self, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        answer = httpx.post(
            f"{self.base_url}/webhooks/whatsapp",
            content=body,
            headers=signed_headers(body),
            timeout=10,
        )
        assert answer.status_code == 200

    def _message(self, fixture: str) -> tuple[dict[str, Any], dict[str, Any]]:
        payload = copy.deepcopy(whatsapp_fixture(fixture))
        message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
        self.sequence += 1
        message["id"] = f"wamid.E2E-BOOKING-{self.sequence:04d}"
        return payload, message

    def types(self, text: str) -> None:
        payload, message = self._message("text_es")
        message["text"]["body"] = text
        self._post(payload)

    def taps(self, kind: str, choice_id: str, title: str) -> None:
        payload, message = self._message("list_reply")
        message["interactive"] = {"type": kind, kind: {"id": choice_id, "title": title}}
        self._post(payload)

    def replies_after(self, action: Any, *args: Any, expect: int = 1) -> list[dict[str, Any]]:
        """Do something, wait for `expect` new messages, return their bodies."""
        action(*args)
        sent = self.graph.wait_for_messages(self.seen + expect, timeout=30)
        fresh = sent[self.seen :]
        self.seen = len(sent)
        return [r.body for r in fresh]


def texts(bodies: list[dict[str, Any]]) -> str:
    parts = []
    for body in bodies:
        if body["type"] == "text":
            parts.append(body["text"]["body"])
        else:
            parts.append(body["interactive"]["body"]["text"])
    return "\n".join(parts)


def test_a_booking_on_whatsapp_with_list_and_buttons(
    live_server_url: str, fake_graph: FakeGraphApi, e2e_settings: Settings
) -> None:
    ana = WhatsAppGuest(live_server_url, fake_graph)

    first = ana.replies_after(ana.types, "Hola! Quiero reservar para 2 adultos", expect=2)
    assert "Ana" in texts(first), "greeted by the WhatsApp profile name"
    dates = ana.replies_after(ana.types, "del 15 al 18 de diciembre", expect=1)
    [offers] = dates
    assert offers["type"] == "interactive" and offers["interactive"]["type"] == "list"
    rows = offers["interactive"]["action"]["sections"][0]["rows"]
    assert all(len(row["title"]) <= 24 and len(row["description"]) <= 72 for row in rows)
    chosen = rows[0]

    # Before the first question for personal data: how the hotel uses them.
    details = ana.replies_after(ana.taps, "list_reply", chosen["id"], chosen["title"], expect=2)
    assert "usa tu nombre, correo y teléfono" in texts(details[:1])
    assert "correo" in texts(details[1:])

    [summary] = ana.replies_after(ana.types, "Ana Ruiz Soler, ana.ruiz@example.com")
    assert summary["interactive"]["type"] == "button"
    buttons = summary["interactive"]["action"]["buttons"]
    yes = next(b["reply"] for b in buttons if b["reply"]["id"] == "yes")

    confirmation = texts(ana.replies_after(ana.taps, "button_reply", yes["id"], yes["title"]))
    assert "Reserva confirmada" in confirmation

    database = Path(e2e_settings.database_url.split("///", 1)[1])
    with sqlite3.connect(database) as connection:
        rows_found = connection.execute(
            "SELECT reference, guest_name, guest_email, guest_phone, adults, room_type_id "
            "FROM pms_sim_bookings"
        ).fetchall()
    [(reference, name, email, phone, adults, _room)] = rows_found
    assert reference in confirmation
    assert (name, email, adults) == ("Ana Ruiz Soler", "ana.ruiz@example.com", 2)
    assert phone is not None and phone.endswith("34611111111"), "the WhatsApp number"

    # Later, the same number asks about "my booking": found by the number, no reference needed.
    status = texts(ana.replies_after(ana.types, "¿Me dices el estado de mi reserva?"))
    assert reference in status and "confirmada" in status
