"""scripts/backup.sh and scripts/restore.sh on real databases: guests chat and book through the
web chat API, the database is backed up, wiped and restored, and nothing is missing."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from hotel_agent.db import migrate
from hotel_agent.runtime import Runtime
from tests.conftest import POSTGRES_URL
from tests.integration.dialogue.guest import Guest, english_range, future_stay
from tests.support import asgi_client, make_settings

SCRIPTS = Path(__file__).resolve().parents[3] / "scripts"
# The tables a lost message or booking would show in.
MUST_HOLD_DATA = (
    "conversations",
    "messages",
    "inbox_events",
    "booking_records",
    "pms_sim_bookings",
)


def run_script(name: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run a script; its stdout, or the test fails with its stderr."""
    done = subprocess.run(
        ["bash", str(SCRIPTS / name), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOTEL_AGENT_PYTHON": sys.executable, **(env or {})},
        check=False,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stderr}"
    return done.stdout


Transcripts = dict[str, list[dict[str, Any]]]


async def chat_and_book(database_url: str) -> Transcripts:
    """Two guests through the API: one books, one asks a question. Their transcripts."""
    runtime = Runtime.build(make_settings(database_url))
    await migrate.upgrade(runtime.engine)
    await runtime.load_hotels()
    runtime.start_background()
    try:
        async with asgi_client(runtime) as http:
            booker, asker = Guest(http), Guest(http)
            check_in, check_out = future_stay(days_ahead=45, nights=2)
            await booker.hears(f"Hi, a double room {english_range(check_in, check_out)}, 2 adults")
            await booker.hears("My name is Lucía Backup")
            await booker.hears("lucia.backup@example.com")
            assert "Your booking is confirmed" in await booker.hears("yes please")
            assert await asker.hears("¿A qué hora es el check-in?")
            return {guest.session_id: await guest.transcript() for guest in (booker, asker)}
    finally:
        await runtime.close()


async def transcripts_after_restore(database_url: str, sessions: list[str]) -> Transcripts:
    """What the app, started again on the restored database, shows of these conversations."""
    runtime = Runtime.build(make_settings(database_url))
    await runtime.load_hotels()
    try:
        async with asgi_client(runtime) as http:
            return {s: await Guest(http, session_id=s).transcript() for s in sessions}
    finally:
        await runtime.close()


async def postgres_contents(url: str) -> dict[str, list[str]]:
    """Every row of every table, as text, sorted: equal contents compare equal."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        tables = await connection.fetch(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        contents: dict[str, list[str]] = {}
        for row in tables:
            # Table names come from the catalogue, not from input.
            query = f'SELECT t::text FROM "{row["table_name"]}" t'  # noqa: S608
            contents[row["table_name"]] = sorted(r[0] for r in await connection.fetch(query))
        return contents
    finally:
        await connection.close()


def sqlite_contents(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        queries = {t: f'SELECT * FROM "{t}"' for t in tables}  # noqa: S608 (catalogue names)
        return {t: sorted(repr(r) for r in db.execute(query)) for t, query in queries.items()}


@pytest.mark.postgres
async def test_postgres_backup_wipe_restore_loses_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    transcripts = await chat_and_book(postgres_url)
    before = await postgres_contents(postgres_url)
    for table in MUST_HOLD_DATA:
        assert before[table], f"the conversation should have written {table}"

    backup = Path(
        run_script(
            "backup.sh",
            "--output-dir",
            str(tmp_path / "backups"),
            env={"DATABASE_URL": postgres_url},
        ).strip()
    )
    assert (backup / "database.pgdump").stat().st_size > 0
    manifest = (backup / "manifest").read_text()
    assert f"rows.messages={len(before['messages'])}" in manifest

    admin = await asyncpg.connect(POSTGRES_URL)
    try:  # the wipe: the whole database is gone
        name = postgres_url.rsplit("/", 1)[1]
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()

    run_script("restore.sh", str(backup), "--target-url", postgres_url)
    assert await postgres_contents(postgres_url) == before
    assert await transcripts_after_restore(postgres_url, list(transcripts)) == transcripts


async def test_sqlite_encrypted_backup_restores_into_a_new_file(tmp_path: Path) -> None:
    """The embedded install: the SQLite file, encrypted, restored where the agent reads it."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = data_dir / "hotel_agent.db"
    transcripts = await chat_and_book(f"sqlite+aiosqlite:///{database}")
    before = sqlite_contents(database)
    for table in MUST_HOLD_DATA:
        assert before[table], f"the conversation should have written {table}"
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("correct horse battery staple\n")

    # DATA_DIR and no DATABASE_URL: the agent's default SQLite file.
    env = {"DATA_DIR": str(data_dir), "DATABASE_URL": "", "BACKUP_PASSPHRASE_FILE": str(passphrase)}
    backup = Path(run_script("backup.sh", "--output-dir", str(tmp_path / "b"), env=env).strip())
    assert sorted(p.name for p in backup.iterdir()) == [
        "SHA256SUMS",
        "database.sqlite3.enc",
        "manifest",
    ]
    assert b"SQLite format" not in (backup / "database.sqlite3.enc").read_bytes()[:64]

    database.unlink()  # the wipe
    run_script("restore.sh", str(backup), "--target-file", str(database), env=env)
    assert sqlite_contents(database) == before
    restored_url = f"sqlite+aiosqlite:///{database}"
    assert await transcripts_after_restore(restored_url, list(transcripts)) == transcripts


def test_restore_refuses_a_tampered_backup_a_wrong_passphrase_and_a_non_empty_target(
    tmp_path: Path,
) -> None:
    database = tmp_path / "hotel_agent.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE alembic_version (version_num TEXT)")
        db.execute("INSERT INTO alembic_version VALUES ('0005')")
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("the right one\n")
    env = {"DATABASE_URL": f"sqlite:///{database}"}
    backup = Path(
        run_script(
            "backup.sh",
            "--output-dir",
            str(tmp_path / "b"),
            "--passphrase-file",
            str(passphrase),
            env=env,
        ).strip()
    )

    def restore(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(SCRIPTS / "restore.sh"), str(backup), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    refused = restore("--target-file", str(database), "--passphrase-file", str(passphrase))
    assert refused.returncode != 0 and "--replace" in refused.stderr, refused.stderr
    wrong = tmp_path / "wrong"
    wrong.write_text("not it\n")
    refused = restore("--target-file", str(tmp_path / "new.db"), "--passphrase-file", str(wrong))
    assert refused.returncode != 0 and "decrypt" in refused.stderr, refused.stderr
    assert not (tmp_path / "new.db").exists()

    # About one wrong passphrase in 256 passes CBC's padding check and "decrypts" to garbage.
    # Such a passphrase cannot be found in advance (the salt is random), so the same outcome is
    # made deterministic: the plaintext checksum in the manifest no longer matches what decrypts.
    manifest = backup / "manifest"
    manifest.write_text(
        re.sub(r"(?m)^plain_sha256=.*$", "plain_sha256=" + "0" * 64, manifest.read_text())
    )
    sums = subprocess.run(
        ["sha256sum", "database.sqlite3.enc", "manifest"],
        cwd=backup,
        capture_output=True,
        text=True,
        check=True,
    )
    (backup / "SHA256SUMS").write_text(sums.stdout)
    refused = restore(
        "--target-file", str(tmp_path / "new.db"), "--passphrase-file", str(passphrase)
    )
    assert refused.returncode != 0 and "does not match its checksum" in refused.stderr, (
        refused.stderr
    )
    assert not (tmp_path / "new.db").exists()

    with (backup / "database.sqlite3.enc").open("ab") as dump:
        dump.write(b"tampered")
    refused = restore(
        "--target-file", str(tmp_path / "new.db"), "--passphrase-file", str(passphrase)
    )
    assert refused.returncode != 0 and "checksum" in refused.stderr, refused.stderr


def test_retention_keeps_the_newest_backups(tmp_path: Path) -> None:
    database = tmp_path / "hotel_agent.db"
    sqlite3.connect(database).close()
    out = tmp_path / "b"
    out.mkdir()
    for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        (out / f"hotel-agent-{stamp}").mkdir()
    newest = Path(
        run_script(
            "backup.sh",
            "--output-dir",
            str(out),
            "--keep",
            "2",
            env={"DATABASE_URL": f"sqlite:///{database}"},
        ).strip()
    )
    assert sorted(p.name for p in out.iterdir()) == ["hotel-agent-20260103T000000Z", newest.name]
