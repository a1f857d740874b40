"""What each channel can do decides the turn's input and its outbox rows, never its name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotel_agent.channels.port import InboundMessage
from hotel_agent.channels.traits import PLAIN, ChannelTraits, traits_for
from hotel_agent.conversations.outbound import guest_phone


def message(channel: str, sender_id: str) -> InboundMessage:
    return InboundMessage(
        channel=channel,
        provider_message_id="m1",
        sender_id=sender_id,
        type="text",
        text="hola",
        timestamp=datetime(2026, 7, 1, tzinfo=UTC),
    )


def test_whatsapp_shows_rich_replies_read_receipts_and_proves_the_phone() -> None:
    assert traits_for("whatsapp") == ChannelTraits(
        rich_replies=True, read_receipts=True, verified_phone=True
    )


def test_the_web_chat_shows_rich_replies_with_their_lists_on_screen_only() -> None:
    assert traits_for("webchat") == ChannelTraits(rich_replies=True, inline_choices=True)


def test_e_mail_gets_plain_text_in_one_threaded_reply_per_guest_message() -> None:
    # And the sender's address is the guest's e-mail (a booking does not ask for one).
    assert traits_for("email") == ChannelTraits(
        threaded_replies=True, one_reply_per_message=True, sender_email=True
    )


def test_a_channel_nobody_described_gets_plain_text_and_nothing_else() -> None:
    assert traits_for("sms") == PLAIN == ChannelTraits()


@pytest.mark.parametrize("sender_id", ["34611111111", "+34611111111"])
def test_a_proven_phone_is_written_in_e164_however_the_provider_sends_it(sender_id: str) -> None:
    assert guest_phone(message("whatsapp", sender_id)) == "+34611111111"


def test_a_number_typed_where_anyone_could_type_it_is_no_proven_phone() -> None:
    assert guest_phone(message("webchat", "+34611111111")) is None
    assert guest_phone(message("email", "34611111111")) is None
