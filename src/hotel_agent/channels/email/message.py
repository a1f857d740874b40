"""An e-mail as the core queues it: rendered already, both parts, addressed."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from hotel_agent.channels.port import SendReceipt

# The e-mail channel's name; booking e-mails share its outbox channel (and so its backoff when
# the SMTP server fails).
EMAIL_CHANNEL = "email"

# The longest address an e-mail is sent to: what the outbox stores (its recipient column).
# No real mailbox is longer; one that is gets no e-mail, and so no promise of one.
ADDRESS_MAX_CHARS = 128


def can_be_mailed(address: str) -> bool:
    return 0 < len(address) <= ADDRESS_MAX_CHARS


class Email(BaseModel):
    """One e-mail to one guest. Stored as the outbox row's payload, so the sender needs
    nothing else to deliver it (and staff see exactly what was sent)."""

    to: str
    subject: str
    text: str  # the plain-text part: every mail client shows one of the two
    html: str = ""  # empty: a plain-text e-mail (the replies of the e-mail channel)
    sender_name: str  # the display name of From (the hotel's name)
    # A reply to a guest's e-mail: the Message-ID it answers and the thread's References.
    in_reply_to: str | None = None
    references: list[str] = Field(default_factory=list)


class Mailer(Protocol):
    async def send(self, email: Email) -> SendReceipt:
        """Deliver one e-mail; raise `SendError` (retryable or not) when it cannot be."""
        ...
