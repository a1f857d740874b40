"""Worker drain: how fast worker processes answer a backlog, and whether a big one slows them.

On a fresh PostgreSQL database, BENCH_DRAIN_WORKERS (default 2) `python -m hotel_agent worker
--concurrency 4 --senders 2` processes run against the fake Graph API. Once they have answered
a probe message, a backlog of guest messages is queued at once (inserted held back, then
released by one UPDATE and a NOTIFY, so that the queue is full before the first claim), and
the bench reads the queues from the database every half second until the inbox is empty (or
the time allowed has passed). Two backlogs, one after the other on the same processes: 100
messages, then 10,000 messages from 1,000 guests (10 each, interleaved as a burst arrives).

Every message is the benchmark turn: a search with dates and party ("Hola, ¿tenéis habitación
del … al … para 2 adultos?"), a different stay each time, answered with live offers.

    .venv/bin/python bench/drain.py [--quick]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from _common import main, progress
from _stack import (
    FakeGraph,
    WorkerProcess,
    exited_early,
    fake_graph_api,
    hotel_agent_worker,
    machine_busy_seconds,
    migrate,
    peak_rss_mb,
    postgres_backends_cpu,
    postgres_database,
    postgres_facts,
    process_cpu_seconds,
    python_env,
    queue_counts,
)
from dialogue_turn import spanish_range
from hotel_agent.blank_text import storable
from hotel_agent.channels.port import InboundMessage
from hotel_agent.db.repositories.inbox import INBOX_NOTIFY_CHANNEL
from hotel_agent.inbox.ingest import conversation_key

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
ACCESS_TOKEN = "bench-access-token-0123456789"  # noqa: S105 - a throwaway server's settings
PHONE_NUMBER_ID = "106540352242922"
WORKER_CONCURRENCY = 4
WORKER_SENDERS = 2
PROBE_TIMEOUT_SECONDS = 120  # cold start of the worker processes (imports, NLU model)


@dataclass(frozen=True)
class Plan:
    backlogs: tuple[tuple[int, int], ...]  # (messages, guests)
    max_seconds: int  # per backlog: stop reading then, drained or not


FULL = Plan(backlogs=((100, 100), (10_000, 1_000)), max_seconds=900)
QUICK = Plan(backlogs=((100, 100), (10_000, 1_000)), max_seconds=30)


def run(*, quick: bool = False) -> dict[str, Any]:
    plan = QUICK if quick else FULL
    admin_url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        facts = postgres_facts(admin_url)
    except Exception as exc:
        return {"skipped": f"PostgreSQL at {admin_url} unreachable: {type(exc).__name__}: {exc}"}
    workers = int(os.environ.get("BENCH_DRAIN_WORKERS", "2"))
    with (
        tempfile.TemporaryDirectory(prefix="bench-drain-") as tmp,
        contextlib.ExitStack() as resources,
    ):
        workdir = Path(tmp)
        database_url = resources.enter_context(postgres_database(admin_url))
        fake = resources.enter_context(fake_graph_api(ACCESS_TOKEN, workdir / "fake.log"))
        env = python_env(
            DATABASE_URL=database_url,
            DATA_DIR=str(workdir),
            WHATSAPP_APP_SECRET="bench-app-secret-0123456789",  # noqa: S106  # pragma: allowlist secret
            WHATSAPP_ACCESS_TOKEN=ACCESS_TOKEN,
            WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
            WHATSAPP_API_BASE_URL=fake.base_url,
            LOG_LEVEL="WARNING",
        )
        migrate(env, workdir)
        processes = [
            resources.enter_context(
                hotel_agent_worker(
                    env,
                    workdir,
                    concurrency=WORKER_CONCURRENCY,
                    senders=WORKER_SENDERS,
                    name=f"worker-{n}",
                )
            )
            for n in range(workers)
        ]
        queue = Backlog(database_url)
        progress("drain: waiting for the workers to answer a probe")
        probe_seconds = asyncio.run(queue.probe(processes))
        results = {}
        for messages, guests in plan.backlogs:
            progress(f"drain: {messages} messages from {guests} guests")
            results[f"backlog_{messages}"] = measure(
                queue, processes, fake, database_url, messages, guests, plan.max_seconds
            )
        first, *_, last = results.values()
        return {
            **facts,
            "plan": asdict(plan),
            "processes": {
                "worker_processes": workers,
                "each": "python -m hotel_agent " + " ".join(processes[0].arguments),
            },
            "probe_seconds": probe_seconds,
            "backlogs": results,
            # The target: turns/s with the big backlog within 20 % of turns/s with the small.
            "big_over_small_turns_per_s": (
                round(last["turns_per_s"] / first["turns_per_s"], 2)
                if first["turns_per_s"]
                else None
            ),
            "peak_rss_mb": [peak_rss_mb(process.pid) for process in processes],
            "database": urlsplit(database_url).path.lstrip("/"),
        }


class Backlog:
    """Guest messages written the way the webhook stores them (`hotel_agent.inbox.ingest`),
    held back until released all at once."""

    def __init__(self, database_url: str) -> None:
        self.dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        self.run = secrets.token_hex(3).upper()
        self.sequence = 0
        self.today = date.today()

    async def probe(self, processes: list[WorkerProcess]) -> float:
        """One message due now; the seconds until its turn was done (the workers are up)."""
        started = time.monotonic()
        deadline = started + PROBE_TIMEOUT_SECONDS
        while not await self._hotel_exists():  # the workers create it on start
            _check_alive(processes)
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not create the hotel")
            await asyncio.sleep(0.2)
        await self.queue(1, 1, guest_base=900_000, held=False)
        while time.monotonic() < deadline:
            _check_alive(processes)
            counts = await asyncio.to_thread(queue_counts, self.dsn)
            if counts.turns_finished >= 1 and counts.outbox_unfinished == 0:
                return round(time.monotonic() - started, 1)
            await asyncio.sleep(0.2)
        raise RuntimeError("the workers did not answer the probe")

    async def _hotel_exists(self) -> bool:
        connection = await asyncpg.connect(self.dsn, timeout=10)
        try:
            return bool(await connection.fetchval("SELECT count(*) FROM hotels"))
        finally:
            await connection.close()

    async def queue(self, messages: int, guests: int, *, guest_base: int, held: bool) -> None:
        connection = await asyncpg.connect(self.dsn, timeout=10)
        try:
            hotel_id = await connection.fetchval("SELECT id FROM hotels ORDER BY id LIMIT 1")
            if hotel_id is None:
                raise RuntimeError("no hotel yet: the workers create it on start")
            now = datetime.now(UTC)
            available_at = now + timedelta(days=1) if held else now
            rows = [self._row(hotel_id, guest_base + n % guests, now) for n in range(messages)]
            await connection.executemany(
                "INSERT INTO inbox_events (hotel_id, channel, provider_message_id, "
                "conversation_key, sender_id, message_type, payload, received_at, "
                "available_at, state, attempts) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, 'pending', 0)",
                [(*row, now, available_at) for row in rows],
            )
            if not held:
                await connection.execute(f"NOTIFY {INBOX_NOTIFY_CHANNEL}")
        finally:
            await connection.close()

    async def release(self) -> None:
        """Everything held becomes due at once, and the workers are told."""
        connection = await asyncpg.connect(self.dsn, timeout=10)
        try:
            async with connection.transaction():
                await connection.execute(
                    "UPDATE inbox_events SET available_at = now() "
                    "WHERE state = 'pending' AND available_at > now()"
                )
                await connection.execute(f"NOTIFY {INBOX_NOTIFY_CHANNEL}")
        finally:
            await connection.close()

    def _row(self, hotel_id: int, guest: int, now: datetime) -> tuple[Any, ...]:
        self.sequence += 1
        check_in = self.today + timedelta(days=20 + (self.sequence * 37) % 300)
        stay = spanish_range(check_in, check_in + timedelta(days=1 + self.sequence % 4))
        message = InboundMessage(
            channel="whatsapp",
            provider_message_id=f"wamid.DRAIN{self.run}{self.sequence:09d}",
            sender_id=f"346{guest:08d}",
            sender_name=f"Guest {guest}",
            type="text",
            text=f"Hola, ¿tenéis habitación {stay} para 2 adultos?",
            timestamp=now,
        )
        payload = storable(message.model_dump(mode="json"))
        return (
            hotel_id,
            message.channel,
            message.provider_message_id,
            conversation_key(hotel_id, payload),
            message.sender_id,
            message.type,
            json.dumps(payload),
        )


def measure(
    queue: Backlog,
    processes: list[WorkerProcess],
    fake: FakeGraph,
    database_url: str,
    messages: int,
    guests: int,
    max_seconds: int,
) -> dict[str, Any]:
    asyncio.run(queue.queue(messages, guests, guest_base=0, held=True))
    start = queue_counts(database_url)
    database = urlsplit(database_url).path.lstrip("/")
    cpu_before = _cpu(processes, fake, database)
    load_before = os.getloadavg()
    asyncio.run(queue.release())
    released = time.monotonic()
    drained_at = replied_at = None
    samples = []
    while time.monotonic() - released < max_seconds:
        time.sleep(0.5)
        _check_alive(processes)
        counts = queue_counts(database_url)
        elapsed = time.monotonic() - released
        samples.append((round(elapsed, 1), counts.turns_finished - start.turns_finished))
        if drained_at is None and counts.inbox_unfinished == 0:
            drained_at = elapsed
        if drained_at is not None and counts.outbox_unfinished == 0:
            replied_at = elapsed
            break
    end = queue_counts(database_url)
    wall = time.monotonic() - released
    cpu_after = _cpu(processes, fake, database)
    turns = end.turns_finished - start.turns_finished
    measured = drained_at or wall

    def cores(key: str) -> float:
        return round((cpu_after[key] - cpu_before[key]) / wall, 2)

    cpu = {key: cores(key) for key in cpu_before}
    ours = sum(value for key, value in cpu.items() if key != "machine")
    cpu["other_processes"] = round(max(0.0, cpu["machine"] - ours), 2)
    return {
        "backlog": messages,
        "guests": guests,
        "turns": turns,
        "turns_per_s": round(turns / measured, 1),
        # Each tenth of the time: turns/s holding steady means no collapse as it drains.
        "turns_per_s_by_tenth": _by_tenth(samples),
        "seconds_to_drain": round(drained_at, 1) if drained_at is not None else None,
        "seconds_to_last_reply": round(replied_at, 1) if replied_at is not None else None,
        "inbox_left": end.inbox_unfinished,
        "replies_sent": end.replies_sent - start.replies_sent,
        "dead_lettered_or_failed": _dead(database_url),
        "worker_cpu_ms_per_turn": (
            round((cpu_after["workers"] - cpu_before["workers"]) * 1000 / turns, 1)
            if turns
            else None
        ),
        "cpu_cores": cpu,
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in os.getloadavg()],
    }


def _by_tenth(samples: list[tuple[float, int]]) -> list[float]:
    if len(samples) < 10:
        return []
    rates = []
    step = len(samples) / 10
    previous_at, previous_turns = 0.0, 0
    for tenth in range(1, 11):
        at, turns = samples[min(len(samples) - 1, round(tenth * step) - 1)]
        rates.append(round((turns - previous_turns) / max(at - previous_at, 1e-9), 1))
        previous_at, previous_turns = at, turns
    return rates


def _cpu(processes: list[WorkerProcess], fake: FakeGraph, database: str) -> dict[str, float]:
    return {
        "workers": sum(process_cpu_seconds(process.pid) for process in processes),
        "postgresql_backends": sum(postgres_backends_cpu(database).values()),
        "fake_graph_api": process_cpu_seconds(fake.pid),
        "machine": machine_busy_seconds(),
    }


def _dead(database_url: str) -> int:
    async def count() -> int:
        connection = await asyncpg.connect(
            database_url.replace("postgresql+asyncpg://", "postgresql://", 1), timeout=10
        )
        try:
            return int(
                await connection.fetchval("SELECT count(*) FROM inbox_events WHERE state = 'dead'")
                + await connection.fetchval("SELECT count(*) FROM outbox WHERE state = 'dead'")
            )
        finally:
            await connection.close()

    return asyncio.run(count())


def _check_alive(processes: list[WorkerProcess]) -> None:
    for process in processes:
        problem = exited_early(process.process, process.log_path)
        if problem:
            raise RuntimeError(f"a worker process {problem}")


if __name__ == "__main__":
    main(run, __doc__.splitlines()[0])
