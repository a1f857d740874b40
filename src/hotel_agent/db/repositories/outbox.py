"""The durable outbound queue: sends in order per conversation, retries, dead letters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, true, update
from sqlalchemy.orm import aliased

from hotel_agent.db.models import DeadLetter, OutboxItem, OutboxKind, QueueState
from hotel_agent.db.repositories.leased_queue import UNFINISHED, LeasedQueue
from hotel_agent.db.types import UTCDateTime

SENT = "sent"
# A dead row staff chose not to send again: off the failed list, kept until retention.
DISCARDED = "discarded"


_NOW = bindparam("now", type_=UTCDateTime())
_earlier = aliased(OutboxItem)
# Built once (see inbox.py). Read receipts neither wait behind nor block a conversation's
# messages; messages go out one by one, in order.
_CLAIM = (
    select(OutboxItem)
    .where(
        or_(
            and_(OutboxItem.state == QueueState.PENDING, OutboxItem.available_at <= _NOW),
            and_(OutboxItem.state == QueueState.PROCESSING, OutboxItem.lease_until < _NOW),
        ),
        or_(
            OutboxItem.kind != OutboxKind.MESSAGE,
            ~select(_earlier.id)
            .where(
                _earlier.conversation_id == OutboxItem.conversation_id,
                _earlier.id < OutboxItem.id,
                _earlier.kind == OutboxKind.MESSAGE,
                _earlier.state.in_(UNFINISHED),
            )
            .exists(),
        ),
    )
    .order_by(OutboxItem.id)
    .limit(1)
    .with_for_update(skip_locked=True)
)


class OutboxRepository(LeasedQueue[OutboxItem]):
    model = OutboxItem
    claim_statement = _CLAIM
    enqueued_at = OutboxItem.created_at
    source = "outbox"

    def add(
        self,
        *,
        kind: OutboxKind,
        channel: str,
        hotel_id: int,
        conversation_id: int,
        recipient: str,
        message_id: int | None = None,
        payload: dict[str, Any] | None = None,
    ) -> OutboxItem:
        item = OutboxItem(
            kind=kind.value,
            channel=channel,
            hotel_id=hotel_id,
            conversation_id=conversation_id,
            message_id=message_id,
            recipient=recipient,
            payload=payload or {},
            state=QueueState.PENDING.value,
            attempts=0,
        )
        self.session.add(item)
        return item

    async def mark_sent(self, item_id: int, *, owner: str, now: datetime) -> bool:
        result = await self.session.execute(
            update(OutboxItem)
            .where(OutboxItem.id == item_id, OutboxItem.lease_owner == owner)
            .values(state=SENT, sent_at=now, lease_until=None, last_error=None)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def dead_letter(
        self, item: OutboxItem, *, reason: str, code: int | None, detail: str
    ) -> None:
        payload = {"kind": item.kind, "message_id": item.message_id, **item.payload}
        await self._dead_letter(item, reason=reason, code=code, detail=detail, payload=payload)

    async def postpone_channel(self, channel: str, *, until: datetime) -> int:
        """Hold every pending send of a channel until `until` (the backoff of a send that just
        failed transiently): during a provider outage the queue probes it about once per
        backoff period instead of once per waiting row. Order is kept: rows keep their ids."""
        result = await self.session.execute(
            update(OutboxItem)
            .where(
                OutboxItem.channel == channel,
                OutboxItem.kind != OutboxKind.ALERT,  # alerts go to the staff webhook
                OutboxItem.state == QueueState.PENDING,
                OutboxItem.available_at < until,
            )
            .values(available_at=until)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def dead_letter_count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(DeadLetter)) or 0)

    async def dead_letters(
        self, limit: int, *, hotel_id: int | None = None
    ) -> Sequence[tuple[DeadLetter, OutboxItem]]:
        """Outbox rows still dead (not re-sent), newest first, each with its last dead letter;
        of one hotel only when `hotel_id` is given."""
        later = aliased(DeadLetter)
        hotel = OutboxItem.hotel_id == hotel_id if hotel_id is not None else true()
        rows = await self.session.execute(
            select(DeadLetter, OutboxItem)
            .join(OutboxItem, OutboxItem.id == DeadLetter.source_id)
            .where(
                DeadLetter.source == self.source,
                OutboxItem.state == QueueState.DEAD,
                hotel,
                ~select(later.id)
                .where(
                    later.source == self.source,
                    later.source_id == DeadLetter.source_id,
                    later.id > DeadLetter.id,
                )
                .exists(),
            )
            .order_by(DeadLetter.id.desc())
            .limit(limit)
        )
        return [(letter, item) for letter, item in rows]

    async def find_dead_letter(self, dead_letter_id: int) -> tuple[DeadLetter, OutboxItem] | None:
        row = (
            await self.session.execute(
                select(DeadLetter, OutboxItem)
                .join(OutboxItem, OutboxItem.id == DeadLetter.source_id)
                .where(DeadLetter.id == dead_letter_id, DeadLetter.source == self.source)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def discard(self, item_id: int) -> bool:
        """Take a dead row off the failed list for good (False: it is not dead any more)."""
        result = await self.session.execute(
            update(OutboxItem)
            .where(OutboxItem.id == item_id, OutboxItem.state == QueueState.DEAD)
            .values(state=DISCARDED)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def requeue(self, item_id: int, *, now: datetime) -> bool:
        """Queue a dead row again as if new: fresh attempts and retry budget, due now. The
        dead letter stays as history."""
        result = await self.session.execute(
            update(OutboxItem)
            .where(OutboxItem.id == item_id, OutboxItem.state == QueueState.DEAD)
            .values(
                state=QueueState.PENDING.value,
                attempts=0,
                available_at=now,
                created_at=now,
                lease_owner=None,
                lease_until=None,
            )
        )
        return bool(getattr(result, "rowcount", 0) == 1)
