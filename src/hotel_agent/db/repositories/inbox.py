"""The durable inbound queue: insert once, claim one turn at a time per conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hotel_agent.db.models import DeadLetter, InboxEvent, QueueState
from hotel_agent.db.repositories._dialect import insert_for

UNFINISHED = (QueueState.PENDING.value, QueueState.PROCESSING.value)


@dataclass(frozen=True)
class QueueStats:
    depth: int
    oldest: datetime | None


class InboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        *,
        hotel_id: int,
        channel: str,
        provider_message_id: str,
        conversation_key: str,
        sender_id: str,
        message_type: str,
        payload: dict[str, Any],
        now: datetime,
    ) -> int | None:
        """Store an inbound message; None when that provider id was already stored.

        The unique key decides atomically, so concurrent duplicate deliveries cannot both win.
        """
        stmt = (
            insert_for(self.session, InboxEvent)
            .values(
                hotel_id=hotel_id,
                channel=channel,
                provider_message_id=provider_message_id,
                conversation_key=conversation_key,
                sender_id=sender_id,
                message_type=message_type,
                payload=payload,
                received_at=now,
                available_at=now,
                state=QueueState.PENDING.value,
                attempts=0,
            )
            .on_conflict_do_nothing(index_elements=["channel", "provider_message_id"])
            .returning(InboxEvent.id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def find_id(self, channel: str, provider_message_id: str) -> int | None:
        return await self.session.scalar(
            select(InboxEvent.id).where(
                InboxEvent.channel == channel,
                InboxEvent.provider_message_id == provider_message_id,
            )
        )

    async def get(self, event_id: int) -> InboxEvent | None:
        return await self.session.get(InboxEvent, event_id)

    async def claim_next(self, *, owner: str, now: datetime, lease: timedelta) -> InboxEvent | None:
        """Lease the oldest claimable event whose conversation has nothing older unfinished.

        An expired lease (a worker that died) makes its event claimable again. On PostgreSQL
        `FOR UPDATE SKIP LOCKED` lets many workers claim side by side without waiting.
        """
        earlier = aliased(InboxEvent)
        older_unfinished = (
            select(earlier.id)
            .where(
                earlier.conversation_key == InboxEvent.conversation_key,
                earlier.id < InboxEvent.id,
                earlier.state.in_(UNFINISHED),
            )
            .exists()
        )
        candidate = await self.session.scalar(
            select(InboxEvent)
            .where(
                or_(
                    and_(InboxEvent.state == QueueState.PENDING, InboxEvent.available_at <= now),
                    and_(InboxEvent.state == QueueState.PROCESSING, InboxEvent.lease_until < now),
                ),
                ~older_unfinished,
            )
            .order_by(InboxEvent.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if candidate is None:
            return None
        candidate.state = QueueState.PROCESSING.value
        candidate.lease_owner = owner
        candidate.lease_until = now + lease
        candidate.attempts += 1
        await self.session.flush()
        return candidate

    async def finish(self, event_id: int, *, owner: str, now: datetime) -> bool:
        """Mark done if we still hold the lease; False means another worker took it over."""
        result = await self.session.execute(
            update(InboxEvent)
            .where(
                InboxEvent.id == event_id,
                InboxEvent.lease_owner == owner,
                InboxEvent.state == QueueState.PROCESSING,
            )
            .values(state=QueueState.DONE.value, processed_at=now, lease_until=None)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def retry_later(
        self, event_id: int, *, owner: str, available_at: datetime, error: str
    ) -> None:
        await self.session.execute(
            update(InboxEvent)
            .where(InboxEvent.id == event_id, InboxEvent.lease_owner == owner)
            .values(
                state=QueueState.PENDING.value,
                available_at=available_at,
                lease_owner=None,
                lease_until=None,
                last_error=error[:2000],
            )
        )

    async def dead_letter(self, event: InboxEvent, *, reason: str, detail: str) -> None:
        event.state = QueueState.DEAD.value
        event.lease_until = None
        event.last_error = detail[:2000]
        self.session.add(
            DeadLetter(
                source="inbox",
                source_id=event.id,
                channel=event.channel,
                reason=reason,
                detail=detail[:2000],
                payload=event.payload,
            )
        )
        await self.session.flush()

    async def stats(self) -> QueueStats:
        row = (
            await self.session.execute(
                select(func.count(), func.min(InboxEvent.received_at)).where(
                    InboxEvent.state.in_(UNFINISHED)
                )
            )
        ).one()
        return QueueStats(depth=int(row[0]), oldest=row[1])
