"""Sends we gave up on (dead letters of the outbox), and re-sending one when staff decide to:
after a long provider outage, an expired token fixed, a webhook URL corrected; or discarding
one that should not go out any more (the guest was called instead, the news is stale)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.port import Channel
from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import Conversation, DeadLetter, OutboxItem, OutboxKind
from hotel_agent.db.repositories.messages import MessageRepository
from hotel_agent.db.repositories.outbox import OutboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.errors import Conflict, NotFound
from hotel_agent.inbox.signals import Signals
from hotel_agent.staff.accounts import StaffMember, in_scope, record
from hotel_agent.staff.service import check_deliverable


class DeadLetterOut(BaseModel):
    id: int
    outbox_id: int
    kind: str
    channel: str
    conversation_id: int
    reason: str
    error_code: int | None
    detail: str | None
    text: str | None
    # E-mails (kind "email") have no transcript message: their subject and address instead.
    subject: str | None = None
    recipient: str | None = None
    created_at: datetime


async def list_dead_letters(
    session: AsyncSession, *, limit: int = 50, hotel_id: int | None = None
) -> list[DeadLetterOut]:
    """Outbox rows that are still dead (not re-sent yet), newest first (of one hotel only,
    when `hotel_id` is given)."""
    rows = await OutboxRepository(session).dead_letters(limit, hotel_id=hotel_id)
    messages = MessageRepository(session)
    result = []
    for letter, item in rows:
        message = await messages.get(item.message_id) if item.message_id else None
        result.append(_out(letter, item, message.body if message else None))
    return result


async def resend(
    sessions: SessionFactory,
    channels: Mapping[str, Channel],
    signals: Signals,
    dead_letter_id: int,
    *,
    by: StaffMember | None = None,
) -> DeadLetterOut:
    """Queue a dead letter's row again (fresh attempts and retry budget); the running sender
    delivers it. Refused when it is not dead any more or could not be delivered now. `by`
    (the console's signed-in member) is recorded in the audit."""
    now = utcnow()
    async with sessions() as session, session.begin():
        outbox = OutboxRepository(session)
        letter, item = await _existing(outbox, dead_letter_id, by)
        if item.kind == OutboxKind.MESSAGE:
            conversation = await session.get(Conversation, item.conversation_id)
            if conversation is None:
                raise NotFound(f"conversation {item.conversation_id} does not exist")
            message = (
                await MessageRepository(session).get(item.message_id) if item.message_id else None
            )
            template = message is not None and bool((message.payload or {}).get("template"))
            check_deliverable(channels, conversation, now, template_available=template)
        if not await outbox.requeue(item.id, now=now):
            raise Conflict(f"dead letter {dead_letter_id} was already re-sent")
        if item.message_id is not None:
            await MessageRepository(session).mark_queued_again(item.message_id, at=now)
        if by is not None:
            record(
                session,
                by,
                "resend",
                conversation_id=item.conversation_id,
                detail={"dead_letter_id": dead_letter_id},
                now=now,
            )
        out = _out(letter, item, None)
    signals.wake_outbox()
    return out


async def discard(
    sessions: SessionFactory, dead_letter_id: int, *, by: StaffMember | None = None
) -> None:
    """Never send this dead letter's row: it leaves the failed list (the dead letter stays as
    history). Conflict when it is not dead any more (re-sent or discarded already)."""
    async with sessions() as session, session.begin():
        outbox = OutboxRepository(session)
        _, item = await _existing(outbox, dead_letter_id, by)
        if not await outbox.discard(item.id):
            raise Conflict(f"dead letter {dead_letter_id} was re-sent or discarded already")
        if by is not None:
            record(
                session,
                by,
                "discard",
                conversation_id=item.conversation_id,
                detail={"dead_letter_id": dead_letter_id},
                now=utcnow(),
            )


async def _existing(
    outbox: OutboxRepository, dead_letter_id: int, by: StaffMember | None
) -> tuple[DeadLetter, OutboxItem]:
    """The dead letter and its row; NotFound too when it is another hotel's than `by`'s."""
    found = await outbox.find_dead_letter(dead_letter_id)
    if found is None or not in_scope(by, found[1].hotel_id):
        raise NotFound(f"dead letter {dead_letter_id} does not exist")
    return found


def _out(letter: DeadLetter, item: OutboxItem, text: str | None) -> DeadLetterOut:
    email = item.kind == OutboxKind.EMAIL
    subject = item.payload.get("subject") if email else None
    return DeadLetterOut(
        id=letter.id,
        outbox_id=item.id,
        kind=item.kind,
        channel=item.channel,
        conversation_id=item.conversation_id,
        reason=letter.reason,
        error_code=letter.error_code,
        detail=letter.detail,
        text=text,
        subject=subject if isinstance(subject, str) else None,
        recipient=item.recipient if email else None,
        created_at=letter.created_at,
    )
