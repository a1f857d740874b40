"""The durable inbound queue: insert once, claim one turn at a time per conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import asyncpg
from sqlalchemy import Table, and_, bindparam, or_, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from hotel_agent.db.models import InboxEvent, QueueState
from hotel_agent.db.repositories.leased_queue import UNFINISHED, LeasedQueue
from hotel_agent.db.types import UTCDateTime

# Built once: the webhook and the worker run these thousands of times a second, and a
# prebuilt statement skips SQLAlchemy's per-call construction and cache-key work.
_TABLE = cast(Table, InboxEvent.__table__)
_SQLITE_INSERT = (
    sqlite.insert(_TABLE)
    .on_conflict_do_nothing(index_elements=["channel", "provider_message_id"])
    .returning(_TABLE.c.id)
)
# The channel the inbox inserts notify on PostgreSQL and the workers LISTEN on.
INBOX_NOTIFY_CHANNEL = "hotel_agent_inbox"


# SQLSTATE classes that mean "this connection or server is gone or refusing", not "this
# statement is wrong": 08 connection exception, 57 operator intervention (shutdown, restart),
# 53 insufficient resources (too many connections).
_DISCONNECT_SQLSTATE_CLASSES = ("08", "57", "53")


def is_disconnect(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.InterfaceError | OSError | ConnectionError | TimeoutError):
        return True
    state = getattr(exc, "sqlstate", None)
    return isinstance(exc, asyncpg.PostgresError) and str(state)[:2] in (
        _DISCONNECT_SQLSTATE_CLASSES
    )


_NOW = bindparam("now", type_=UTCDateTime())
_earlier = aliased(InboxEvent)
_CLAIM = (
    select(InboxEvent)
    .where(
        or_(
            and_(InboxEvent.state == QueueState.PENDING, InboxEvent.available_at <= _NOW),
            and_(InboxEvent.state == QueueState.PROCESSING, InboxEvent.lease_until < _NOW),
        ),
        # Nothing older of the same conversation is unfinished: turns run in arrival order.
        ~select(_earlier.id)
        .where(
            _earlier.conversation_key == InboxEvent.conversation_key,
            _earlier.id < InboxEvent.id,
            _earlier.state.in_(UNFINISHED),
        )
        .exists(),
    )
    .order_by(InboxEvent.id)
    .limit(1)
    .with_for_update(skip_locked=True)
)


@dataclass(frozen=True)
class InboxRow:
    """One inbound message as the webhook stores it, before any turn."""

    hotel_id: int
    channel: str
    provider_message_id: str
    conversation_key: str
    sender_id: str
    message_type: str
    payload: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        """What makes a message unique: a redelivery has the same key."""
        return (self.channel, self.provider_message_id)


class InboxWriter:
    """SQLite's inserts: one statement per message, on an autocommit connection (PostgreSQL
    commits many requests' rows together instead, see inbox_batch.py).

    A single INSERT is atomic by itself; running it without BEGIN/COMMIT saves two round
    trips on the hottest path. The unique key decides atomically, so concurrent duplicate
    deliveries cannot both win.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, row: InboxRow, *, now: datetime) -> int | None:
        """Store an inbound message; None when that provider id was already stored."""
        params = {
            "hotel_id": row.hotel_id,
            "channel": row.channel,
            "provider_message_id": row.provider_message_id,
            "conversation_key": row.conversation_key,
            "sender_id": row.sender_id,
            "message_type": row.message_type,
            "payload": row.payload,
            "received_at": now,
            "available_at": now,
            "state": QueueState.PENDING.value,
            "attempts": 0,
        }
        event_id: int | None = (
            await self.connection.execute(_SQLITE_INSERT, params)
        ).scalar_one_or_none()
        return event_id

    async def find_id(self, channel: str, provider_message_id: str) -> int | None:
        event_id: int | None = await self.connection.scalar(
            select(_TABLE.c.id).where(
                _TABLE.c.channel == channel,
                _TABLE.c.provider_message_id == provider_message_id,
            )
        )
        return event_id


class InboxRepository(LeasedQueue[InboxEvent]):
    """Turns in arrival order: the oldest event whose conversation has nothing older
    unfinished (see `_CLAIM`)."""

    model = InboxEvent
    claim_statement = _CLAIM
    enqueued_at = InboxEvent.received_at
    source = "inbox"

    async def get(self, event_id: int) -> InboxEvent | None:
        return await self.session.get(InboxEvent, event_id)

    async def finish(self, event_id: int, *, owner: str, now: datetime) -> bool:
        """Mark done if we still hold the lease; False means another worker took it over."""
        return await self._update_held(
            event_id, owner, state=QueueState.DONE.value, processed_at=now, lease_until=None
        )

    async def save_payload(self, event_id: int, payload: dict[str, Any], *, owner: str) -> bool:
        """Replace the message of an event we hold (what the turn learnt about it, such as a
        voice note's transcript); False when the lease is gone."""
        return await self._update_held(event_id, owner, payload=payload)

    async def _update_held(self, event_id: int, owner: str, **values: Any) -> bool:
        """Update the event only while `owner` holds its lease; False when it does not."""
        result = await self.session.execute(
            update(InboxEvent)
            .where(
                InboxEvent.id == event_id,
                InboxEvent.lease_owner == owner,
                InboxEvent.state == QueueState.PROCESSING,
            )
            .values(**values)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def dead_letter(self, event: InboxEvent, *, reason: str, detail: str) -> None:
        await self._dead_letter(
            event, reason=reason, code=None, detail=detail, payload=event.payload
        )
