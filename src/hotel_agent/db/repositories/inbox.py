"""The durable inbound queue: insert once, claim one turn at a time per conversation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

import asyncpg
from sqlalchemy import Table, and_, bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from hotel_agent.db.models import InboxEvent, QueueState
from hotel_agent.db.repositories.leased_queue import UNFINISHED, LeasedQueue
from hotel_agent.db.types import UTCDateTime
from hotel_agent.errors import ServiceUnavailable

# Built once: the webhook and the worker run these thousands of times a second, and a
# prebuilt statement skips SQLAlchemy's per-call construction and cache-key work.
_TABLE = cast(Table, InboxEvent.__table__)
_INSERT = {
    dialect: insert(_TABLE)
    .on_conflict_do_nothing(index_elements=["channel", "provider_message_id"])
    .returning(_TABLE.c.id)
    for dialect, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_COLUMNS = (
    "hotel_id", "channel", "provider_message_id", "conversation_key", "sender_id",
    "message_type", "payload", "received_at", "available_at", "state", "attempts",
)  # fmt: skip
# The same statement also wakes the workers of every process (inbox/wakeups.py): the
# notification is delivered when the INSERT commits, and only when a row was inserted.
_ASYNCPG_INSERT = (
    "WITH inserted AS ("
    "INSERT INTO inbox_events (hotel_id, channel, provider_message_id, conversation_key, "
    "sender_id, message_type, payload, received_at, available_at, state, attempts) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11) "
    "ON CONFLICT (channel, provider_message_id) DO NOTHING RETURNING id) "
    "SELECT id, pg_notify('hotel_agent_inbox', '') FROM inserted"
)


# SQLSTATE classes that mean "this connection or server is gone or refusing", not "this
# statement is wrong": 08 connection exception, 57 operator intervention (shutdown, restart),
# 53 insufficient resources (too many connections).
_DISCONNECT_SQLSTATE_CLASSES = ("08", "57", "53")


def _is_disconnect(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.InterfaceError | OSError | ConnectionError | TimeoutError):
        return True
    state = getattr(exc, "sqlstate", None)
    return isinstance(exc, asyncpg.PostgresError) and str(state)[:2] in (
        _DISCONNECT_SQLSTATE_CLASSES
    )


def _asyncpg_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict) else value


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


class InboxWriter:
    """The webhook's only SQL: one statement per message, on an autocommit connection.

    A single INSERT is atomic by itself; running it without BEGIN/COMMIT saves two round
    trips on the hottest path. The unique key decides atomically, so concurrent duplicate
    deliveries cannot both win.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

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
        """Store an inbound message; None when that provider id was already stored."""
        params = {
            "hotel_id": hotel_id,
            "channel": channel,
            "provider_message_id": provider_message_id,
            "conversation_key": conversation_key,
            "sender_id": sender_id,
            "message_type": message_type,
            "payload": payload,
            "received_at": now,
            "available_at": now,
            "state": QueueState.PENDING.value,
            "attempts": 0,
        }
        if self.connection.dialect.name == "postgresql":
            return await self._add_asyncpg(params)
        statement = _INSERT[self.connection.dialect.name]
        event_id: int | None = (
            await self.connection.execute(statement, params)
        ).scalar_one_or_none()
        return event_id

    async def _add_asyncpg(self, params: dict[str, Any]) -> int | None:
        # The busiest statement of the service, sent straight to asyncpg: SQLAlchemy's
        # execution layer costs more CPU than the insert itself at webhook rates. Same SQL as
        # `_INSERT["postgresql"]`; asyncpg prepares and caches it per connection.
        raw = await self.connection.get_raw_connection()
        driver: Any = raw.driver_connection
        try:
            event_id: int | None = await driver.fetchval(
                _ASYNCPG_INSERT, *(_asyncpg_value(params[name]) for name in _COLUMNS)
            )
        except Exception as exc:
            if not _is_disconnect(exc):
                raise
            # Straight asyncpg errors bypass SQLAlchemy's disconnect handling: without this
            # the dead connection would go back to the pool and fail every later request.
            await self.connection.invalidate(exc)
            raise ServiceUnavailable("the database connection was lost") from exc
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

    async def dead_letter(self, event: InboxEvent, *, reason: str, detail: str) -> None:
        await self._dead_letter(
            event, reason=reason, code=None, detail=detail, payload=event.payload
        )
