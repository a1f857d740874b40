"""Cross-process wake-ups on PostgreSQL: the webhook's INSERT notifies, workers LISTEN.

Without them a separate worker process finds new messages only at its next poll; with them a
turn starts within milliseconds. Polling stays as the safety net: a lost notification or a
dropped listener connection only costs latency, never a message.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import structlog

from hotel_agent.db.repositories.inbox import INBOX_NOTIFY_CHANNEL
from hotel_agent.inbox.signals import Signals

log = structlog.get_logger(__name__)
RECONNECT_SECONDS = 5.0


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def listen_for_inbox(dsn: str, signals: Signals, stop: asyncio.Event) -> None:
    """Wake this process's workers on every inbox notification until `stop` is set."""

    def on_notify(*_: Any) -> None:
        signals.wake_inbox()

    while not stop.is_set():
        connection: asyncpg.Connection | None = None
        try:
            connection = await asyncpg.connect(dsn, timeout=10)
            await connection.add_listener(INBOX_NOTIFY_CHANNEL, on_notify)
            log.info("wakeups.listening", channel=INBOX_NOTIFY_CHANNEL)
            while not stop.is_set() and not connection.is_closed():
                await _wait(stop, RECONNECT_SECONDS)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            log.warning("wakeups.unavailable", error=repr(exc)[:300])
            await _wait(stop, RECONNECT_SECONDS)
        finally:
            if connection is not None and not connection.is_closed():
                await connection.close()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return
