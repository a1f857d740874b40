"""What the inbox and the outbox share: rows claimed with an expiring lease, retried later
with a reason, or dead-lettered for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from hotel_agent.db.models import DeadLetter, QueueState

UNFINISHED = (QueueState.PENDING.value, QueueState.PROCESSING.value)
Row = TypeVar("Row", bound=Any)
# Transaction-local settings of every PostgreSQL claim, in one round trip:
# - synchronous_commit off: a claim need not wait for its WAL flush; if the database loses it
#   in a crash the row is simply claimable again (and a late finish() fails on the lease).
# - plan_cache_mode force_custom_plan: the claim is a prepared statement that lives as long as
#   its pooled connection. A generic plan built while the table was nearly empty (and it is,
#   whenever the workers keep up) stays in use when a backlog builds up, and then examines
#   every waiting row once per waiting row (issue 9: 3.5 s per claim at 5,000 rows). Planning
#   with the real values picks the partial indexes of unfinished rows every time, for ~0.1 ms.
_CLAIM_SETTINGS = text(
    "SELECT set_config('synchronous_commit', 'off', true), "
    "set_config('plan_cache_mode', 'force_custom_plan', true)"
)


@dataclass(frozen=True)
class QueueStats:
    depth: int
    oldest: datetime | None


class LeasedQueue(Generic[Row]):
    model: ClassVar[type[Any]]
    claim_statement: ClassVar[Select[Any]]  # takes a `now` parameter; FOR UPDATE SKIP LOCKED
    enqueued_at: ClassVar[InstrumentedAttribute[datetime]]
    source: ClassVar[str]  # how dead letters name this queue

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim_next(self, *, owner: str, now: datetime, lease: timedelta) -> Row | None:
        """Lease the next claimable row. An expired lease (its worker died) is claimable again,
        and on PostgreSQL many workers claim side by side without waiting for each other."""
        rows = await self.claim(owner=owner, now=now, lease=lease, limit=1)
        return rows[0] if rows else None

    async def claim(self, *, owner: str, now: datetime, lease: timedelta, limit: int) -> list[Row]:
        """Lease up to `limit` claimable rows in one statement, oldest first: one round of
        claim, update and commit for all of them instead of one round each."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(_CLAIM_SETTINGS)
        statement = self.claim_statement if limit == 1 else self.claim_statement.limit(limit)
        rows: list[Row] = list(await self.session.scalars(statement, {"now": now}))
        for row in rows:
            row.state = QueueState.PROCESSING.value
            row.lease_owner = owner
            row.lease_until = now + lease
            row.attempts += 1
        if rows:
            await self.session.flush()
        return rows

    async def retry_later(
        self, row_id: int, *, owner: str, available_at: datetime, error: str
    ) -> None:
        await self._release(row_id, owner, available_at, last_error=error[:2000])

    async def hand_back(self, row_id: int, *, owner: str, available_at: datetime) -> None:
        """Return a claimed row that was not tried: pending again, due at `available_at`,
        and its attempt not counted."""
        await self._release(row_id, owner, available_at, attempts=self.model.attempts - 1)

    async def _release(
        self, row_id: int, owner: str, available_at: datetime, **values: Any
    ) -> None:
        model = self.model
        await self.session.execute(
            update(model)
            .where(model.id == row_id, model.lease_owner == owner)
            .values(
                state=QueueState.PENDING.value,
                available_at=available_at,
                lease_owner=None,
                lease_until=None,
                **values,
            )
        )

    async def _dead_letter(
        self,
        row: Row,
        *,
        reason: str,
        code: int | None,
        detail: str,
        payload: dict[str, Any],
    ) -> None:
        row.state = QueueState.DEAD.value
        row.lease_until = None
        row.last_error = f"{reason}: {detail}"[:2000]
        self.session.add(
            DeadLetter(
                source=self.source,
                source_id=row.id,
                channel=row.channel,
                reason=reason,
                error_code=code,
                detail=detail[:2000],
                payload=payload,
            )
        )
        await self.session.flush()

    async def stats(self) -> QueueStats:
        depth, oldest = (
            await self.session.execute(
                # Via the class: a mapped attribute read on an instance would look for a value.
                select(func.count(), func.min(type(self).enqueued_at)).where(
                    self.model.state.in_(UNFINISHED)
                )
            )
        ).one()
        return QueueStats(depth=int(depth), oldest=oldest)
