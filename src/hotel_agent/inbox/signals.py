"""In-process wake-ups, so queued work starts at once instead of at the next poll.

Across processes (PostgreSQL deployments) the pollers still find the work; these signals only
cut latency when producer and consumer share a process.
"""

from __future__ import annotations

import asyncio
import contextlib


class Signals:
    def __init__(self) -> None:
        self.inbox = asyncio.Event()
        self.outbox = asyncio.Event()
        self._turn_done = asyncio.Condition()

    def wake_inbox(self) -> None:
        self.inbox.set()

    def wake_outbox(self) -> None:
        self.outbox.set()

    async def turn_finished(self) -> None:
        async with self._turn_done:
            self._turn_done.notify_all()

    async def wait_turn(self, timeout: float) -> None:
        """Wait until any turn finishes, or the timeout passes."""
        async with self._turn_done:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._turn_done.wait(), timeout)


async def wait_event(event: asyncio.Event, timeout: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout)
    event.clear()
