"""Web chat use cases, shared by the HTTP API and the terminal chat.

The guest's browser session id is the conversation's identity on the `webchat` channel; the
page reads replies from the transcript (the channel itself sends nothing).
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.port import InboundMessage
from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import Message, QueueState
from hotel_agent.db.repositories.conversations import ConversationRepository
from hotel_agent.db.repositories.inbox import InboxRepository
from hotel_agent.db.repositories.messages import MessageRepository
from hotel_agent.db.types import utcnow
from hotel_agent.inbox.ingest import Accepted, Ingest
from hotel_agent.inbox.signals import Signals

CHANNEL = "webchat"
# A session id is the only key to its transcript (OWASP API1): 16 random bytes as lowercase
# hex, exactly what the chat page makes (chat.js's SESSION_RE is the same pattern).
SESSION_PATTERN = r"^[0-9a-f]{32}$"


def new_session_id() -> str:
    """A fresh 128-bit session id in the page's format."""
    return secrets.token_hex(16)


async def submit(
    ingest: Ingest,
    hotel_id: int,
    session_id: str,
    text: str,
    *,
    choice_id: str | None = None,
    client_message_id: str | None = None,
) -> Accepted:
    """Queue the guest's message; the same client_message_id is stored only once."""
    message = InboundMessage(
        channel=CHANNEL,
        provider_message_id=f"{session_id}:{client_message_id or uuid.uuid4().hex}",
        sender_id=session_id,
        type="interactive" if choice_id else "text",
        text=text,
        choice_id=choice_id,
        timestamp=utcnow(),
    )
    [accepted] = await ingest.accept(hotel_id, [message])
    return accepted


async def wait_for_turn(
    sessions: SessionFactory, signals: Signals, event_id: int, timeout: float
) -> bool:
    """Wait until a worker (in this process or another) has finished the turn."""
    deadline = time.monotonic() + timeout
    while True:
        async with sessions() as session:
            event = await InboxRepository(session).get(event_id)
            state = event.state if event else QueueState.DEAD.value
        if state in (QueueState.DONE, QueueState.DEAD):
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        await signals.wait_turn(min(remaining, 0.25))


async def replies(session: AsyncSession, event_id: int) -> Sequence[Message]:
    """What the bot answered to the message queued as inbox event `event_id`."""
    messages = MessageRepository(session)
    inbound = await messages.by_inbox_event(event_id)
    if inbound is None:
        return []
    return await messages.replies_to(inbound.id)


async def transcript(
    session: AsyncSession, hotel_id: int, session_id: str, after_id: int = 0
) -> Sequence[Message]:
    """The chat session's messages after message id `after_id`, oldest first."""
    conversations = ConversationRepository(session)
    identity = await conversations.find_identity(hotel_id, CHANNEL, session_id)
    if identity is None:
        return []
    conversation = await conversations.conversation_for_identity(identity.id)
    if conversation is None:
        return []
    return await MessageRepository(session).transcript(conversation.id, after_id=after_id)
