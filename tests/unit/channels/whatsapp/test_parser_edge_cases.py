"""Malformed bodies are refused with a clear message; anything merely unknown is tolerated."""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from hotel_agent.channels.port import InboundMessage
from hotel_agent.channels.whatsapp.parser import WebhookPayloadError, parse_webhook
from tests.fixtures.whatsapp import load_fixture

Mutation = Callable[[dict[str, Any]], object]


def value_of(data: dict[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = data["entry"][0]["changes"][0]["value"]
    return value


def message_of(data: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = value_of(data)["messages"][0]
    return message


def parse_one(data: dict[str, Any]) -> InboundMessage:
    parsed = parse_webhook(data)
    assert len(parsed.messages) == 1
    return parsed.messages[0].message


def with_message(**fields: Any) -> dict[str, Any]:
    """text_es with its message's fields replaced (None deletes a field)."""
    data: dict[str, Any] = load_fixture("text_es")
    message = message_of(data)
    for key, value in fields.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    return data


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ([], "the webhook body must be a JSON object, not an array"),
        ("hello", "the webhook body must be a JSON object, not a string"),
        (None, "the webhook body must be a JSON object, not null"),
        (
            {"object": "page", "entry": []},
            "'object' must be 'whatsapp_business_account', not 'page'",
        ),
        ({"entry": []}, "'object' must be 'whatsapp_business_account', not null"),
        ({"object": "whatsapp_business_account"}, "entry must be a JSON array, not null"),
        ({"object": "whatsapp_business_account", "entry": {}}, "entry must be a JSON array"),
        ({"object": "whatsapp_business_account", "entry": [7]}, "entry[0] must be a JSON object"),
        (
            {"object": "whatsapp_business_account", "entry": [{"id": "1"}]},
            "entry[0].changes must be a JSON array, not null",
        ),
        (
            {"object": "whatsapp_business_account", "entry": [{"changes": "x"}]},
            "entry[0].changes must be a JSON array, not a string",
        ),
        (
            {"object": "whatsapp_business_account", "entry": [{"changes": [[]]}]},
            "entry[0].changes[0] must be a JSON object, not an array",
        ),
    ],
)
def test_a_wrong_envelope_is_refused_naming_what_is_wrong(data: object, complaint: str) -> None:
    with pytest.raises(WebhookPayloadError, match="^" + re.escape(complaint)):
        parse_webhook(data)


@pytest.mark.parametrize(
    ("mutate", "complaint"),
    [
        (lambda d: d["entry"][0]["changes"][0].pop("value"), "value must be a JSON object"),
        (lambda d: value_of(d).pop("metadata"), "value.metadata.phone_number_id is missing"),
        (
            lambda d: value_of(d)["metadata"].pop("phone_number_id"),
            "value.metadata.phone_number_id is missing",
        ),
        (
            lambda d: value_of(d)["metadata"].update(phone_number_id=106540352242922),
            "value.metadata.phone_number_id is missing",
        ),
        (lambda d: value_of(d).update(messages={}), "value.messages must be a JSON array"),
        (lambda d: value_of(d).update(statuses="x"), "value.statuses must be a JSON array"),
        (lambda d: value_of(d).update(messages=["x"]), "messages[0] must be a JSON object"),
        (lambda d: message_of(d).pop("id"), "messages[0] has no 'id' (got null"),
        (lambda d: message_of(d).update(id=""), "messages[0] has no 'id' (got '')"),
    ],
)
def test_a_change_without_its_required_parts_is_refused(mutate: Mutation, complaint: str) -> None:
    data = load_fixture("text_es")
    mutate(data)

    with pytest.raises(WebhookPayloadError, match=re.escape(complaint)) as raised:
        parse_webhook(data)
    assert str(raised.value).startswith("entry[0].changes[0].value")


def test_a_message_without_any_sender_id_is_refused() -> None:
    data = with_message(**{"from": None})
    value_of(data)["contacts"] = []

    with pytest.raises(WebhookPayloadError, match=r"messages\[0\] has no sender"):
        parse_webhook(data)


@pytest.mark.parametrize("missing", ["id", "status"])
def test_a_status_without_id_or_status_is_refused(missing: str) -> None:
    data = load_fixture("status_failed_outside_window")
    value_of(data)["statuses"][0].pop(missing)

    with pytest.raises(WebhookPayloadError, match=rf"statuses\[0\] has no '{missing}'"):
        parse_webhook(data)


def test_the_payload_error_is_a_value_error() -> None:
    assert issubclass(WebhookPayloadError, ValueError)


def test_unknown_fields_everywhere_are_ignored() -> None:
    data = load_fixture("text_es")
    data["future"] = {"x": 1}
    data["entry"][0]["time"] = 1764350000
    value_of(data)["new_block"] = [1, 2]
    message_of(data)["brand_new_field"] = {"nested": True}
    value_of(data)["contacts"][0]["identity_key_hash"] = "abc"

    assert parse_one(data) == parse_one(load_fixture("text_es"))


def test_changes_for_other_fields_are_skipped_even_when_their_value_is_odd() -> None:
    data = load_fixture("text_es")
    data["entry"][0]["changes"].insert(0, {"field": "account_update", "value": "anything"})
    data["entry"][0]["changes"].append({"field": "message_template_status_update"})

    assert parse_one(data).text.startswith("Hola!")


def test_a_body_with_no_entries_parses_to_nothing() -> None:
    parsed = parse_webhook({"object": "whatsapp_business_account", "entry": []})

    assert parsed.messages == []
    assert parsed.statuses == []


@pytest.mark.parametrize("kind", ["order", "system", "contacts", "nfm_reply_v9"])
def test_an_unknown_message_type_is_kept_with_no_text(kind: str) -> None:
    message = parse_one(with_message(type=kind, text=None, **{kind: {"anything": [1]}}))

    assert (message.type, message.text, message.media, message.choice_id) == (kind, "", None, None)


def test_a_message_without_a_type_is_typed_unknown() -> None:
    assert parse_one(with_message(type=None)).type == "unknown"


@pytest.mark.parametrize(
    "body",
    ["", "   ", "\n\t", "😀👍🏽🇪🇸", "x" * 100_000, "línea 1\nlínea 2", "<b>not html</b>"],
)
def test_text_bodies_are_kept_exactly_as_sent(body: str) -> None:
    assert parse_one(with_message(text={"body": body})).text == body


@pytest.mark.parametrize("text", [None, "plain string", {"no_body": 1}, {"body": 42}])
def test_a_text_message_without_a_usable_body_has_empty_text(text: object) -> None:
    assert parse_one(with_message(text=text)).text == ""


def test_lone_surrogates_are_replaced_so_the_text_can_be_stored() -> None:
    message = parse_one(with_message(text={"body": "hola \ud83d"}))

    assert message.text == "hola \ufffd"
    message.model_dump_json()


@pytest.mark.parametrize("timestamp", [None, "", "soon", "1e400", "nan", True, [1]])
def test_a_missing_or_bad_timestamp_falls_back_to_now(timestamp: object) -> None:
    before = datetime.now(UTC)
    message = parse_one(with_message(timestamp=timestamp))

    assert before <= message.timestamp <= datetime.now(UTC)


def test_a_numeric_timestamp_is_accepted_too() -> None:
    assert parse_one(with_message(timestamp=1764350000)).timestamp == datetime.fromtimestamp(
        1764350000, UTC
    )


@pytest.mark.parametrize(
    ("kind", "caption_is_text"),
    [("video", True), ("document", True), ("sticker", False), ("audio", False)],
)
def test_media_messages_carry_their_media_and_caption(kind: str, caption_is_text: bool) -> None:
    media = {"id": "77", "mime_type": "x/y", "sha256": "ab", "caption": "mira", "voice": False}
    message = parse_one(with_message(type=kind, text=None, **{kind: media}))

    assert message.media is not None
    assert (message.media.id, message.media.mime_type, message.media.voice) == ("77", "x/y", False)
    assert message.text == ("mira" if caption_is_text else "")


def test_media_without_an_id_is_dropped_but_the_message_kept() -> None:
    message = parse_one(with_message(type="image", text=None, image={"caption": "hola"}))

    assert (message.type, message.media, message.text) == ("image", None, "")


def test_a_location_without_coordinates_has_no_location() -> None:
    location = {"latitude": "40.4", "longitude": None, "name": "Sol"}
    message = parse_one(with_message(type="location", text=None, location=location))

    assert (message.type, message.location) == ("location", None)


def test_a_removed_reaction_has_an_empty_emoji() -> None:
    reaction = {"message_id": "wamid.OURS", "emoji": ""}
    message = parse_one(with_message(type="reaction", text=None, reaction=reaction))

    assert (message.reaction_to, message.reaction_emoji) == ("wamid.OURS", "")


def test_an_interactive_reply_of_an_unknown_kind_has_no_choice() -> None:
    interactive = {"type": "nfm_reply", "nfm_reply": {"response_json": "{}"}}
    message = parse_one(with_message(type="interactive", text=None, interactive=interactive))

    assert (message.text, message.choice_id) == ("", None)


def test_a_guest_without_wa_id_may_come_as_user_id_on_the_message() -> None:
    data = load_fixture("no_wa_id_username_user")
    message = message_of(data)
    message["user_id"] = message.pop("from_user_id")

    parsed = parse_one(data)

    assert (parsed.sender_id, parsed.sender_alt_id, parsed.sender_name) == (
        "AR.9876543210987",
        None,
        "Lucía",
    )


def test_a_guest_without_wa_id_may_be_known_only_from_the_contact() -> None:
    data = load_fixture("no_wa_id_username_user")
    message_of(data).pop("from_user_id")

    assert parse_one(data).sender_id == "AR.9876543210987"


def test_the_sender_name_comes_from_the_contact_matching_the_sender() -> None:
    data = load_fixture("text_es")
    value_of(data)["contacts"].insert(
        0, {"profile": {"name": "Someone Else"}, "wa_id": "34699999999", "user_id": "ES.999"}
    )

    message = parse_one(data)

    assert (message.sender_name, message.sender_alt_id) == ("Ana Ruiz", "ES.1234567890123")


def test_the_only_contact_is_not_used_when_it_names_another_guest() -> None:
    data = load_fixture("text_es")
    value_of(data)["contacts"][0]["wa_id"] = "34699999999"

    message = parse_one(data)

    assert (message.sender_id, message.sender_name, message.sender_alt_id) == (
        "34611111111",
        None,
        None,
    )


def test_a_status_keeps_every_error_and_tolerates_partial_ones() -> None:
    data = load_fixture("status_failed_outside_window")
    status = value_of(data)["statuses"][0]
    status["errors"] += [{"title": "Only a title"}, {"code": "131026", "message": "as message"}, 3]
    status.pop("recipient_id")

    parsed = parse_webhook(data).statuses[0]

    assert parsed.recipient_id is None
    assert [(e.code, e.title, e.detail) for e in parsed.errors[1:]] == [
        (None, "Only a title", ""),
        (None, "as message", "as message"),
    ]
