"""The start-up shortcut reads the schema's version as Alembic would: a SQLite file is "at head"
only when Alembic's upgrade would have nothing to do."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from hotel_agent.db import migrate
from hotel_agent.db.schema_version import head_revision, sqlite_at_head


def test_the_head_read_from_the_scripts_is_alembics() -> None:
    config = migrate.alembic_config("sqlite+aiosqlite:///unused.db")
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


async def test_a_file_is_at_head_only_after_the_last_migration(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'agent.db'}"
    assert not sqlite_at_head(url), "no file yet"
    assert not (tmp_path / "agent.db").exists(), "the check creates nothing"

    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE unrelated (id INTEGER)"))
        assert not sqlite_at_head(url), "a file without a version table"

        await migrate.upgrade(engine, "0001")
        assert not sqlite_at_head(url), "an old revision"

        await migrate.upgrade(engine)
        assert sqlite_at_head(url)
    finally:
        await engine.dispose()


def test_an_in_memory_database_is_never_taken_for_current() -> None:
    assert not sqlite_at_head("sqlite+aiosqlite:///:memory:")
    assert not sqlite_at_head("sqlite+aiosqlite://")
