"""Migrations go up and down on both databases, and match the ORM models exactly."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from hotel_agent.db import migrate
from hotel_agent.db.base import Base

TABLES = {
    "hotels",
    "guests",
    "guest_identities",
    "conversations",
    "messages",
    "inbox_events",
    "outbox",
    "dead_letters",
    "booking_records",
    "booking_changes",
    "pms_sim_hotels",
    "pms_sim_room_types",
    "pms_sim_weekday_rates",
    "pms_sim_seasons",
    "pms_sim_occupancy",
    "pms_sim_bookings",
    "alembic_version",
}


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    engine = create_async_engine(empty_database_url)
    try:
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == TABLES
            assert await connection.run_sync(_diff) == [], "migrations and models disagree"

        await migrate.downgrade(engine, "base")
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == {"alembic_version"}

        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == TABLES
    finally:
        await engine.dispose()
