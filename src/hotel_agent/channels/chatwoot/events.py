"""Read a Chatwoot Agent Bot webhook event into the neutral envelope, a change of hands, or a
reason to ignore it.

Chatwoot posts its `webhook_data` with an `event` name. A message event carries the message
(`id`, `content`, `message_type`, `private`, `created_at`), its `sender`, its `conversation`
and `account`; a conversation event (`conversation_status_changed`, `conversation_opened`,
`conversation_resolved`, `conversation_updated`) is the conversation itself: `id`, `status`,
`changed_attributes`, and the account as `account_id` or under `messages[0]`. Conversation
ids are the ones Chatwoot's API paths take. A guest is one Chatwoot conversation:
`account:conversation` is both the sender id here and the recipient of the replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hotel_agent.channels.port import SENDER_NAME_CHARS, InboundMessage

CHATWOOT_CHANNEL = "chatwoot"
# Chatwoot's ids are bigints: bounded, an `account:conversation` pair fits the sender and
# recipient columns.
_BIGINT = 2**63 - 1
# Conversation events and the status each means (`conversation_opened` carries it too).
_STATUS_EVENTS = {
    "conversation_status_changed": None,
    "conversation_opened": "open",
    "conversation_resolved": "resolved",
}


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Ref(_Loose):
    id: int = Field(ge=1, le=_BIGINT)


class _Sender(_Loose):
    id: int | str | None = None
    name: str | None = None
    type: str | None = None


class _Conversation(_Ref):
    status: str | None = None


class _Message(_Loose):
    account_id: int | None = Field(default=None, ge=1, le=_BIGINT)


class ChatwootEvent(_Loose):
    """The fields of a webhook event the connector reads; the rest is ignored."""

    event: str = Field(min_length=1, max_length=64)
    id: int | None = Field(default=None, ge=1, le=_BIGINT)
    content: str | None = None
    # "incoming", "outgoing", "activity" or "template" (0-3 where Chatwoot sends the enum).
    message_type: str | int | None = None
    private: bool = False
    created_at: str | int | float | None = None
    sender: _Sender | None = None
    conversation: _Conversation | None = None
    account: _Ref | None = None
    account_id: int | None = Field(default=None, ge=1, le=_BIGINT)
    status: str | None = None
    messages: list[_Message] = Field(default_factory=list)
    # What an update changed: [{"assignee_id": {"previous_value": …, "current_value": …}}].
    changed_attributes: list[dict[str, Any]] | dict[str, Any] | None = None


class EventPayloadError(ValueError):
    """Not a Chatwoot event we can read; `errors` lists what is wrong, as pydantic does."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(e.get("msg")) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class OwnerChange:
    """Chatwoot gave the conversation to its agents ("staff") or back to the bot ("bot")."""

    recipient: str  # account:conversation
    owner: str


@dataclass(frozen=True)
class Ignored:
    reason: str


Event = InboundMessage | OwnerChange | Ignored


# Chatwoot's statuses and who answers in each: "pending" is the bot's (Chatwoot shows it to
# agents apart), "open" its agents'. Resolved and snoozed change nobody's hands: Chatwoot
# reopens them on the guest's next message, and says which status they got.
_OWNER_OF_STATUS = {"pending": "bot", "open": "staff"}


def status_for_owner(owner: str) -> str:
    """The Chatwoot status that gives the conversation to `owner` ("bot" or "staff")."""
    return "pending" if owner == "bot" else "open"


def recipient_of(account_id: int, conversation_id: int) -> str:
    return f"{account_id}:{conversation_id}"


def split_recipient(recipient: str) -> tuple[int, int]:
    """The account and conversation ids a recipient names (ValueError if it names none)."""
    account, _, conversation = recipient.partition(":")
    return int(account), int(conversation)


def read_event(data: object, *, account_id: int | None, now: datetime) -> Event:
    """What one webhook delivery means. `account_id`: the only account answered (None: any).
    Raises `EventPayloadError` for a body that is not a readable Chatwoot event."""
    try:
        event = ChatwootEvent.model_validate(data)
    except ValidationError as exc:
        raise EventPayloadError(_plain_errors(exc)) from exc
    if event.event == "message_created":
        return _message(event, account_id, now)
    if event.event in _STATUS_EVENTS:
        return _status(event, account_id)
    if event.event == "conversation_updated":
        return _assignment(event, account_id)
    return Ignored(f"event {event.event}")


def _message(event: ChatwootEvent, only_account: int | None, now: datetime) -> Event:
    if event.id is None or event.conversation is None:
        raise EventPayloadError(
            [
                {"loc": ["body", name], "msg": "Field required", "type": "missing"}
                for name, value in (("id", event.id), ("conversation", event.conversation))
                if value is None
            ]
        )
    account = _account(event) or only_account
    if account is None:
        raise _missing_account()
    if only_account is not None and account != only_account:
        return Ignored("another account")
    if event.message_type not in ("incoming", 0):
        # Outgoing: the bot's own replies and staff's, echoed back; activity: Chatwoot's notes.
        return Ignored(f"message_type {event.message_type}")
    if event.private:
        return Ignored("private note")
    content = (event.content or "").strip()
    sender = event.sender
    return InboundMessage(
        channel=CHATWOOT_CHANNEL,
        provider_message_id=str(event.id),
        sender_id=recipient_of(account, event.conversation.id),
        sender_name=((sender.name or "")[:SENDER_NAME_CHARS] or None) if sender else None,
        # Without text it is an attachment (a photo, a file): the transcript says so.
        type="text" if content else "attachment",
        text=content,
        timestamp=_timestamp(event.created_at) or now,
    )


def _status(event: ChatwootEvent, only_account: int | None) -> Event:
    status = _STATUS_EVENTS[event.event] or event.status
    if not status:
        raise EventPayloadError(
            [{"loc": ["body", "status"], "msg": "Field required", "type": "missing"}]
        )
    owner = _OWNER_OF_STATUS.get(status)
    if owner is None:
        return Ignored(f"status {status}")
    return _owner_change(event, only_account, owner)


def _assignment(event: ChatwootEvent, only_account: int | None) -> Event:
    """An agent assigned to the conversation takes it (Chatwoot's auto-assignment may send
    only this, without a status change); other updates, and unassigning, change no hands."""
    changes = event.changed_attributes
    changed = changes if isinstance(changes, list) else [changes] if changes else []
    assigned = any(
        isinstance(change.get("assignee_id"), dict)
        and change["assignee_id"].get("current_value") is not None
        for change in changed
    )
    if not assigned:
        return Ignored("conversation update")
    return _owner_change(event, only_account, "staff")


def _owner_change(event: ChatwootEvent, only_account: int | None, owner: str) -> Event:
    if event.id is None:
        raise EventPayloadError(
            [{"loc": ["body", "id"], "msg": "Field required", "type": "missing"}]
        )
    account = _account(event) or only_account
    if account is None:
        raise _missing_account()
    if only_account is not None and account != only_account:
        return Ignored("another account")
    return OwnerChange(recipient=recipient_of(account, event.id), owner=owner)


def _account(event: ChatwootEvent) -> int | None:
    if event.account is not None:
        return event.account.id
    if event.account_id is not None:
        return event.account_id
    return next((m.account_id for m in event.messages if m.account_id), None)


def _missing_account() -> EventPayloadError:
    return EventPayloadError(
        [{"loc": ["body", "account"], "msg": "Field required", "type": "missing"}]
    )


def _timestamp(value: str | int | float | None) -> datetime | None:
    """Chatwoot writes times as epoch seconds or as text ("2024-05-01T10:00:00.000Z",
    "2024-05-01 10:00:00 UTC"); anything else is left to the time of receipt."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = value.strip().removesuffix(" UTC").replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _plain_errors(exc: ValidationError) -> list[dict[str, Any]]:
    # The shape FastAPI answers 422 with: loc (under "body"), msg and type; no input echoed.
    return [
        {"loc": ["body", *error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors()
    ]
