"""The worker: runs one turn at a time per conversation, in arrival order.

A turn is claimed with a lease (short transaction) and given to the turn handler, which
commits its result in the same transaction that finishes the lease (`Lease.finish`), so only a
worker that still holds the lease commits. A worker that dies leaves a lease that expires, and
the turn is run again by another worker; a turn that fails is retried with backoff, and
dead-lettered after too many attempts. What a turn does is the handler's business (see
`hotel_agent.conversations.turns`).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.backoff import next_attempt_at
from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import InboxEvent
from hotel_agent.db.repositories.inbox import InboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.inbox.signals import Signals, wait_event
from hotel_agent.observability.metrics import DEAD_LETTERS, TURN_SECONDS, TURNS
from hotel_agent.settings import QueueSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Lease:
    """A worker's hold on one claimed inbox event."""

    event_id: int
    owner: str

    async def finish(self, session: AsyncSession, *, now: datetime) -> bool:
        """Mark the event done, in the transaction that commits the turn's result. False: the
        lease expired and another worker owns the turn; the caller rolls back."""
        return await InboxRepository(session).finish(self.event_id, owner=self.owner, now=now)


class TurnHandler(Protocol):
    async def __call__(self, event: InboxEvent, lease: Lease) -> str:
        """Run the turn of `event`, committing its result with `lease.finish`; return the
        outcome (the turns metric's label), "lease_lost" when `finish` said so."""
        ...


class Worker:
    def __init__(
        self,
        sessions: SessionFactory,
        handler: TurnHandler,
        signals: Signals,
        settings: QueueSettings,
        *,
        name: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.handler = handler
        self.signals = signals
        self.settings = settings
        self.name = name or f"worker-{uuid.uuid4().hex[:12]}"
        self.lease = timedelta(seconds=settings.lease_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        log.info("worker.started", worker=self.name)
        while not stop.is_set():
            try:
                worked = await self.process_next()
            except Exception:
                # A database outage must not kill the loop: wait and try again.
                log.exception("worker.loop_error", worker=self.name)
                worked = False
            if not worked:
                await wait_event(self.signals.inbox, self.settings.poll_interval_seconds)
        log.info("worker.stopped", worker=self.name)

    async def process_next(self) -> bool:
        """Claim and run one turn. False when nothing was claimable."""
        now = utcnow()
        async with self.sessions() as session, session.begin():
            inbox = InboxRepository(session)
            event = await inbox.claim_next(owner=self.name, now=now, lease=self.lease)
            if event is None:
                return False
            if event.attempts > self.settings.max_inbound_attempts:
                await inbox.dead_letter(
                    event, reason="too_many_attempts", detail=event.last_error or ""
                )
                DEAD_LETTERS.labels("inbox", event.channel, "too_many_attempts").inc()
                log.error("turn.dead_lettered", inbox_event_id=event.id)
                return True
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(inbox_event_id=event.id, conversation_id=None):
            try:
                outcome = await self.handler(event, Lease(event.id, self.name))
            except Exception as exc:
                outcome = "failed"
                log.exception("turn.failed", attempts=event.attempts)
                await self._retry_later(event, repr(exc))
        TURNS.labels(outcome).inc()
        TURN_SECONDS.observe(time.perf_counter() - started)
        await self.signals.turn_finished()
        return True

    async def _retry_later(self, event: InboxEvent, error: str) -> None:
        now = utcnow()
        when = next_attempt_at(
            now,
            event.attempts,
            base=self.settings.retry_base_seconds,
            cap=self.settings.retry_max_seconds,
        )
        try:
            async with self.sessions() as session, session.begin():
                await InboxRepository(session).retry_later(
                    event.id, owner=self.name, available_at=when, error=error
                )
        except Exception:
            # The lease will expire and the turn will be retried anyway.
            log.exception("turn.retry_schedule_failed")
