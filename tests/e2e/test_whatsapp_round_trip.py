"""A guest writes on WhatsApp; the reply reaches (a fake of) Meta's Graph API over HTTP."""

from __future__ import annotations

import json

import httpx
from tests.fakes.graph_api import FakeGraphApi
from tests.support import PHONE_NUMBER_ID, signed_headers, whatsapp_fixture


def post_signed(base_url: str, fixture_name: str) -> httpx.Response:
    body = json.dumps(whatsapp_fixture(fixture_name)).encode()
    return httpx.post(
        f"{base_url}/webhooks/whatsapp", content=body, headers=signed_headers(body), timeout=10
    )


def test_signed_webhook_in_reply_out(live_server_url: str, fake_graph: FakeGraphApi) -> None:
    answer = post_signed(live_server_url, "text_es")
    assert answer.status_code == 200

    [reply] = fake_graph.wait_for_messages(1, timeout=15)

    assert reply.path == f"/v23.0/{PHONE_NUMBER_ID}/messages"
    assert reply.body["to"] == "34611111111"
    assert reply.body["messaging_product"] == "whatsapp"
    text = json.dumps(reply.body, ensure_ascii=False)
    assert "Hotel Mirador del Puerto" in text, "the Spanish greeting names the hotel (its PMS name)"
    receipts = fake_graph.read_receipts
    assert [r.body["message_id"] for r in receipts] == [
        "wamid.HBgLMzQ2MTExMTExMTEVAgASGBQzQUE1RTI0QjQ3MjBGRkIzRTY2MwA="
    ]


def test_a_redelivered_webhook_is_answered_once(
    live_server_url: str, fake_graph: FakeGraphApi
) -> None:
    for _ in range(3):
        assert post_signed(live_server_url, "text_en").status_code == 200
    # Another guest's message afterwards: once its replies are out, any reply to a duplicate
    # would have been sent before them.
    assert post_signed(live_server_url, "text_es").status_code == 200

    sent = fake_graph.wait_for_messages(4, timeout=15)

    to_john = [r for r in sent if r.body["to"] == "447700900123"]
    to_ana = [r for r in sent if r.body["to"] == "34611111111"]
    assert len(to_john) == len(to_ana) == 2, "greeting + answer, once each"
    assert len(fake_graph.sent) == 4
