"""`hotel-agent staff …` as an operator runs it: a real process on the install's SQLite file,
while the conversation was handed over by the pipeline in another process."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from tests.e2e.test_cli import fresh_env, hotel_agent, hotel_agent_modules
from tests.integration.staff.helpers import HANDOFF_REPLY, ReceptionEngine
from tests.support import make_settings

from hotel_agent.conversations import webchat
from hotel_agent.conversations.turns import turn_worker
from hotel_agent.db import migrate
from hotel_agent.runtime import Runtime


def staff_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return hotel_agent(tmp_path, "staff", *args, env=fresh_env(tmp_path))


async def _hand_over(database: Path) -> None:
    """What `serve` does on a fresh install when a web chat guest asks for a person."""
    database.parent.mkdir(parents=True)
    engine = ReceptionEngine()
    runtime = Runtime.build(
        make_settings(f"sqlite+aiosqlite:///{database.resolve()}"), dialogue=engine
    )
    try:
        await migrate.upgrade(runtime.engine)
        await runtime.load_hotels()
        await webchat.submit(
            runtime.ingest,
            runtime.hotels.default_hotel_id,
            "e2e-guest-session",
            "quiero hablar con una persona",
        )
        worker = turn_worker(runtime.sessions, engine, runtime.signals, runtime.settings.queue)
        assert await worker.process_next()
    finally:
        await runtime.close()


def test_an_operator_lists_reads_and_answers(tmp_path: Path) -> None:
    asyncio.run(_hand_over(tmp_path / "data" / "hotel_agent.db"))
    listed, modules = hotel_agent_modules(tmp_path, "staff", "list", env=fresh_env(tmp_path))
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "requested" in listed.stdout and HANDOFF_REPLY in listed.stdout
    # Listing rows needs the database only: no dialogue engine, NLU, PMS or runtime is built.
    assert "hotel_agent.staff.service" in modules, "the listing ran"
    for heavy in ("hotel_agent.runtime", "hotel_agent.dialogue", "hotel_agent.nlu", "numpy"):
        assert heavy not in modules
    # The template registry (a reply after 24 hours needs it) is all it may take of the
    # hotel's knowledge: no knowledge file read, no FAQ search.
    light = {"hotel_agent.knowledge", "hotel_agent.knowledge.templates"}
    assert not any(
        m.startswith(("hotel_agent.pms.simulator", "hotel_agent.knowledge")) and m not in light
        for m in modules
    )
    conversation_id = listed.stdout.split()[0].lstrip("#")

    replied = staff_cli(tmp_path, "reply", conversation_id, "Hola,", "soy", "Marta.")
    assert replied.returncode == 0, replied.stdout + replied.stderr
    assert "the running sender delivers it" in replied.stdout

    shown = staff_cli(tmp_path, "show", conversation_id)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "guest: quiero hablar con una persona" in shown.stdout
    # No sender runs here: the reply waits in the outbox for `serve` or `worker`.
    assert shown.stdout.rstrip().endswith("staff: Hola, soy Marta.  [queued]")
