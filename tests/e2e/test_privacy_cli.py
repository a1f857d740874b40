"""`hotel-agent guest export|forget` and `hotel-agent retention run` as an operator runs them,
on a fresh install's SQLite file holding a guest's conversation."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from tests.e2e.test_cli import fresh_env, hotel_agent
from tests.integration.privacy.seed import ANA_WA_ID, seed_guest
from tests.support import make_settings

from hotel_agent.runtime import Runtime


async def install_with_a_guest(database: Path) -> None:
    runtime = Runtime.build(make_settings(f"sqlite+aiosqlite:///{database}"))
    try:
        await runtime.load_hotels()
        await seed_guest(runtime.sessions, runtime.hotels.default_hotel_id)
    finally:
        await runtime.close()


def test_export_then_forget_a_guest_from_the_command_line(tmp_path: Path) -> None:
    env = fresh_env(tmp_path)
    assert hotel_agent(tmp_path, "migrate", env=env).returncode == 0
    asyncio.run(install_with_a_guest(tmp_path / "data" / "hotel_agent.db"))

    export = hotel_agent(
        tmp_path, "guest", "export", "--guest", "+34 611 111 111", "--output", "ana.json", env=env
    )
    assert export.returncode == 0, export.stderr
    document = json.loads((tmp_path / "ana.json").read_text())
    assert document["guests"][0]["phone"] == ANA_WA_ID

    dry_run = hotel_agent(tmp_path, "guest", "forget", "--guest", "+34611111111", env=env)
    assert dry_run.returncode == 0, dry_run.stderr
    assert "would erase: " in dry_run.stdout and "messages 2" in dry_run.stdout
    assert "run again with --yes" in dry_run.stdout
    assert "PMS: will keep simulator HS-ANA001 with the guest's name" in dry_run.stdout

    forget = hotel_agent(tmp_path, "guest", "forget", "--guest", "+34611111111", "--yes", env=env)
    assert forget.returncode == 0, forget.stderr
    [audit_line, result, pms] = forget.stdout.splitlines()
    assert result.startswith("forgotten: ") and "bookings_anonymized 1" in result
    # The PMS's copy is the hotel's record: said plainly, never erased silently or claimed gone.
    assert pms.startswith("PMS: kept simulator HS-ANA001 with the guest's name, e-mail and phone")
    assert "docs/privacy.md" in pms
    audit = json.loads(audit_line)  # the audit line, JSON off a terminal
    assert audit["event"] == "privacy.guest_forgotten" and ANA_WA_ID not in json.dumps(audit)

    gone = hotel_agent(tmp_path, "guest", "export", "--guest", "+34611111111", env=env)
    assert gone.returncode == 1 and json.loads(gone.stdout)["guests"] == []
    assert "no guest matches +34611111111" in gone.stderr

    retention = hotel_agent(tmp_path, "retention", "run", env=env)
    assert retention.returncode == 0, retention.stderr
    assert retention.stdout.startswith("removed: messages 0")
