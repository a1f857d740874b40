"""Reading Chatwoot Agent Bot webhook events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotel_agent.channels.chatwoot.events import (
    EventPayloadError,
    Ignored,
    OwnerChange,
    read_event,
    split_recipient,
    status_for_owner,
)
from hotel_agent.channels.port import InboundMessage

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def message(**changes: Any) -> dict[str, Any]:
    return {
        "event": "message_created",
        "id": 812,
        "content": "Hola, ¿tenéis habitación?",
        "message_type": "incoming",
        "private": False,
        "created_at": "2026-12-06T11:59:30.000Z",
        "sender": {"id": 7, "name": "Ana Ruiz", "type": "contact"},
        "conversation": {"id": 41, "status": "pending"},
        "account": {"id": 3},
    } | changes


def test_a_guest_message_becomes_the_envelope() -> None:
    read = read_event(message(), account_id=None, now=NOW)
    assert isinstance(read, InboundMessage)
    assert (read.channel, read.provider_message_id, read.sender_id) == ("chatwoot", "812", "3:41")
    assert (read.sender_name, read.type, read.text) == (
        "Ana Ruiz",
        "text",
        "Hola, ¿tenéis habitación?",
    )
    assert read.timestamp == datetime(2026, 12, 6, 11, 59, 30, tzinfo=UTC)
    assert split_recipient(read.sender_id) == (3, 41)


@pytest.mark.parametrize(
    ("created_at", "expected"),
    [
        ("2026-12-06 11:59:30 UTC", datetime(2026, 12, 6, 11, 59, 30, tzinfo=UTC)),
        (1796471970, datetime.fromtimestamp(1796471970, UTC)),
        ("yesterday", NOW),
        (None, NOW),
    ],
)
def test_times_in_chatwoots_forms(created_at: object, expected: datetime) -> None:
    read = read_event(message(created_at=created_at), account_id=None, now=NOW)
    assert isinstance(read, InboundMessage) and read.timestamp == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"message_type": "outgoing"},  # the bot's own replies and staff's, echoed back
        {"message_type": 1},
        {"message_type": "activity"},
        {"private": True},
        {"event": "contact_updated"},
        {"account": {"id": 4}},  # another account than the configured one
    ],
)
def test_what_the_bot_does_not_answer(changes: dict[str, Any]) -> None:
    assert isinstance(read_event(message(**changes), account_id=3, now=NOW), Ignored)


def test_a_long_contact_name_is_cut_to_what_a_guest_name_holds() -> None:
    read = read_event(message(sender={"name": "A" * 500}), account_id=None, now=NOW)
    assert isinstance(read, InboundMessage) and read.sender_name == "A" * 200


def test_an_attachment_without_text_is_recorded_as_such() -> None:
    read = read_event(message(content=None), account_id=None, now=NOW)
    assert isinstance(read, InboundMessage) and (read.type, read.text) == ("attachment", "")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (message(conversation=None), "conversation"),
        (message(id=None), "id"),
        (message(account=None), "account"),
        ({"content": "no event"}, "event"),
        (message(id="eight"), "id"),
        (message(conversation={"id": 0}), "conversation"),
        (message(conversation={"id": 2**63}), "conversation"),
        (message(id=10**30), "id"),
    ],
)
def test_unreadable_events_name_the_field(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(EventPayloadError) as raised:
        read_event(payload, account_id=None, now=NOW)
    assert field in [error["loc"][1] for error in raised.value.errors]


def test_a_status_change_names_the_conversation_and_the_account_from_its_messages() -> None:
    event = {
        "event": "conversation_status_changed",
        "id": 41,
        "status": "open",
        "messages": [{"id": 1, "account_id": 3}],
    }
    assert read_event(event, account_id=None, now=NOW) == OwnerChange("3:41", "staff")
    opened = {"event": "conversation_opened", "id": 41, "account_id": 3}
    assert read_event(opened, account_id=None, now=NOW) == OwnerChange("3:41", "staff")
    # The configured account stands in when the event names none.
    bare = {"event": "conversation_status_changed", "id": 41, "status": "pending"}
    assert read_event(bare, account_id=3, now=NOW) == OwnerChange("3:41", "bot")


@pytest.mark.parametrize(
    ("status", "owner"),
    [("pending", "bot"), ("open", "staff"), ("resolved", None), ("snoozed", None)],
)
def test_who_answers_in_each_status(status: str, owner: str | None) -> None:
    event = {"event": "conversation_status_changed", "id": 41, "status": status}
    read = read_event(event, account_id=3, now=NOW)
    assert read == (OwnerChange("3:41", owner) if owner else Ignored(f"status {status}"))
    if owner:
        assert status_for_owner(owner) == status


def test_an_agent_assigned_takes_the_conversation() -> None:
    def update(*changes: dict[str, object]) -> object:
        event = {"event": "conversation_updated", "id": 41, "changed_attributes": list(changes)}
        return read_event(event, account_id=3, now=NOW)

    assigned = {"assignee_id": {"previous_value": None, "current_value": 5}}
    assert update(assigned) == OwnerChange("3:41", "staff")
    unassigned = {"assignee_id": {"previous_value": 5, "current_value": None}}
    assert isinstance(update(unassigned), Ignored)
    assert isinstance(
        update({"label_list": {"previous_value": [], "current_value": ["vip"]}}), Ignored
    )
    assert isinstance(update(), Ignored)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)
_fields = st.fixed_dictionaries(
    {},
    optional={
        "event": st.sampled_from(
            ["message_created", "conversation_status_changed", "conversation_updated", "x"]
        )
        | _json,
        "id": st.integers(-2, 10**20) | _json,
        "content": _json,
        "message_type": st.sampled_from(["incoming", "outgoing", 0, 1]) | _json,
        "private": _json,
        "created_at": st.text(max_size=30) | st.floats() | st.integers() | _json,
        "sender": _json,
        "conversation": st.fixed_dictionaries({"id": st.integers(-2, 10**20)}) | _json,
        "account": st.fixed_dictionaries({"id": st.integers(-2, 10**20)}) | _json,
        "status": _json,
        "messages": _json,
        "changed_attributes": _json,
    },
)


@given(payload=_fields | _json)
def test_any_json_is_read_or_refused_as_unreadable(payload: object) -> None:
    # The webhook answers 422 for EventPayloadError; anything else raised would be a 500.
    read: object
    try:
        read = read_event(payload, account_id=None, now=NOW)
    except EventPayloadError as exc:
        read = exc.errors  # the fields the 422 lists: never none
    assert read and isinstance(read, list | InboundMessage | OwnerChange | Ignored)
