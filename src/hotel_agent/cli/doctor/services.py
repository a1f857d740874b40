"""Checks of the services the agent talks to: the database, Redis, the PMS, and the
providers of its channels (WhatsApp, SMTP, IMAP) and models (speech-to-text, LLM)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hotel_agent.cli.doctor.base import (
    TIMEOUT_SECONDS,
    CheckFailed,
    CheckWarning,
    Context,
    describe,
    first_line,
)
from hotel_agent.settings import PmsType


async def check_database(ctx: Context) -> str:
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from hotel_agent.db.engine import create_engine
    from hotel_agent.db.migrate import alembic_config

    settings = ctx.settings
    sqlite_file = Path(settings.database_url.split("///", 1)[-1]) if settings.is_sqlite else None
    if sqlite_file is not None and not sqlite_file.exists():
        if ctx.starting:
            return "SQLite file created by the migrations"
        raise CheckWarning(
            f"no database yet at {sqlite_file}",
            "`hotel-agent migrate` creates it (`hotel-agent serve` does on start)",
        )
    expected = set(ScriptDirectory.from_config(alembic_config("")).get_heads())
    fix_url = "check DATABASE_URL (host, port, user, password, database name)"
    try:
        engine = create_engine(settings)
    except Exception as exc:  # a malformed URL: SQLAlchemy refuses it before connecting
        raise CheckFailed(f"DATABASE_URL is not usable: {first_line(exc)}", fix_url) from None
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS), engine.connect() as connection:
            try:
                rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
                current = {row[0] for row in rows}
            except Exception:  # no alembic_version table: never migrated
                current = set()
    except Exception as exc:
        raise CheckFailed(f"database unreachable: {describe(exc)}", fix_url) from None
    finally:
        await engine.dispose()
    if settings.is_sqlite and ctx.starting:
        return "reachable (serve applies migrations on SQLite)"
    if not current:
        raise CheckFailed("database not migrated", "run `hotel-agent migrate`")
    if current != expected:
        raise CheckFailed(
            f"database at revision {','.join(sorted(current))}, "
            f"the code needs {','.join(sorted(expected))}",
            "run `hotel-agent migrate`",
        )
    return f"reachable, at migration head {','.join(sorted(expected))}"


async def check_redis(ctx: Context) -> str:
    import redis.asyncio as redis

    url = ctx.settings.redis.url
    if not url:
        return "not configured (rate limits and caches are per process)"
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        await client.ping()
    except Exception as exc:
        raise CheckFailed(f"Redis unreachable: {describe(exc)}", "check REDIS_URL") from None
    finally:
        await client.aclose()
    return "answers PING"


async def check_pms(ctx: Context) -> str:
    import httpx

    from hotel_agent.db.engine import create_engine, create_session_factory
    from hotel_agent.pms.factory import build_pms

    settings = ctx.settings
    fix = (
        "`hotel-agent pms check` shows the details (docs/qloapps.md)"
        if settings.pms.type is PmsType.QLOAPPS
        else "the simulator lives in the database: run `hotel-agent migrate`"
    )
    engine = create_engine(settings)
    try:
        async with httpx.AsyncClient(timeout=settings.pms.timeout) as http:
            pms = build_pms(
                settings, sessions=create_session_factory(engine), http=http, redis=None
            )
            async with asyncio.timeout(TIMEOUT_SECONDS + settings.pms.timeout):
                health = await pms.health()
    except Exception as exc:
        raise CheckFailed(f"PMS unreachable: {describe(exc)}", fix) from None
    finally:
        await engine.dispose()
    if not health.ok:
        raise CheckFailed(f"PMS ({settings.pms.type.value}) failing: {health.detail}", fix)
    return (
        f"{settings.pms.type.value}: {health.detail}, {health.hotel}, "
        f"{health.room_types} room types"
    )
