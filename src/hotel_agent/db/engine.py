"""Engine and session factory, built once by the app lifespan or the CLI."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession
from sqlalchemy.pool import ConnectionPoolEntry

from hotel_agent.settings import Settings

SessionFactory = async_sessionmaker[AsyncSession]
# Every pool recovers by itself after a database restart or failover: pre-ping tests each
# connection at checkout (one round trip, far cheaper than a request answered 503 on a
# connection the server closed long ago), and a disconnect seen mid-statement invalidates the
# whole pool, so the connections opened before the restart are all replaced at their next use.
_RECOVERY: dict[str, Any] = {"pool_pre_ping": True, "pool_recycle": 1800}


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.database_url
    kwargs: dict[str, Any] = {"echo": settings.db.echo, **_RECOVERY}
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        # SQLite has one writer; a single connection avoids "database is locked" between our
        # own coroutines, and WAL keeps readers from other processes (the CLI) unblocked.
        kwargs.update(pool_size=1, max_overflow=0, pool_timeout=60)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.update(pool_size=settings.db.pool_size, max_overflow=settings.db.pool_size)
    return create_async_engine(url, **kwargs)


def create_autocommit_engine(settings: Settings, engine: AsyncEngine) -> AsyncEngine:
    """An engine whose statements commit by themselves, for single-statement writes.

    On PostgreSQL it has a pool of its own, set to autocommit once per connection and never
    reset on return: switching the isolation level per checkout costs a round trip. SQLite
    keeps its single connection (a second one would fight it for the write lock).
    """
    if engine.dialect.name == "sqlite":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return create_async_engine(
        settings.database_url,
        echo=settings.db.echo,
        **_RECOVERY,
        pool_size=settings.db.pool_size,
        max_overflow=settings.db.pool_size,
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
    )


def create_probe_engine(settings: Settings, engine: AsyncEngine) -> AsyncEngine:
    """One connection of its own for `/health/ready`, kept open between probes.

    A probe then neither waits behind busy request pools nor takes a connection a guest's
    request needs, and opens no connection per probe. SQLite keeps its single connection.
    """
    if engine.dialect.name == "sqlite":
        return engine
    return create_async_engine(
        settings.database_url,
        echo=settings.db.echo,
        **_RECOVERY,
        pool_size=1,
        max_overflow=0,
        pool_timeout=settings.http.ready_budget_seconds,
    )


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
