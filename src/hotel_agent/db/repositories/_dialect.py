"""Dialect-specific INSERT ... ON CONFLICT, which both SQLite and PostgreSQL support."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An `insert()` that offers `on_conflict_do_nothing` for the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def insert_unless_exists(
    session: AsyncSession, model: Any, unique: str, values: dict[str, Any]
) -> bool:
    """INSERT … ON CONFLICT (unique) DO NOTHING, True when this call inserted the row: of two
    concurrent inserts with one value exactly one wins, the other waits for it and gets False."""
    inserted = await session.scalar(
        insert_for(session, model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[unique])
        .returning(model.id)
    )
    return inserted is not None
