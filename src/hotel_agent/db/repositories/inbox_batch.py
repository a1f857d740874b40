"""Group commit of inbox inserts on PostgreSQL: concurrent webhooks share one INSERT.

At webhook rates the cost of acknowledging is mostly per statement, not per row: a pool
checkout (with its pre-ping), a round trip, a commit and its WAL flush. So the rows of every
request that arrives while an insert is in flight are sent together, as ONE statement, which
PostgreSQL commits atomically: each request is answered only when that statement has returned,
that is when its rows are durable. Nothing is delayed on purpose: an idle service inserts each
request's rows at once; a busy one batches naturally, as PostgreSQL's own group commit does.

A batch that fails fails each of its requests: a lost connection answers every one of them
503 (the provider retries), and any other error is retried request by request, so that one
bad delivery cannot take its neighbours' acknowledgements with it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine

from hotel_agent.db.models import QueueState
from hotel_agent.db.repositories.inbox import INBOX_NOTIFY_CHANNEL, InboxRow, is_disconnect
from hotel_agent.db.types import utcnow
from hotel_agent.errors import ServiceUnavailable

# unnest() turns the parallel arrays back into rows; WITH ORDINALITY + ORDER BY keeps the
# arrival order, so the ids (and with them the turns of a conversation) follow it. Within one
# statement ON CONFLICT DO NOTHING also skips a second copy of the same message. The same
# statement wakes the workers of every process (inbox/wakeups.py) when it commits; PostgreSQL
# delivers one notification per transaction however many rows call pg_notify.
_INSERT_MANY = (
    "WITH arrived AS ("
    "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], "
    "$6::text[], $7::text[]) WITH ORDINALITY "
    "AS a(hotel_id, channel, provider_message_id, conversation_key, sender_id, message_type, "
    "payload, n)), "
    "inserted AS ("
    "INSERT INTO inbox_events (hotel_id, channel, provider_message_id, conversation_key, "
    "sender_id, message_type, payload, received_at, available_at, state, attempts) "
    "SELECT hotel_id, channel, provider_message_id, conversation_key, sender_id, "
    "message_type, payload::jsonb, $8, $8, $9, 0 FROM arrived ORDER BY n "
    "ON CONFLICT (channel, provider_message_id) DO NOTHING "
    "RETURNING id, channel, provider_message_id) "
    "SELECT id, channel, provider_message_id, pg_notify($10, '') "
    "FROM inserted"
)
_EXISTING = (
    "SELECT id, channel, provider_message_id FROM inbox_events "
    "WHERE (channel, provider_message_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
)


@dataclass(frozen=True)
class Stored:
    event_id: int
    duplicate: bool


@dataclass
class _Request:
    rows: list[InboxRow]
    done: asyncio.Future[list[Stored]]


class InboxGroupCommit:
    """Inserts inbox rows for many concurrent callers, a few statements at a time."""

    def __init__(self, autocommit_engine: AsyncEngine, *, flushers: int = 2) -> None:
        self.engine = autocommit_engine
        # Statements in flight at once: while one waits for its commit, the next batch forms
        # and goes out on another connection.
        self.flushers = flushers
        self._waiting: list[_Request] = []
        self._running = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self.statements = 0  # INSERTs sent: fewer than requests when batches formed

    async def insert(self, rows: list[InboxRow]) -> list[Stored]:
        """Store `rows` (one delivery, in order); each result says whether it was new.
        Returns once they are committed; raises if they may not be."""
        if not rows:
            return []
        request = _Request(rows, asyncio.get_running_loop().create_future())
        request.done.add_done_callback(_consume_error)
        self._waiting.append(request)
        if self._running < self.flushers:
            self._running += 1
            task = asyncio.create_task(self._flush_while_waiting())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        # Shielded: a caller that goes away (the client hung up) must not cancel the others'
        # statement; its rows are stored anyway and recognised as duplicates on a redelivery.
        return await asyncio.shield(request.done)

    async def _flush_while_waiting(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._flush(batch)
        finally:
            self._running -= 1

    async def _flush(self, batch: list[_Request]) -> None:
        try:
            results = await self._store([row for request in batch for row in request.rows])
        except Exception as exc:
            if len(batch) == 1:
                _fail(batch[0].done, exc)
            elif _storage_down(exc):
                # Every request of the batch gets its own 503: the provider retries each.
                for request in batch:
                    failure = ServiceUnavailable("the database is unavailable")
                    failure.__cause__ = exc
                    _fail(request.done, failure)
            else:
                # Not the database's fault as far as we know: find the request that caused
                # it and fail only that one.
                for request in batch:
                    await self._flush([request])
            return
        start = 0
        for request in batch:
            end = start + len(request.rows)
            if not request.done.done():
                request.done.set_result(results[start:end])
            start = end

    async def _store(self, rows: list[InboxRow]) -> list[Stored]:
        now = utcnow()
        self.statements += 1
        async with self.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            try:
                inserted = await driver.fetch(
                    _INSERT_MANY,
                    *_columns(rows),
                    now,
                    QueueState.PENDING.value,
                    INBOX_NOTIFY_CHANNEL,
                )
                new_ids = {(r["channel"], r["provider_message_id"]): r["id"] for r in inserted}
                results = _new_ids_in_order(rows, new_ids)
                duplicates = [row for row, new in zip(rows, results, strict=True) if new is None]
                known: dict[tuple[str, str], int] = {}
                if duplicates:
                    # Stored before (a redelivery) or earlier in this batch: their ids.
                    existing = await driver.fetch(
                        _EXISTING,
                        [row.channel for row in duplicates],
                        [row.provider_message_id for row in duplicates],
                    )
                    known = {(r["channel"], r["provider_message_id"]): r["id"] for r in existing}
            except Exception as exc:
                if not is_disconnect(exc):
                    raise
                # Straight asyncpg errors bypass SQLAlchemy's disconnect handling: without
                # this the dead connection would go back to the pool and fail later batches.
                await connection.invalidate(exc)
                raise ServiceUnavailable("the database connection was lost") from exc
        return [
            Stored(known.get(row.key, 0), duplicate=True)
            if new is None
            else Stored(new, duplicate=False)
            for row, new in zip(rows, results, strict=True)
        ]


def _columns(rows: list[InboxRow]) -> tuple[list[Any], ...]:
    return (
        [row.hotel_id for row in rows],
        [row.channel for row in rows],
        [row.provider_message_id for row in rows],
        [row.conversation_key for row in rows],
        [row.sender_id for row in rows],
        [row.message_type for row in rows],
        [json.dumps(row.payload) for row in rows],
    )


def _new_ids_in_order(
    rows: list[InboxRow], new_ids: dict[tuple[str, str], int]
) -> list[int | None]:
    """Each row's new id, or None for a duplicate. A message delivered twice in the same batch
    was inserted once: the first copy gets the id, the later one is a duplicate of it."""
    unclaimed = dict(new_ids)
    return [unclaimed.pop(row.key, None) for row in rows]


def _storage_down(exc: BaseException) -> bool:
    """The database (or our connection to it) failed, not the statement: answered 503."""
    return isinstance(exc, ServiceUnavailable | DBAPIError | PoolTimeoutError) or is_disconnect(exc)


def _consume_error(done: asyncio.Future[list[Stored]]) -> None:
    # The caller may have gone away (shield): its error must not be logged as never retrieved.
    if not done.cancelled():
        done.exception()


def _fail(done: asyncio.Future[list[Stored]], exc: BaseException) -> None:
    if not done.done():
        done.set_exception(exc)
