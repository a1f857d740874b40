"""Handoff rules without a database: owner changes, reasons, the alert body, reply window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.port import reply_window_closed
from hotel_agent.channels.staff_webhook import StaffWebhook
from hotel_agent.channels.webchat.channel import WebChatChannel
from hotel_agent.conversations.handoff import (
    Handoff,
    alert_body,
    hand_to_bot,
    hand_to_staff,
    staff_url,
)
from hotel_agent.db.models import Conversation, ConversationEvent
from hotel_agent.staff.schemas import REPLY_MAX_CHARS, StaffReplyIn
from tests.fakes.collecting_channel import CollectingChannel

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


class AddedRows:
    """Stands in for the session: the rows a change of hands adds to the transaction."""

    def __init__(self) -> None:
        self.rows: list[object] = []

    def add(self, row: object) -> None:
        self.rows.append(row)

    def events(self) -> list[tuple[str, str | None]]:
        return [(r.kind, r.reason) for r in self.rows if isinstance(r, ConversationEvent)]


def conversation() -> Conversation:
    return Conversation(id=7, channel="webchat", owner="bot", language="en", state={"flow": "x"})


@pytest.mark.parametrize(
    ("given", "recorded"),
    [
        ("complaint", "complaint"),
        ("  pms_unavailable \n", "pms_unavailable"),
        (None, "unspecified"),
        ("   ", "unspecified"),
        ("r" * 100, "r" * 64),
    ],
)
def test_handing_to_staff_records_a_clean_reason_and_the_time(
    given: str | None, recorded: str
) -> None:
    c = conversation()
    added = AddedRows()

    handoff = hand_to_staff(cast(AsyncSession, added), c, reason=given, now=NOW)

    assert handoff == Handoff(conversation_id=7, channel="webchat", reason=recorded)
    assert (c.owner, c.handoff_reason, c.handoff_at) == ("staff", recorded, NOW)
    assert added.events() == [("handoff", recorded)], "the dashboard counts it"
    assert c.state == {"flow": "x"}, "the engine's state is left alone while staff answer"


def test_handing_back_starts_the_bot_afresh_in_the_same_language() -> None:
    c = conversation()
    added = AddedRows()
    hand_to_staff(cast(AsyncSession, added), c, reason="requested", now=NOW)

    hand_to_bot(cast(AsyncSession, added), c, now=NOW)

    assert (c.owner, c.state, c.language) == ("bot", {}, "en")
    assert (c.handoff_reason, c.handoff_at) == (None, None)
    assert added.events() == [("handoff", "requested"), ("hand_back", None)]


def test_the_alert_body_says_who_where_why_and_where_to_answer() -> None:
    body = alert_body(
        Handoff(conversation_id=42, channel="whatsapp", reason="complaint"),
        hotel={"id": 1, "slug": "demo", "name": "Hotel Demo"},
        guest_name=None,
        last_guest_message="x" * 3000,
    )

    assert body["event"] == "handoff"
    assert body["staff_url"] == staff_url(42) == "/staff/conversations/42"
    assert len(body["last_message"]) == 2000
    assert body["text"].startswith(
        "Hotel Demo: a guest on whatsapp needs staff (complaint), conversation 42."
    )
    assert len(body["text"]) < 700


@pytest.mark.parametrize(
    ("text", "stored"), [("hola", "hola"), ("  hola\n", "hola"), ("x" * 4096, "x" * 4096)]
)
def test_a_reply_is_stripped(text: str, stored: str) -> None:
    assert StaffReplyIn(text=text).text == stored


@pytest.mark.parametrize("text", ["", "  ", "\n\t", "x" * (REPLY_MAX_CHARS + 1)])
def test_an_empty_or_too_long_reply_is_invalid(text: str) -> None:
    with pytest.raises(ValidationError):
        StaffReplyIn(text=text)


def test_the_reply_window() -> None:
    whatsapp = CollectingChannel()  # 24 h
    assert not reply_window_closed(whatsapp, NOW - timedelta(hours=23, minutes=59), NOW)
    assert reply_window_closed(whatsapp, NOW - timedelta(hours=24, seconds=1), NOW)
    assert reply_window_closed(whatsapp, None, NOW), "the guest never wrote: nothing free-form"
    assert not reply_window_closed(WebChatChannel(), None, NOW), "the web chat has no window"
    assert not reply_window_closed(None, None, NOW)


@pytest.mark.parametrize(
    "url", ["chat.example/hook", "ftp://chat.example/hook", "https://", "http://[::1", ""]
)
async def test_a_webhook_url_that_cannot_work_is_refused_at_start(url: str) -> None:
    async with httpx.AsyncClient() as http:
        with pytest.raises(ValueError, match="STAFF_ALERT_WEBHOOK_URL"):
            StaffWebhook(http, url, timeout=5)
