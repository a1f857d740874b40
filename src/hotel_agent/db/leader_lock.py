"""One holder at a time, across processes, of a job that must not run twice at once (the IMAP
poller of a mailbox): a PostgreSQL session-level advisory lock, held on a connection of its own
for as long as the holder runs. A holder that dies or loses its connection frees the lock with
it, and the next process to try takes over: no lease to expire, no row to clean up. On SQLite
one process runs everything, so the lock is always granted."""

from __future__ import annotations

import contextlib
import hashlib

import structlog
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

log = structlog.get_logger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (advisory locks are keyed by a bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True)


class LeaderLock:
    def __init__(self, database_url: str, name: str) -> None:
        self.name = name
        self.key = lock_key(name)
        # Its own connection, outside the pools: held for hours, it must not take a slot a
        # request needs, nor be recycled by the pool under the lock.
        self._engine: AsyncEngine | None = (
            create_async_engine(database_url, poolclass=NullPool)
            if database_url.startswith("postgresql")
            else None
        )
        self._connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        """True when this process holds the lock now (it may have held it already)."""
        if self._engine is None:
            return True
        if self._connection is not None:
            return await self.held()
        try:
            connection = await self._engine.connect()
        except (DBAPIError, OSError) as exc:
            log.warning("leader_lock.unavailable", lock=self.name, error=repr(exc)[:200])
            return False
        try:
            # Autocommit: no transaction left open for as long as the lock is held.
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            granted = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            )
        except (DBAPIError, OSError) as exc:
            await connection.close()
            log.warning("leader_lock.unavailable", lock=self.name, error=repr(exc)[:200])
            return False
        if not granted:
            await connection.close()
            return False
        self._connection = connection
        log.info("leader_lock.acquired", lock=self.name)
        return True

    async def held(self) -> bool:
        """Whether the lock is still ours: its connection still answers (the server frees a
        session's advisory locks only when the session ends)."""
        if self._engine is None:
            return True
        if self._connection is None:
            return False
        try:
            await self._connection.scalar(text("SELECT 1"))
        except (DBAPIError, OSError) as exc:
            log.warning("leader_lock.lost", lock=self.name, error=repr(exc)[:200])
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._connection is not None:
            # When the session is gone, the lock went with it.
            with contextlib.suppress(DBAPIError, OSError):
                await self._connection.scalar(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}
                )
            await self._drop()
            log.info("leader_lock.released", lock=self.name)

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except (DBAPIError, OSError):
                await connection.invalidate()
