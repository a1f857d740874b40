"""Turn a WhatsApp Cloud API webhook body into neutral inbound messages and status updates.

Meta adds fields and message types over time, so anything unknown is carried or skipped, never
fatal; only a body without the parts we must have (which hotel number, which message, which
guest) is rejected, with a message naming the part that is wrong.

Field limits, checked per message so that one bad message never blocks the others of the
same delivery (they are what our columns hold, far above what Meta sends):
- message id longer than 255 characters, or a sender whose wa_id is longer than 32 and who
  has no usable user id (or a user id longer than 128): the message is skipped (logged and
  counted as `rejected`), the rest of the delivery is stored;
- a user id longer than 128 beside a usable wa_id is dropped; a type longer than 24 becomes
  "unknown"; a profile name is cut to 200 characters;
- an error code outside a 32-bit integer in a status callback is kept in the error text only;
- NUL characters are removed from every string (PostgreSQL cannot store them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from hotel_agent.channels.port import (
    SENDER_NAME_CHARS,
    DeliveryStatus,
    InboundMessage,
    Location,
    Media,
)

CHANNEL = "whatsapp"
_MEDIA_TYPES = frozenset({"audio", "image", "document", "video", "sticker"})
_CAPTIONED_TYPES = frozenset({"image", "document", "video"})
_INTERACTIVE_REPLIES = ("button_reply", "list_reply")
MESSAGE_ID_MAX = 255
WA_ID_MAX = 32
USER_ID_MAX = 128
TYPE_MAX = 24
_INT32 = range(-(2**31), 2**31)


class WebhookPayloadError(ValueError):
    """The webhook body lacks a part Meta always sends; the message says which one."""


class _Skipped(ValueError):
    """One message we cannot store; the others of the delivery are still stored."""


class SkippedMessage(BaseModel):
    path: str
    reason: str


class ReceivedMessage(BaseModel):
    phone_number_id: str  # the hotel number that received the message: picks the hotel
    message: InboundMessage


class DeliveryError(BaseModel):
    code: int | None
    title: str
    detail: str


class StatusUpdate(BaseModel):
    """What happened to a message we sent: sent, delivered, read, played or failed."""

    phone_number_id: str
    provider_message_id: str
    status: str
    timestamp: datetime
    recipient_id: str | None
    errors: list[DeliveryError] = Field(default_factory=list)

    def delivery_status(self) -> DeliveryStatus:
        """The channel-neutral status (the first error, if any, says why it failed)."""
        error = self.errors[0] if self.errors else None
        return DeliveryStatus(
            channel="whatsapp",
            provider_message_id=self.provider_message_id,
            status=self.status,
            timestamp=self.timestamp,
            error_code=error.code if error else None,
            error_detail=f"{error.title}: {error.detail}".strip(": ") if error else None,
        )


class ParsedWebhook(BaseModel):
    messages: list[ReceivedMessage] = Field(default_factory=list)
    statuses: list[StatusUpdate] = Field(default_factory=list)
    skipped: list[SkippedMessage] = Field(default_factory=list)


def parse_webhook(data: object) -> ParsedWebhook:
    """Every message and status of every entry and change in one webhook body, in order."""
    if not isinstance(data, dict):
        raise WebhookPayloadError(f"the webhook body must be a JSON object, not {_kind(data)}")
    if data.get("object") != "whatsapp_business_account":
        raise WebhookPayloadError(
            f"'object' must be 'whatsapp_business_account', not {_describe(data.get('object'))}"
        )
    parsed = ParsedWebhook()
    for e, raw_entry in enumerate(_list(data, "entry", "", required=True)):
        entry = _object(raw_entry, f"entry[{e}]")
        for c, raw_change in enumerate(_list(entry, "changes", f"entry[{e}]", required=True)):
            path = f"entry[{e}].changes[{c}]"
            _parse_change(_object(raw_change, path), path, parsed)
    return parsed


def _parse_change(change: dict[str, Any], change_path: str, parsed: ParsedWebhook) -> None:
    # Other subscribed fields (account updates, template reviews...) are not guest traffic.
    if change.get("field") != "messages":
        return
    path = f"{change_path}.value"
    value = _object(change.get("value"), path)
    metadata = value.get("metadata")
    phone_number_id = _text(metadata.get("phone_number_id")) if isinstance(metadata, dict) else None
    if not phone_number_id:
        raise WebhookPayloadError(
            f"{path}.metadata.phone_number_id is missing or not a string: cannot tell which hotel"
            " number the change is for"
        )
    contacts = value.get("contacts")
    contacts = [c for c in contacts if isinstance(c, dict)] if isinstance(contacts, list) else []
    for m, raw in enumerate(_list(value, "messages", path, required=False)):
        message_path = f"{path}.messages[{m}]"
        try:
            message = _message(_object(raw, message_path), message_path, contacts)
        except _Skipped as skipped:
            parsed.skipped.append(SkippedMessage(path=message_path, reason=str(skipped)))
            continue
        parsed.messages.append(ReceivedMessage(phone_number_id=phone_number_id, message=message))
    for s, raw in enumerate(_list(value, "statuses", path, required=False)):
        status = _object(raw, f"{path}.statuses[{s}]")
        parsed.statuses.append(_status(status, f"{path}.statuses[{s}]", phone_number_id))


def _message(msg: dict[str, Any], path: str, contacts: list[dict[str, Any]]) -> InboundMessage:
    message_id = _required_text(msg, "id", path)
    wa_id = _text(msg.get("from")) or None
    user_id = _text(msg.get("from_user_id")) or _text(msg.get("user_id")) or None
    contact = _contact_for(contacts, wa_id, user_id)
    if contact is not None:
        user_id = user_id or _text(contact.get("user_id")) or None
    if wa_id is None and user_id is None:
        raise WebhookPayloadError(
            f"{path} has no sender: no 'from' (wa_id), no user id, and no matching contact"
        )
    if len(message_id) > MESSAGE_ID_MAX:
        raise _Skipped(f"message id longer than {MESSAGE_ID_MAX} characters")
    wa_id = wa_id if wa_id and len(wa_id) <= WA_ID_MAX else None
    user_id = user_id if user_id and len(user_id) <= USER_ID_MAX else None
    # Guests who hide their number have no wa_id; their business-scoped user id keys them.
    sender_id = wa_id or user_id
    if sender_id is None:
        raise _Skipped(f"sender wa_id longer than {WA_ID_MAX} or user id longer than {USER_ID_MAX}")
    msg_type = _text(msg.get("type")) or "unknown"
    if len(msg_type) > TYPE_MAX:
        msg_type = "unknown"
    context = msg.get("context")
    return InboundMessage(
        channel=CHANNEL,
        provider_message_id=message_id,
        sender_id=sender_id,
        sender_alt_id=user_id if wa_id else None,
        sender_name=_contact_name(contact),
        type=msg_type,
        context_message_id=_text(context.get("id")) if isinstance(context, dict) else None,
        timestamp=_timestamp(msg.get("timestamp")),
        **_content(msg_type, msg.get(msg_type)),
    )


def _content(msg_type: str, body: object) -> dict[str, Any]:
    """The type-specific fields of InboundMessage; unknown types carry no text."""
    if not isinstance(body, dict):
        return {}
    if msg_type == "text":
        return {"text": _text(body.get("body")) or ""}
    if msg_type in _MEDIA_TYPES:
        media = _media(body, voice=msg_type == "audio" and body.get("voice") is True)
        caption = media.caption if media and msg_type in _CAPTIONED_TYPES else None
        return {"media": media, "text": caption or ""}
    if msg_type == "interactive":
        for reply_type in _INTERACTIVE_REPLIES:
            reply = body.get(reply_type)
            if isinstance(reply, dict):
                return {
                    "text": _text(reply.get("title")) or "",
                    "choice_id": _text(reply.get("id")),
                }
        return {}
    if msg_type == "button":
        return {"text": _text(body.get("text")) or "", "choice_id": _text(body.get("payload"))}
    if msg_type == "location":
        return {"location": _location(body)}
    if msg_type == "reaction":
        return {
            "reaction_to": _text(body.get("message_id")),
            "reaction_emoji": _text(body.get("emoji")),
        }
    return {}


def _media(body: dict[str, Any], *, voice: bool) -> Media | None:
    media_id = _text(body.get("id"))
    if not media_id:
        return None
    return Media(
        id=media_id,
        mime_type=_text(body.get("mime_type")),
        sha256=_text(body.get("sha256")),
        caption=_text(body.get("caption")),
        voice=voice,
    )


def _location(body: dict[str, Any]) -> Location | None:
    latitude, longitude = _number(body.get("latitude")), _number(body.get("longitude"))
    if latitude is None or longitude is None:
        return None
    return Location(
        latitude=latitude,
        longitude=longitude,
        name=_text(body.get("name")),
        address=_text(body.get("address")),
    )


def _status(status: dict[str, Any], path: str, phone_number_id: str) -> StatusUpdate:
    errors = status.get("errors")
    return StatusUpdate(
        phone_number_id=phone_number_id,
        provider_message_id=_required_text(status, "id", path),
        status=_required_text(status, "status", path),
        timestamp=_timestamp(status.get("timestamp")),
        recipient_id=_text(status.get("recipient_id")) or _text(status.get("recipient_user_id")),
        errors=[_delivery_error(e) for e in errors if isinstance(e, dict)]
        if isinstance(errors, list)
        else [],
    )


def _delivery_error(error: dict[str, Any]) -> DeliveryError:
    code = error.get("code")
    error_data = error.get("error_data")
    details = _text(error_data.get("details")) if isinstance(error_data, dict) else None
    message = _text(error.get("message"))
    numeric = isinstance(code, int) and not isinstance(code, bool)
    detail = details or message or ""
    if numeric and code not in _INT32:
        detail = f"{detail} (code {code})".strip()  # our column holds 32-bit codes only
    return DeliveryError(
        code=code if numeric and code in _INT32 else None,
        title=_text(error.get("title")) or message or "",
        detail=detail,
    )


def _contact_for(
    contacts: list[dict[str, Any]], wa_id: str | None, user_id: str | None
) -> dict[str, Any] | None:
    for contact in contacts:
        if (wa_id and _text(contact.get("wa_id")) == wa_id) or (
            user_id and _text(contact.get("user_id")) == user_id
        ):
            return contact
    # Meta sends the sender's contact alone; trust it unless its ids name someone else.
    if len(contacts) == 1:
        only = contacts[0]
        other_wa_id = _text(only.get("wa_id"))
        other_user_id = _text(only.get("user_id"))
        if not (wa_id and other_wa_id) and not (user_id and other_user_id):
            return only
    return None


def _contact_name(contact: dict[str, Any] | None) -> str | None:
    profile = contact.get("profile") if contact is not None else None
    if not isinstance(profile, dict):
        return None
    return (_text(profile.get("name")) or "")[:SENDER_NAME_CHARS] or None


def _timestamp(value: object) -> datetime:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (ValueError, OverflowError, OSError):
            pass
    # A message without a usable time is still worth answering; "now" is within seconds of it.
    return datetime.now(UTC)


def _number(value: object) -> float | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    # JSON may carry lone UTF-16 surrogates and NULs; neither can be stored in PostgreSQL.
    text = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text.replace("\x00", "")


def _required_text(obj: dict[str, Any], key: str, path: str) -> str:
    value = _text(obj.get(key))
    if not value:
        raise WebhookPayloadError(f"{path} has no '{key}' (got {_describe(obj.get(key))})")
    return value


def _object(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WebhookPayloadError(f"{path} must be a JSON object, not {_kind(value)}")
    return value


def _list(obj: dict[str, Any], key: str, path: str, *, required: bool) -> list[Any]:
    value = obj.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        where = f"{path}.{key}" if path else key
        raise WebhookPayloadError(f"{where} must be a JSON array, not {_kind(value)}")
    return value


def _kind(value: object) -> str:
    if value is None:
        return "null/missing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _describe(value: object) -> str:
    return repr(value)[:40] if isinstance(value, str) else _kind(value)
