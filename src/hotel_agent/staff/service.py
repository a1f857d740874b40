"""Staff use cases, shared by the staff API and the `hotel-agent staff` command.

Reads take the caller's session; each change is one transaction of its own (like the web
chat's use cases, the boundary both the HTTP router and the CLI call) and takes only what it
needs: the session factory, the configured channels, the queue's wake-ups. A staff reply is
stored in the transcript with its outbox row; the sender running in this process (or in any
worker process, which polls) delivers it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.port import Channel, OutboundMessage, reply_window_closed
from hotel_agent.conversations import handoff as handoffs
from hotel_agent.conversations.handoff import STAFF_TAKEOVER, Handoff, announce, hand_to_staff
from hotel_agent.conversations.outbound import guest_address, queue_outbound
from hotel_agent.conversations.templates import guest_language, template_message
from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import Conversation, ConversationOwner, Message
from hotel_agent.db.repositories.booking_records import BookingRecordRepository
from hotel_agent.db.repositories.conversations import (
    ConversationOverview,
    ConversationRepository,
    InboxCursor,
)
from hotel_agent.db.repositories.messages import MessageRepository
from hotel_agent.db.types import utcnow
from hotel_agent.errors import BadRequest, Conflict, NotFound
from hotel_agent.inbox.signals import Signals
from hotel_agent.knowledge.templates import TemplatePurpose, TemplateRegistry
from hotel_agent.observability.logging import mask_pii
from hotel_agent.staff.accounts import StaffMember, record
from hotel_agent.staff.schemas import (
    ConversationList,
    ConversationSummary,
    ConversationTranscript,
    GuestBooking,
    OwnerFilter,
    StaffReplyIn,
    StaffReplyOut,
    TranscriptMessage,
)

TRANSCRIPT_PAGE = 200
# Why a reply cannot be delivered now: the channel is not configured in this process, or the
# channel's reply window (WhatsApp: 24 h after the guest's last message) has closed and the
# hotel has no staff_reply template in the guest's language.
ReplyBlock = Literal["channel_missing", "window_closed"]
NO_TEMPLATES = TemplateRegistry()
# WhatsApp caps a template's body at 1024 characters; the template's own words need room.
TEMPLATE_REPLY_LIMIT = 900


@dataclass(frozen=True)
class Composer:
    """Whether staff can write to the guest now, and if not why (for the console)."""

    block: ReplyBlock | None
    window_hours: float | None
    # The window has closed and a reply goes out as this approved template.
    template: str | None = None
    language: str | None = None  # the guest's language (the template's, or the missing one)


async def list_conversations(
    session: AsyncSession,
    owner: OwnerFilter = "staff",
    *,
    channel: str | None = None,
    limit: int = 50,
    hotel_id: int | None = None,
    viewer: int | None = None,
    before: str = "",
) -> ConversationList:
    """Conversations with the latest activity first; by default those waiting for staff.
    `hotel_id`: that hotel's only; `viewer`: unread counts as that staff user sees them;
    `before`: the page after the one whose `older` cursor this is."""
    cursor = InboxCursor.parse(before) if before else None
    if before and cursor is None:
        raise BadRequest("before: not a cursor this list gave out")
    rows = await ConversationRepository(session).overviews(
        owner=None if owner == "all" else owner,
        channel=channel,
        hotel_id=hotel_id,
        viewer=viewer,
        before=cursor,
        limit=limit + 1,
    )
    older = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        older = str(
            InboxCursor(last.last_message.id if last.last_message else 0, last.conversation.id)
        )
    return ConversationList(owner=owner, conversations=[_summary(row) for row in rows], older=older)


async def transcript(
    session: AsyncSession,
    conversation_id: int,
    *,
    after: int = 0,
    limit: int = TRANSCRIPT_PAGE,
    hotel_id: int | None = None,
    viewer: int | None = None,
) -> ConversationTranscript:
    """The conversation and its messages in order (those after message id `after`).
    NotFound when `hotel_id` is given and the conversation is another hotel's."""
    overview = await _overview(session, conversation_id, hotel_id=hotel_id, viewer=viewer)
    messages = await MessageRepository(session).transcript(
        conversation_id, after_id=after, limit=limit
    )
    return ConversationTranscript(
        conversation=_summary(overview), messages=[_transcript_message(m) for m in messages]
    )


async def bookings(
    session: AsyncSession, conversation_id: int, *, hotel_id: int | None = None
) -> list[GuestBooking]:
    """The bookings the agent made (or tried) in the conversation, newest first."""
    await _check_scope(session, conversation_id, hotel_id)
    records = await BookingRecordRepository(session).of_conversation(conversation_id)
    return [GuestBooking.model_validate(r) for r in records]


async def mark_seen(
    sessions: SessionFactory, member: StaffMember, conversation_id: int, message_id: int
) -> None:
    """`member` has seen the conversation up to `message_id`: no longer unread for them
    (their colleagues' counts stay as they were)."""
    async with sessions() as session, session.begin():
        await ConversationRepository(session).mark_seen(member.user_id, conversation_id, message_id)


async def reply(
    sessions: SessionFactory,
    channels: Mapping[str, Channel],
    signals: Signals,
    conversation_id: int,
    body: StaffReplyIn,
    *,
    by: StaffMember | None = None,
    templates: TemplateRegistry = NO_TEMPLATES,
    hotel_id: int | None = None,
) -> StaffReplyOut:
    """Queue a staff message to the guest. Replying to a conversation the bot owns takes it
    over first, so the bot does not answer the guest's next message over staff. `by` (the
    console's signed-in member) is recorded in the audit and becomes the assignee if there
    was none.

    Refused (Conflict) when it could not be delivered: the conversation's channel is not
    configured here, or the channel's reply window (WhatsApp: 24 h) has closed and `templates`
    has no staff_reply template in the guest's language. With one, the reply goes out as that
    template, the text as its `reply` parameter. NotFound when the conversation is another
    hotel's than `hotel_id`.
    """
    now = utcnow()
    handoff: Handoff | None = None
    async with sessions() as session, session.begin():
        await _check_scope(session, conversation_id, hotel_id)
        conversation = await handoffs.locked(session, conversation_id)
        check_deliverable(channels, conversation, now, template_available=True)
        content = OutboundMessage(text=body.text)
        if _window_closed(channels, conversation, now):
            if len(body.text) > TEMPLATE_REPLY_LIMIT:
                raise BadRequest(
                    f"the guest last wrote more than 24 hours ago, so the reply goes out as a "
                    f"template, which holds at most {TEMPLATE_REPLY_LIMIT} characters: shorten it"
                )
            content = await template_message(
                session,
                conversation,
                templates,
                TemplatePurpose.STAFF_REPLY,
                {"reply": body.text},
            )
        recipient = await guest_address(session, conversation)
        if conversation.owner == ConversationOwner.BOT:
            handoff = hand_to_staff(conversation, reason=STAFF_TAKEOVER, now=now)
        message = await queue_outbound(
            session,
            conversation,
            content,
            author="staff",
            recipient=recipient,
            now=now,
        )
        await session.flush()
        if by is not None:
            if conversation.assignee_id is None:
                conversation.assignee_id = by.user_id
            record(
                session,
                by,
                "reply",
                conversation_id=conversation_id,
                detail={"message_id": message.id, "took_over": handoff is not None},
                now=now,
            )
        out = _transcript_message(message)
        summary = _summary(await _overview(session, conversation_id))
    if handoff is not None:
        announce(handoff)
    signals.wake_outbox()
    return StaffReplyOut(message=out, conversation=summary, took_over=handoff is not None)


async def take_over(
    sessions: SessionFactory,
    conversation_id: int,
    *,
    by: StaffMember | None = None,
    hotel_id: int | None = None,
) -> ConversationSummary:
    """Staff answer from now on (reason staff_takeover). Conflict if staff already do,
    unless `by` takes a conversation the bot handed over and nobody has taken yet.
    NotFound when the conversation is another hotel's than `hotel_id`."""
    now = utcnow()
    handoff: Handoff | None = None
    async with sessions() as session, session.begin():
        await _check_scope(session, conversation_id, hotel_id)
        if by is None:
            handoff = await handoffs.take_over(session, conversation_id, now=now)
        else:
            handoff = await _take_for(session, conversation_id, by, now)
        if handoff is not None:
            await handoffs.signal_owner(session, await handoffs.locked(session, conversation_id))
        await session.flush()
        summary = _summary(await _overview(session, conversation_id))
    if handoff is not None:
        announce(handoff)
    return summary


async def _take_for(
    session: AsyncSession, conversation_id: int, by: StaffMember, now: datetime
) -> Handoff | None:
    """A console member takes the conversation: from the bot (a takeover), or as the one
    answering a conversation the bot handed to staff. Conflict if a colleague has it."""
    conversation = await handoffs.locked(session, conversation_id)
    handoff = None
    if conversation.owner == ConversationOwner.BOT:
        handoff = hand_to_staff(conversation, reason=STAFF_TAKEOVER, now=now)
    elif conversation.assignee_id is not None:
        raise Conflict(f"conversation {conversation_id} is already taken by a colleague")
    conversation.assignee_id = by.user_id
    record(session, by, "take_over", conversation_id=conversation_id, now=now)
    return handoff


async def hand_back(
    sessions: SessionFactory,
    conversation_id: int,
    *,
    by: StaffMember | None = None,
    hotel_id: int | None = None,
) -> ConversationSummary:
    """The bot answers the guest's next message, from a fresh state (language kept).
    Conflict if the bot already owns the conversation; NotFound when it is another hotel's
    than `hotel_id`."""
    async with sessions() as session, session.begin():
        await _check_scope(session, conversation_id, hotel_id)
        await handoffs.hand_back(session, conversation_id)
        if by is not None:
            record(session, by, "hand_back", conversation_id=conversation_id, now=utcnow())
        await session.flush()
        summary = _summary(await _overview(session, conversation_id))
    return summary


async def _overview(
    session: AsyncSession,
    conversation_id: int,
    *,
    hotel_id: int | None = None,
    viewer: int | None = None,
) -> ConversationOverview:
    rows = await ConversationRepository(session).overviews(
        conversation_id=conversation_id, hotel_id=hotel_id, viewer=viewer, limit=1
    )
    if not rows:
        raise NotFound(f"conversation {conversation_id} does not exist")
    return rows[0]


async def _check_scope(session: AsyncSession, conversation_id: int, hotel_id: int | None) -> None:
    """Another hotel's conversation is as absent as one that does not exist: a member scoped
    to one hotel learns nothing of the others (a conversation's hotel never changes)."""
    if hotel_id is None:
        return
    conversation = await ConversationRepository(session).get(conversation_id)
    if conversation is None or conversation.hotel_id != hotel_id:
        raise NotFound(f"conversation {conversation_id} does not exist")


async def composer(
    session: AsyncSession,
    channels: Mapping[str, Channel],
    conversation_id: int,
    templates: TemplateRegistry = NO_TEMPLATES,
    *,
    hotel_id: int | None = None,
) -> Composer:
    """Can staff write to the guest of this conversation now, and how (free-form or through
    the hotel's staff_reply template)?"""
    conversation = await ConversationRepository(session).get(conversation_id)
    if conversation is None or (hotel_id is not None and conversation.hotel_id != hotel_id):
        raise NotFound(f"conversation {conversation_id} does not exist")
    channel = channels.get(conversation.channel)
    window = channel.reply_window_seconds if channel is not None else None
    now = utcnow()
    block = reply_block(channels, conversation, now)
    template = language = None
    if block == "window_closed":
        language = await guest_language(session, conversation)
        found = templates.find(TemplatePurpose.STAFF_REPLY, language)
        if found is not None:
            block, template = None, found.name
    return Composer(
        block=block,
        window_hours=window / 3600 if window else None,
        template=template,
        language=language,
    )


def reply_block(
    channels: Mapping[str, Channel],
    conversation: Conversation,
    now: datetime,
    *,
    template_available: bool = False,
) -> ReplyBlock | None:
    """Why a message cannot be delivered now; `template_available`: it is (or may become) an
    approved template, which the reply window does not stop."""
    if channels.get(conversation.channel) is None:
        return "channel_missing"
    if not template_available and _window_closed(channels, conversation, now):
        return "window_closed"
    return None


def _window_closed(
    channels: Mapping[str, Channel], conversation: Conversation, now: datetime
) -> bool:
    return reply_window_closed(
        channels.get(conversation.channel), conversation.last_inbound_at, now
    )


def check_deliverable(
    channels: Mapping[str, Channel],
    conversation: Conversation,
    now: datetime,
    *,
    template_available: bool = False,
) -> None:
    block = reply_block(channels, conversation, now, template_available=template_available)
    if block == "channel_missing":
        raise Conflict(
            f"the {conversation.channel} channel is not configured here, so the reply could "
            "not be delivered"
        )
    if block == "window_closed":
        hours = (channels[conversation.channel].reply_window_seconds or 0) / 3600
        raise Conflict(
            f"the guest last wrote more than {hours:g} hours ago: {conversation.channel} only "
            "delivers free-form replies within that window after the guest's last message. "
            "Nothing was queued; the guest has to write again first."
        )


def _summary(row: ConversationOverview) -> ConversationSummary:
    conversation, guest, last, assignee, unread = row
    return ConversationSummary(
        id=conversation.id,
        hotel_id=conversation.hotel_id,
        channel=conversation.channel,
        guest_name=guest.display_name,
        phone=_masked_phone(guest.phone),
        language=conversation.language,
        owner=conversation.owner,
        handoff_reason=conversation.handoff_reason,
        handoff_at=conversation.handoff_at,
        assignee=assignee,
        unread=unread,
        last_message_text=last.body if last else None,
        last_message_author=last.author if last else None,
        last_message_at=last.created_at if last else None,
    )


def _masked_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    masked = mask_pii(phone)
    # The log masking leaves short digit runs alone; a phone field is always a phone.
    return masked if masked != phone else "***" + phone[-2:]


def _transcript_message(message: Message) -> TranscriptMessage:
    return TranscriptMessage(
        id=message.id,
        direction=message.direction,
        author=message.author,
        type=message.type,
        text=message.body,
        status=message.status,
        error=message.error_detail,
        attachments=[
            f"{a.get('filename')} ({a.get('mime_type')})"
            for a in (message.payload or {}).get("attachments") or []
        ],
        voice_note=_voice_note(message),
        created_at=message.created_at,
    )


def _voice_note(message: Message) -> str | None:
    if message.type != "audio" or message.direction != "in":
        return None
    media = (message.payload or {}).get("media")
    status = media.get("transcript_status") if isinstance(media, dict) else None
    # Audio recorded before voice notes were transcribed: never tried.
    return status if isinstance(status, str) else "not_configured"
