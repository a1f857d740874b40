"""The e-mail channel's sending half: a reply to a guest's e-mail, as a plain-text e-mail
through the SMTP mailer of the booking e-mails, threaded under the guest's message
(In-Reply-To, References, "Re: " and its subject). The receiving half is imap.py."""

from __future__ import annotations

import re

from hotel_agent.channels.email.message import EMAIL_CHANNEL, Email, Mailer
from hotel_agent.channels.port import MailThread, OutboundMessage, SendReceipt

# "Re:" and the forms mail clients write in other languages: a reply's subject gets no second.
_REPLY_PREFIX = re.compile(r"^\s*(re|aw|rv|r|sv)\s*:", re.IGNORECASE)


def reply_subject(thread: MailThread | None, fallback: str) -> str:
    subject = thread.subject.strip() if thread else ""
    if not subject:
        return fallback
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}"


class EmailChannel:
    name = EMAIL_CHANNEL
    reply_window_seconds: int | None = None  # e-mail has no window: staff may write any time

    def __init__(self, mailer: Mailer, hotel_name: str) -> None:
        self.mailer = mailer
        self.hotel_name = hotel_name

    async def send(self, recipient: str, message: OutboundMessage) -> SendReceipt:
        thread = message.thread
        return await self.mailer.send(
            Email(
                to=recipient,
                subject=reply_subject(thread, self.hotel_name),
                text=message.plain_text(),
                sender_name=self.hotel_name,
                in_reply_to=thread.message_id if thread else None,
                references=thread.references if thread else [],
            )
        )

    async def mark_read(self, provider_message_id: str) -> None:
        return None  # e-mail has no read receipts we would send
