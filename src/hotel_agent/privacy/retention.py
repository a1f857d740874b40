"""The retention job: old transcripts, handled raw payloads, sent booking e-mails and dead
letters are removed, the dialogue's collected details of idle conversations cleared
(RETENTION_* settings)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import structlog

from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.repositories.guest_data import GuestDataRepository
from hotel_agent.db.types import utcnow
from hotel_agent.settings import RetentionSettings

log = structlog.get_logger(__name__)

# Rows per transaction: short transactions, short locks, on a live database.
BATCH = 1000


async def run_retention(sessions: SessionFactory, settings: RetentionSettings) -> dict[str, int]:
    """One pass; returns the rows removed (or cleared) by kind. A setting of 0 keeps forever."""
    now = utcnow()
    plan = {
        "messages": (settings.messages_days, GuestDataRepository.delete_messages_before),
        "conversation_states": (
            settings.messages_days,
            GuestDataRepository.clear_idle_conversation_state,
        ),
        "inbox_payloads": (settings.inbox_days, GuestDataRepository.delete_handled_inbox_before),
        "sent_emails": (settings.messages_days, GuestDataRepository.delete_sent_emails_before),
        "dead_letters": (settings.messages_days, GuestDataRepository.delete_dead_letters_before),
    }
    done: dict[str, int] = {}
    for kind, (days, action) in plan.items():
        if not days:
            continue
        cutoff = now - timedelta(days=days)
        total = 0
        while True:
            async with sessions() as session, session.begin():
                count = await action(GuestDataRepository(session), cutoff, BATCH)
            total += count
            if count < BATCH:
                break
        done[kind] = total
    log.info("privacy.retention_done", **done)
    return done


async def retention_loop(
    sessions: SessionFactory, settings: RetentionSettings, stop: asyncio.Event
) -> None:
    """Run the job every RETENTION_INTERVAL_HOURS until `stop`; a failed pass is logged and
    retried at the next interval (the data waits, nothing is lost)."""
    interval = settings.interval_hours * 3600
    # The first pass a minute after start, not during it: a start has enough to do.
    wait = min(60.0, interval)
    while True:
        try:
            await asyncio.wait_for(stop.wait(), timeout=wait)
            return
        except TimeoutError:
            pass
        try:
            await run_retention(sessions, settings)
        except Exception:
            log.exception("privacy.retention_failed")
        wait = interval
