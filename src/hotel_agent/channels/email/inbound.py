"""A guest's e-mail as the core's inbound envelope: the sender's address is the guest's
identity, the Message-ID the provider message id (so a mail fetched twice is one message), the
new text of the body the message, attachments listed by name and type.

Mail that is nobody's words — bounces, vacation replies and other auto-replies, mailing lists,
our own messages coming back — is refused here (`NotAGuestMessage`), so that no reply ever
answers a robot and no two robots write to each other forever.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, MIMEPart
from email.utils import getaddresses, parsedate_to_datetime

from hotel_agent.channels.email.message import EMAIL_CHANNEL, can_be_mailed
from hotel_agent.channels.email.text import html_to_text, strip_reply
from hotel_agent.channels.port import Attachment, InboundMessage, MailThread

# The inbox's provider_message_id column: a longer Message-ID is stored as its digest.
_ID_MAX_CHARS = 255
_ROBOT_SENDERS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+\-.@]|$)", re.IGNORECASE
)
_ROBOT_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id")


class NotAGuestMessage(Exception):
    """Mail the agent leaves alone; the reason is logged (and counted)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_email(raw: bytes, *, own_addresses: frozenset[str]) -> InboundMessage:
    """The inbound message of one raw e-mail (RFC 5322 bytes); raises `NotAGuestMessage` for
    mail that must not be answered. `own_addresses`: ours, lower-case (a mail from one of them
    is our own, come back)."""
    mail = message_from_bytes(raw, policy=policy.default)
    sender_name, address = _sender(mail)
    if address in own_addresses:
        raise NotAGuestMessage("own_address")
    _refuse_robots(mail, address)
    message_id = str(mail.get("Message-ID") or "").strip()
    text = _body_text(mail)
    subject = str(mail.get("Subject") or "").strip()
    attachments = _attachments(mail)
    if not text and not attachments:
        text = strip_reply(subject)  # a request written in the subject alone
    return InboundMessage(
        channel=EMAIL_CHANNEL,
        provider_message_id=_provider_id(message_id, raw),
        sender_id=address,
        sender_name=sender_name or None,
        type="text" if text or not attachments else "document",
        text=text,
        thread=MailThread(
            message_id=message_id,
            references=str(mail.get("References") or "").split(),
            subject=subject,
        )
        if message_id
        else None,
        attachments=attachments,
        timestamp=_date(mail),
    )


def _sender(mail: EmailMessage) -> tuple[str, str]:
    """The display name and address replies go to (Reply-To before From), lower-case."""
    for header in ("Reply-To", "From"):
        pairs = getaddresses([str(value) for value in mail.get_all(header, [])])
        for name, address in pairs:
            if "@" in address:
                address = address.strip().lower()
                if not can_be_mailed(address):
                    raise NotAGuestMessage("address_too_long")
                return name.strip(), address
    raise NotAGuestMessage("no_sender")


def _refuse_robots(mail: EmailMessage, address: str) -> None:
    auto = str(mail.get("Auto-Submitted") or "no").strip().lower()
    if auto != "no":
        raise NotAGuestMessage("auto_submitted")
    if str(mail.get("Precedence") or "").strip().lower() in ("bulk", "junk", "list"):
        raise NotAGuestMessage("bulk")
    if any(mail.get(header) is not None for header in _ROBOT_HEADERS):
        raise NotAGuestMessage("auto_reply")
    if _ROBOT_SENDERS.match(address.partition("@")[0]):
        raise NotAGuestMessage("robot_sender")
    if mail.get_content_type() == "multipart/report":  # delivery and read reports
        raise NotAGuestMessage("report")
    return_path = mail.get("Return-Path")
    if return_path is not None and str(return_path).strip() == "<>":
        raise NotAGuestMessage("null_sender")  # bounces are sent from the null sender


def _body_text(mail: EmailMessage) -> str:
    """The guest's new words: the plain-text part (else the HTML one, as text), the quoted
    earlier messages and the signature cut off."""
    plain = mail.get_body(preferencelist=("plain",))
    if plain is not None:
        return strip_reply(_content(plain))
    html = mail.get_body(preferencelist=("html",))
    if html is not None:
        return strip_reply(html_to_text(_content(html)))
    return ""


def _content(part: MIMEPart) -> str:
    try:
        return str(part.get_content())
    except (LookupError, ValueError):  # an unknown charset or a broken transfer encoding
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _attachments(mail: EmailMessage) -> list[Attachment]:
    found: list[Attachment] = []
    for part in mail.iter_attachments():
        payload = part.get_payload(decode=True)
        found.append(
            Attachment(
                filename=part.get_filename() or "(no name)",
                mime_type=part.get_content_type(),
                size=len(payload) if isinstance(payload, bytes) else 0,
            )
        )
    return found


def _provider_id(message_id: str, raw: bytes) -> str:
    """The Message-ID, or (none, or too long to store) a digest that is the same each time
    the same mail is fetched."""
    if message_id and len(message_id) <= _ID_MAX_CHARS:
        return message_id
    source = message_id.encode() if message_id else raw
    return "sha256:" + hashlib.sha256(source).hexdigest()


def _date(mail: EmailMessage) -> datetime:
    try:
        sent = parsedate_to_datetime(str(mail.get("Date")))
    except (TypeError, ValueError, IndexError):
        return datetime.now(UTC)
    return sent if sent.tzinfo else sent.replace(tzinfo=UTC)
