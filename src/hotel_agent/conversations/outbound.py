"""Messages to the guest: the one way a reply (the bot's or staff's) enters the transcript with
its outbox row, and the one way to say where and by which phone number the guest is reached.

Everything here runs in the caller's transaction; the sender delivers the rows after commit.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.email.message import EMAIL_CHANNEL, Email, can_be_mailed
from hotel_agent.channels.port import InboundMessage, MailThread, OutboundMessage
from hotel_agent.channels.traits import traits_for
from hotel_agent.db.models import Conversation, Message, OutboxKind
from hotel_agent.db.repositories.conversations import ConversationRepository
from hotel_agent.db.repositories.messages import MessageRepository
from hotel_agent.db.repositories.outbox import OutboxRepository

log = structlog.get_logger(__name__)


async def queue_outbound(
    session: AsyncSession,
    conversation: Conversation,
    content: OutboundMessage,
    *,
    author: str,
    recipient: str,
    now: datetime,
    reply_to_message_id: int | None = None,
) -> Message:
    """Add `content` to the transcript and queue it for the conversation's channel. On a
    channel of threaded replies (e-mail) it answers the guest's last message."""
    messages = MessageRepository(session)
    if content.thread is None and traits_for(conversation.channel).threaded_replies:
        thread = await messages.last_inbound_thread(conversation.id)
        if thread is not None:
            content = content.model_copy(update={"thread": MailThread.model_validate(thread)})
    message = await messages.add_outbound(
        conversation_id=conversation.id,
        channel=conversation.channel,
        type_=content.type,
        body=content.text,
        payload=content.model_dump(
            mode="json", exclude={"text"} if content.thread else {"text", "thread"}
        ),
        author=author,
        reply_to_message_id=reply_to_message_id,
        created_at=now,
    )
    OutboxRepository(session).add(
        kind=OutboxKind.MESSAGE,
        channel=conversation.channel,
        hotel_id=conversation.hotel_id,
        conversation_id=conversation.id,
        recipient=recipient,
        message_id=message.id,
    )
    return message


def queue_email(session: AsyncSession, conversation: Conversation, email: Email) -> None:
    """Queue an e-mail to the guest (a booking's), apart from the chat: an SMTP outage holds
    back e-mails only, never the conversation's replies."""
    if not can_be_mailed(email.to):
        # The dialogue neither makes nor promises such an e-mail; storing one would fail the
        # whole turn (PostgreSQL), so a caller that did is not obeyed.
        log.warning("email.address_too_long", conversation_id=conversation.id)
        return
    OutboxRepository(session).add(
        kind=OutboxKind.EMAIL,
        channel=EMAIL_CHANNEL,
        hotel_id=conversation.hotel_id,
        conversation_id=conversation.id,
        recipient=email.to,
        payload=email.model_dump(mode="json"),
    )


def queue_read_receipt(
    session: AsyncSession, conversation: Conversation, message: InboundMessage
) -> None:
    """Mark the guest's message read, on channels whose guests see read receipts."""
    if not traits_for(message.channel).read_receipts:
        return
    OutboxRepository(session).add(
        kind=OutboxKind.MARK_READ,
        channel=message.channel,
        hotel_id=conversation.hotel_id,
        conversation_id=conversation.id,
        recipient=message.sender_id,
        payload={"provider_message_id": message.provider_message_id},
    )


async def guest_address(session: AsyncSession, conversation: Conversation) -> str:
    """Where replies go: the address of the guest's last message (as the bot's replies go to
    the message they answer); else the identity the conversation was opened with."""
    sender = await MessageRepository(session).last_inbound_sender(conversation.id)
    if sender:
        return sender
    identity = await ConversationRepository(session).get_identity(conversation.identity_id)
    assert identity is not None
    return identity.external_id


def guest_phone(message: InboundMessage) -> str | None:
    """The guest's phone number in E.164 ("+34…"), when the channel proves it; else None."""
    if not traits_for(message.channel).verified_phone:
        return None
    return "+" + message.sender_id.lstrip("+")


def guest_email(message: InboundMessage) -> str | None:
    """The address the guest writes from, where the channel's sender id is one (e-mail)."""
    return message.sender_id if traits_for(message.channel).sender_email else None
