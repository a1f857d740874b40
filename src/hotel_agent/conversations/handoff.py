"""Who answers a conversation — the bot or staff — and what each change of hands gives.

The owner changes inside the caller's transaction (a turn's commit, or a staff action), and so
does the alert to staff: an outbox row that the sender delivers and retries like any message.
Each change of hands is also a conversation event (the manager's dashboard counts them), in
the same transaction. On a channel that is also staff's inbox (Chatwoot) each change of hands
is told to it the same way (`signal_owner`), and its own changes of hands are followed
(`follow_shared_inbox`). The log event and the metric come after the commit, so a rolled-back
turn is never counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.traits import traits_for
from hotel_agent.db.models import (
    Conversation,
    ConversationEventKind,
    ConversationOwner,
    OutboxKind,
)
from hotel_agent.db.repositories.conversation_events import ConversationEventRepository
from hotel_agent.db.repositories.conversations import ConversationRepository
from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.db.repositories.outbox import OutboxRepository
from hotel_agent.errors import Conflict, NotFound
from hotel_agent.observability.metrics import HANDOFFS

log = structlog.get_logger(__name__)

# Outbox rows of kind ALERT go out through the staff webhook, not a guest channel.
ALERT_CHANNEL = "staff_webhook"
ALERT_RECIPIENT = "staff"

# The reason recorded when staff take a conversation themselves.
STAFF_TAKEOVER = "staff_takeover"
# The reason recorded when the engine hands over without saying why.
UNSPECIFIED = "unspecified"
REASON_MAX_CHARS = 64
_ALERT_TEXT_CHARS = 500
_ALERT_MESSAGE_CHARS = 2000


# What an alert tells: a handoff, or a guest writing again to staff (once per run of their
# messages, like the e-mail).
AlertEvent = Literal["handoff", "guest_wrote"]


@dataclass(frozen=True)
class Handoff:
    conversation_id: int
    channel: str
    reason: str

    @classmethod
    def of(cls, conversation: Conversation) -> Handoff:
        """The handoff a conversation staff answer is in."""
        reason = conversation.handoff_reason or UNSPECIFIED
        return cls(conversation_id=conversation.id, channel=conversation.channel, reason=reason)


def staff_url(conversation_id: int) -> str:
    """Where staff read and answer the conversation: its console page (a path on the agent's
    own address; the console asks for a login)."""
    return f"/staff/conversations/{conversation_id}"


def hand_to_staff(
    session: AsyncSession, conversation: Conversation, *, reason: str | None, now: datetime
) -> Handoff:
    """Staff answer from now on; the bot stays silent until a handback."""
    clean = (reason or "").strip()[:REASON_MAX_CHARS] or UNSPECIFIED
    conversation.owner = ConversationOwner.STAFF.value
    conversation.handoff_reason = clean
    conversation.handoff_at = now
    ConversationEventRepository(session).add(
        conversation, ConversationEventKind.HANDOFF, reason=clean, now=now
    )
    return Handoff(conversation_id=conversation.id, channel=conversation.channel, reason=clean)


async def locked(session: AsyncSession, conversation_id: int) -> Conversation:
    """The conversation, locked for the caller's transaction (NotFound if there is none)."""
    conversation = await ConversationRepository(session).lock(conversation_id)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} does not exist")
    return conversation


async def take_over(session: AsyncSession, conversation_id: int, *, now: datetime) -> Handoff:
    """Staff answer from now on (reason staff_takeover). Conflict if staff already do.
    The caller commits, then `announce`s the handoff."""
    conversation = await locked(session, conversation_id)
    if conversation.owner == ConversationOwner.STAFF:
        raise Conflict(f"conversation {conversation_id} is already answered by staff")
    return hand_to_staff(session, conversation, reason=STAFF_TAKEOVER, now=now)


async def hand_back(session: AsyncSession, conversation_id: int, *, now: datetime) -> None:
    """The bot answers the guest's next message, from a fresh state (language kept).
    Conflict if the bot already owns the conversation."""
    conversation = await locked(session, conversation_id)
    if conversation.owner == ConversationOwner.BOT:
        raise Conflict(f"conversation {conversation_id} is already answered by the bot")
    hand_to_bot(session, conversation, now=now)
    await signal_owner(session, conversation)


async def signal_owner(session: AsyncSession, conversation: Conversation) -> None:
    """On a channel that is also staff's inbox, queue the conversation's new owner for it
    (Chatwoot: open for its agents, pending for the bot), in the caller's transaction."""
    if not traits_for(conversation.channel).shared_inbox:
        return
    identity = await ConversationRepository(session).get_identity(conversation.identity_id)
    assert identity is not None
    OutboxRepository(session).add(
        kind=OutboxKind.STATUS,
        channel=conversation.channel,
        hotel_id=conversation.hotel_id,
        conversation_id=conversation.id,
        recipient=identity.external_id,
        payload={"owner": conversation.owner},
    )


async def follow_shared_inbox(
    session: AsyncSession,
    *,
    hotel_id: int,
    channel: str,
    external_id: str,
    owner: ConversationOwner,
    now: datetime,
) -> Handoff | None:
    """The provider that is staff's inbox changed hands itself (its agents opened the
    conversation, or put it back to the bot): follow it, without telling it back. A handoff
    to announce after the commit when staff took it from the bot; None otherwise (also for
    a conversation the agent never saw, or one already in those hands)."""
    conversations = ConversationRepository(session)
    identity = await conversations.find_identity(hotel_id, channel, external_id)
    if identity is None:
        return None
    found = await conversations.conversation_for_identity(identity.id)
    if found is None:
        return None
    conversation = await locked(session, found.id)
    if conversation.owner == owner:
        return None
    if owner == ConversationOwner.BOT:
        hand_to_bot(session, conversation, now=now)
        log.info("handoff.handed_back", conversation_id=conversation.id, channel=channel)
        return None
    return hand_to_staff(session, conversation, reason=STAFF_TAKEOVER, now=now)


def hand_to_bot(session: AsyncSession, conversation: Conversation, *, now: datetime) -> None:
    """The bot answers again, starting afresh: the engine's state of before the handoff is
    stale (staff may have settled what it was asking about); the language is kept."""
    conversation.owner = ConversationOwner.BOT.value
    conversation.state = {}
    conversation.handoff_reason = None
    conversation.handoff_at = None
    conversation.assignee_id = None
    ConversationEventRepository(session).add(conversation, ConversationEventKind.HAND_BACK, now=now)


async def queue_alert(
    session: AsyncSession,
    handoff: Handoff,
    *,
    hotel_id: int,
    last_guest_message: str,
    event: AlertEvent = "handoff",
) -> None:
    """Add the alert for staff to the outbox, in the caller's transaction."""
    conversations = ConversationRepository(session)
    conversation = await conversations.get(handoff.conversation_id)
    assert conversation is not None
    guest = await conversations.get_guest(conversation.guest_id)
    hotel = await HotelRepository(session).get(hotel_id)
    assert hotel is not None
    OutboxRepository(session).add(
        kind=OutboxKind.ALERT,
        channel=ALERT_CHANNEL,
        hotel_id=hotel_id,
        conversation_id=handoff.conversation_id,
        recipient=ALERT_RECIPIENT,
        payload=alert_body(
            handoff,
            hotel={"id": hotel.id, "slug": hotel.slug, "name": hotel.name},
            guest_name=guest.display_name if guest else None,
            last_guest_message=last_guest_message,
            event=event,
        ),
    )


def alert_body(
    handoff: Handoff,
    *,
    hotel: dict[str, Any],
    guest_name: str | None,
    last_guest_message: str,
    event: AlertEvent = "handoff",
) -> dict[str, Any]:
    """The JSON posted to the staff webhook. `text` is a one-line summary, so chat-ops
    incoming webhooks (which show `text`) work without a translating proxy."""
    who = guest_name or "a guest"
    quoted = last_guest_message[:_ALERT_TEXT_CHARS]
    what = f"needs staff ({handoff.reason})" if event == "handoff" else "wrote again"
    return {
        "event": event,
        "conversation_id": handoff.conversation_id,
        "hotel": hotel,
        "channel": handoff.channel,
        "reason": handoff.reason,
        "guest_name": guest_name,
        "last_message": last_guest_message[:_ALERT_MESSAGE_CHARS],
        "staff_url": staff_url(handoff.conversation_id),
        "text": (
            f"{hotel['name']}: {who} on {handoff.channel} {what}, "
            f"conversation {handoff.conversation_id}. Last message: {quoted}"
        ),
    }


def announce(handoff: Handoff) -> None:
    """After the commit: one log event (no guest data) and the metric."""
    event = "handoff.taken_over" if handoff.reason == STAFF_TAKEOVER else "handoff.requested"
    log.info(
        event,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        reason=handoff.reason,
    )
    HANDOFFS.labels(handoff.reason).inc()
