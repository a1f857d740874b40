"""E-mails to the front desk: a conversation was handed to staff, or its guest wrote again
while staff answer it. Queued in the outbox in the turn's transaction (like the webhook
alert), so the sender delivers and retries them and an SMTP outage never loses or blocks one.

Written in the hotel's own language (es or en); the guest's words are quoted as they came.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.email.message import Email
from hotel_agent.conversations.handoff import staff_url
from hotel_agent.conversations.outbound import queue_email
from hotel_agent.db.models import Conversation, Hotel
from hotel_agent.db.repositories.conversations import ConversationRepository

Notice = Literal["handoff", "guest_wrote"]
_QUOTE_CHARS = 1000

_WORDS = {
    "en": {
        "handoff": "{hotel}: {who} needs staff ({reason})",
        "guest_wrote": "{hotel}: {who} wrote again",
        "guest": "a guest",
        "on": "On {channel}, conversation {id}.",
        "said": "Their last message:",
        "open": "Answer them in the staff console: {url}",
    },
    "es": {
        "handoff": "{hotel}: {who} necesita a recepción ({reason})",
        "guest_wrote": "{hotel}: {who} ha vuelto a escribir",
        "guest": "un huésped",
        "on": "Por {channel}, conversación {id}.",
        "said": "Su último mensaje:",
        "open": "Contéstele en la consola de recepción: {url}",
    },
}


async def queue_staff_emails(
    session: AsyncSession,
    conversation: Conversation,
    hotel: Hotel,
    recipients: Sequence[str],
    notice: Notice,
    *,
    last_guest_message: str,
) -> None:
    """One e-mail per address in `recipients`, in the caller's transaction."""
    if not recipients:
        return
    guest = await ConversationRepository(session).get_guest(conversation.guest_id)
    words = _WORDS.get(hotel.default_language, _WORDS["en"])
    who = (guest.display_name if guest else None) or words["guest"]
    subject = words[notice].format(
        hotel=hotel.name, who=who, reason=conversation.handoff_reason or "-"
    )
    quoted = last_guest_message[:_QUOTE_CHARS]
    text = "\n\n".join(
        [
            words["on"].format(channel=conversation.channel, id=conversation.id),
            f"{words['said']}\n> " + "\n> ".join(quoted.splitlines() or [""]),
            words["open"].format(url=staff_url(conversation.id)),
        ]
    )
    for address in recipients:
        queue_email(
            session,
            conversation,
            Email(to=address, subject=subject, text=text + "\n", sender_name=hotel.name),
        )
