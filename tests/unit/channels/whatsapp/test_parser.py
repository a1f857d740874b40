from datetime import UTC, datetime
from typing import Any

import pytest

from hotel_agent.channels.port import InboundMessage, Location, Media
from hotel_agent.channels.whatsapp.parser import (
    DeliveryError,
    ReceivedMessage,
    StatusUpdate,
    parse_webhook,
)
from tests.fixtures.whatsapp import fixture_names, load_fixture

HOTEL_NUMBER = "106540352242922"
ANA = {"sender_id": "34611111111", "sender_alt_id": "ES.1234567890123", "sender_name": "Ana Ruiz"}
WINDOW_TEXT = (
    "Message failed to send because more than 24 hours have passed since the customer last "
    "replied to this number."
)


def at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def inbound(provider_message_id: str, type: str, **fields: Any) -> InboundMessage:
    fields = {**ANA, "timestamp": at(1764350000), **fields}
    return InboundMessage(
        channel="whatsapp", provider_message_id=provider_message_id, type=type, **fields
    )


EXPECTED_MESSAGES: dict[str, list[InboundMessage]] = {
    "text_es": [
        inbound(
            "wamid.HBgLMzQ2MTExMTExMTEVAgASGBQzQUE1RTI0QjQ3MjBGRkIzRTY2MwA=",
            "text",
            text="Hola! ¿Tienen habitación doble del 15 al 18 de diciembre para 2 personas?",
        )
    ],
    "text_en": [
        inbound(
            "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FCMTIzNDU2Nzg5MEFCQ0RFRgA=",
            "text",
            sender_id="447700900123",
            sender_alt_id=None,
            sender_name="John Smith",
            text="Hi, do you have a room for two adults next weekend?",
            timestamp=at(1764350100),
        )
    ],
    "batch_two_messages": [
        inbound("wamid.BATCH0001", "text", text="Hola"),
        inbound("wamid.BATCH0002", "text", text="quiero reservar", timestamp=at(1764350001)),
    ],
    "audio_voice_note": [
        inbound(
            "wamid.AUDIO0001",
            "audio",
            media=Media(
                id="1460112233445566",
                mime_type="audio/ogg; codecs=opus",
                sha256="0f9d1c2b3a4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
                voice=True,
            ),
        )
    ],
    "image_with_caption": [
        inbound(
            "wamid.IMAGE0001",
            "image",
            text="comprobante de pago",
            media=Media(
                id="2460112233445566",
                mime_type="image/jpeg",
                sha256="aa9d1c2b3a4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
                caption="comprobante de pago",
            ),
        )
    ],
    "location": [
        inbound(
            "wamid.LOC0001",
            "location",
            location=Location(
                latitude=-34.6037,
                longitude=-58.3816,
                name="Obelisco",
                address="Av. 9 de Julio, Buenos Aires",
            ),
        )
    ],
    "button_reply": [
        inbound(
            "wamid.BTN0001",
            "interactive",
            text="Confirmar",
            choice_id="confirm_booking",
            context_message_id="wamid.OURS0001",
        )
    ],
    "list_reply": [
        inbound(
            "wamid.LIST0001",
            "interactive",
            text="Doble Superior",
            choice_id="room_type:2",
            context_message_id="wamid.OURS0002",
        )
    ],
    "template_quick_reply": [
        inbound("wamid.TPLBTN0001", "button", text="Sí, llego hoy", choice_id="checkin_yes")
    ],
    "reaction": [
        inbound("wamid.REACT0001", "reaction", reaction_to="wamid.OURS0003", reaction_emoji="👍")
    ],
    "unsupported": [inbound("wamid.UNSUP0001", "unsupported")],
    "no_wa_id_username_user": [
        inbound(
            "wamid.BSUID0001",
            "text",
            sender_id="AR.9876543210987",
            sender_alt_id=None,
            sender_name="Lucía",
            text="Buenas, ¿a qué hora es el check-in?",
            timestamp=at(1764350200),
        )
    ],
}

EXPECTED_STATUSES: dict[str, list[StatusUpdate]] = {
    "status_sent_delivered_read": [
        StatusUpdate(
            phone_number_id=HOTEL_NUMBER,
            provider_message_id="wamid.OURS0001",
            status=status,
            timestamp=at(epoch),
            recipient_id="34611111111",
        )
        for status, epoch in [("sent", 1764350010), ("delivered", 1764350011), ("read", 1764350020)]
    ],
    "status_failed_outside_window": [
        StatusUpdate(
            phone_number_id=HOTEL_NUMBER,
            provider_message_id="wamid.OURS0009",
            status="failed",
            timestamp=at(1764440000),
            recipient_id="34611111111",
            errors=[DeliveryError(code=131047, title="Re-engagement message", detail=WINDOW_TEXT)],
        )
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_MESSAGES))
def test_each_message_fixture_parses_to_the_exact_inbound_messages(name: str) -> None:
    parsed = parse_webhook(load_fixture(name))

    assert parsed.messages == [
        ReceivedMessage(phone_number_id=HOTEL_NUMBER, message=message)
        for message in EXPECTED_MESSAGES[name]
    ]
    assert parsed.statuses == []


@pytest.mark.parametrize("name", sorted(EXPECTED_STATUSES))
def test_each_status_fixture_parses_to_the_exact_status_updates(name: str) -> None:
    parsed = parse_webhook(load_fixture(name))

    assert parsed.statuses == EXPECTED_STATUSES[name]
    assert parsed.messages == []


def test_every_webhook_fixture_has_expectations() -> None:
    webhooks = {name for name in fixture_names() if not name.startswith("graph_")}

    assert webhooks == set(EXPECTED_MESSAGES) | set(EXPECTED_STATUSES)


def test_timestamps_are_timezone_aware_utc() -> None:
    message = parse_webhook(load_fixture("text_es")).messages[0].message

    assert message.timestamp.utcoffset() is not None
    assert message.timestamp == datetime(2025, 11, 28, 17, 13, 20, tzinfo=UTC)


def test_several_entries_and_changes_are_all_processed_in_order() -> None:
    first, second = load_fixture("text_es"), load_fixture("text_en")
    statuses = load_fixture("status_sent_delivered_read")["entry"][0]["changes"][0]
    first["entry"][0]["changes"].append(statuses)
    first["entry"].append(second["entry"][0])

    parsed = parse_webhook(first)

    assert [m.message.sender_id for m in parsed.messages] == ["34611111111", "447700900123"]
    assert [s.status for s in parsed.statuses] == ["sent", "delivered", "read"]


def test_a_change_can_carry_messages_and_statuses_together() -> None:
    data = load_fixture("text_es")
    value = data["entry"][0]["changes"][0]["value"]
    value["statuses"] = load_fixture("status_failed_outside_window")["entry"][0]["changes"][0][
        "value"
    ]["statuses"]

    parsed = parse_webhook(data)

    assert len(parsed.messages) == 1
    assert [s.status for s in parsed.statuses] == ["failed"]
