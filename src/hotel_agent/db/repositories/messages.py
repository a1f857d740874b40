"""The transcript, and delivery states reported by the channels."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import (
    STATUS_RANK,
    Conversation,
    DeliveryStatus,
    Direction,
    InboxEvent,
    Message,
)


class MessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_inbound(
        self,
        *,
        conversation_id: int,
        channel: str,
        type_: str,
        body: str,
        payload: dict[str, Any],
        provider_message_id: str,
        inbox_event_id: int,
        created_at: datetime,
    ) -> Message:
        message = Message(
            conversation_id=conversation_id,
            direction=Direction.INBOUND.value,
            channel=channel,
            type=type_,
            body=body,
            payload=payload,
            provider_message_id=provider_message_id,
            status=DeliveryStatus.RECEIVED.value,
            status_rank=STATUS_RANK[DeliveryStatus.RECEIVED],
            inbox_event_id=inbox_event_id,
            author="guest",
            created_at=created_at,
        )
        return await self._append(message)

    async def add_outbound(
        self,
        *,
        conversation_id: int,
        channel: str,
        type_: str,
        body: str,
        payload: dict[str, Any],
        author: str,
        reply_to_message_id: int | None,
        created_at: datetime,
    ) -> Message:
        message = Message(
            conversation_id=conversation_id,
            direction=Direction.OUTBOUND.value,
            channel=channel,
            type=type_,
            body=body,
            payload=payload,
            status=DeliveryStatus.QUEUED.value,
            status_rank=STATUS_RANK[DeliveryStatus.QUEUED],
            author=author,
            reply_to_message_id=reply_to_message_id,
            created_at=created_at,
        )
        return await self._append(message)

    async def _append(self, message: Message) -> Message:
        """Store the message (flushed: it has its id) and make it its conversation's latest,
        which the staff inbox lists by. The one way a message enters the transcript."""
        self.session.add(message)
        await self.session.flush()
        # "Only if higher": a concurrent transaction's message may have committed first, and
        # this UPDATE waits for its row lock, then re-reads the row (both databases).
        # Appending is not an edit of the conversation: its updated_at (the retention job's
        # idle clock) stays.
        await self.session.execute(
            update(Conversation)
            .where(
                Conversation.id == message.conversation_id,
                Conversation.last_message_id < message.id,
            )
            .values(last_message_id=message.id, updated_at=Conversation.updated_at)
            .execution_options(synchronize_session="evaluate")
        )
        return message

    async def get(self, message_id: int) -> Message | None:
        return await self.session.get(Message, message_id)

    async def by_inbox_event(self, inbox_event_id: int) -> Message | None:
        return await self.session.scalar(
            select(Message).where(Message.inbox_event_id == inbox_event_id)
        )

    async def replies_to(self, message_id: int) -> Sequence[Message]:
        result = await self.session.scalars(
            select(Message).where(Message.reply_to_message_id == message_id).order_by(Message.id)
        )
        return result.all()

    async def transcript(
        self, conversation_id: int, *, after_id: int = 0, limit: int = 200
    ) -> Sequence[Message]:
        result = await self.session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.id > after_id)
            .order_by(Message.id)
            .limit(limit)
        )
        return result.all()

    async def last_is_inbound(self, conversation_id: int) -> bool:
        """Is the conversation's latest message the guest's? (False: none yet.)"""
        direction = await self.session.scalar(
            select(Message.direction)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.id.desc())
            .limit(1)
        )
        return direction == Direction.INBOUND

    async def last_inbound_sender(self, conversation_id: int) -> str | None:
        """The address the guest last wrote from (what the worker answers to), while the
        inbox event of that message is still stored."""
        sender: str | None = await self.session.scalar(
            select(InboxEvent.sender_id)
            .join(Message, Message.inbox_event_id == InboxEvent.id)
            .where(
                Message.conversation_id == conversation_id,
                Message.direction == Direction.INBOUND.value,
            )
            .order_by(Message.id.desc())
            .limit(1)
        )
        return sender

    async def last_inbound_thread(self, conversation_id: int) -> dict[str, Any] | None:
        """What the guest's last e-mail threads with, as stored (the channel port's
        `MailThread`); None when that message was not an e-mail."""
        payload = await self.session.scalar(
            select(Message.payload)
            .where(
                Message.conversation_id == conversation_id,
                Message.direction == Direction.INBOUND.value,
            )
            .order_by(Message.id.desc())
            .limit(1)
        )
        thread: dict[str, Any] | None = (payload or {}).get("thread")
        return thread

    async def record_status(
        self,
        *,
        channel: str,
        provider_message_id: str,
        status: str,
        at: datetime,
        error_code: int | None,
        error_detail: str | None,
    ) -> bool:
        """Apply a delivery callback: the furthest state wins; an error is always kept.

        Each UPDATE is a single conditional statement, so concurrent callbacks for one message
        cannot move it backwards. Returns False when the message is not ours.
        """
        rank = STATUS_RANK.get(status)
        if rank is None:
            return False
        where = (Message.channel == channel, Message.provider_message_id == provider_message_id)
        advanced = await self.session.execute(
            update(Message)
            .where(*where, Message.status_rank < rank)
            .values(status=status, status_rank=rank, status_updated_at=at)
        )
        if error_code is not None or error_detail:
            await self.session.execute(
                update(Message)
                .where(*where)
                .values(error_code=error_code, error_detail=(error_detail or "")[:2000])
            )
        if getattr(advanced, "rowcount", 0):
            return True
        exists = await self.session.scalar(select(Message.id).where(*where))
        return exists is not None

    async def mark_sent(
        self, message_id: int, *, provider_message_id: str | None, at: datetime
    ) -> None:
        rank = STATUS_RANK[DeliveryStatus.SENT]
        # One statement: the provider's id always, the status only if it is not already
        # further on (a "delivered" callback may have come first). SET reads the old row.
        behind = Message.status_rank < rank
        await self.session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(
                provider_message_id=provider_message_id,
                status=case((behind, DeliveryStatus.SENT.value), else_=Message.status),
                status_rank=case((behind, rank), else_=Message.status_rank),
                status_updated_at=case(
                    (behind, literal(at, Message.status_updated_at.type)),
                    else_=Message.status_updated_at,
                ),
            )
            .execution_options(synchronize_session=False)
        )

    async def mark_dead(
        self, message_id: int, *, code: int | None, detail: str, at: datetime
    ) -> None:
        await self.session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(
                status=DeliveryStatus.DEAD.value,
                status_rank=STATUS_RANK[DeliveryStatus.DEAD],
                error_code=code,
                error_detail=detail[:2000],
                status_updated_at=at,
            )
        )

    async def mark_queued_again(self, message_id: int, *, at: datetime) -> None:
        """A dead-lettered message re-sent by staff: queued again, its old error cleared."""
        await self.session.execute(
            update(Message)
            .where(Message.id == message_id, Message.status == DeliveryStatus.DEAD.value)
            .values(
                status=DeliveryStatus.QUEUED.value,
                status_rank=STATUS_RANK[DeliveryStatus.QUEUED],
                error_code=None,
                error_detail=None,
                status_updated_at=at,
            )
        )
