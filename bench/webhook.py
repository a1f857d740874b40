"""WhatsApp webhook benchmark: the deployment each database is meant for, with real processes.

- SQLite: the embedded default, ONE process: `python -m hotel_agent serve` runs the API, the
  worker and the sender (QUEUE_IN_PROCESS_WORKER left to its default, true on SQLite).
- PostgreSQL: ONE API process, `serve` with QUEUE_IN_PROCESS_WORKER=false, that only
  acknowledges webhooks, plus ONE `python -m hotel_agent worker --concurrency 4 --senders 2`
  process (same environment) that runs the turns and sends the replies.

Beside them, the fake Graph API runs as its own process. Once one probe webhook got its reply
(the whole pipeline is up), it measures, in this order:

1. end to end: webhooks sent one at a time to an otherwise idle stack, each after the
   previous one was answered; the time from sending each to the fake Graph API receiving its
   replies (both clocks are time.time() on this machine);
2. duplicates: one webhook delivered 50 times at once, as Meta's retries can; how many were
   stored and how many replies reached the fake;
3. baseline: GET /health/live under the same generator, the ceiling of the API process on this
   machine before any webhook work;
4. load: after a warm-up, unique signed webhooks (a new wamid each, ~200 guests) at each
   concurrency; acknowledged webhooks per second, acknowledgement latency, errors, where the
   CPU went (API process and worker process apart), and what the pipeline got done meanwhile.
   The queue is not drained between phases: the worker keeps working through the backlog
   while the API acknowledges, as a deployment does;
5. drain: no more webhooks; how fast the worker and sender work off the backlog on their own.

Figures are printed as JSON, never asserted.

    .venv/bin/python bench/webhook.py [--quick] [--generator auto|wrk|python]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import copy
import itertools
import json
import os
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from _generators import Generator, Request, choose, run_load, write_requests
from _stack import (
    FakeGraph,
    QueueCounts,
    Server,
    WorkerProcess,
    exited_early,
    fake_graph_api,
    hotel_agent_server,
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
    rss_mb,
)
from hotel_agent.channels.whatsapp.signature import sign

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "whatsapp" / "text_es.json"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
WEBHOOK_PATH = "/webhooks/whatsapp"
BASELINE_PATH = "/health/live"

APP_SECRET = "bench-app-secret-0123456789"  # noqa: S105 - a throwaway server's settings
VERIFY_TOKEN = "bench-verify-token-0123"  # noqa: S105
ACCESS_TOKEN = "bench-access-token-0123456789"  # noqa: S105
PHONE_NUMBER_ID = "106540352242922"  # the number in the fixture, so the hotel is found

# Guests get disjoint number ranges per measurement, so replies at the fake tell them apart.
LOAD_GUESTS = 200
E2E_GUEST_BASE = 10_000
DUPLICATE_GUEST = 20_000
PROBE_GUEST = 30_000
E2E_BUDGET_SECONDS = 90
PROBE_TIMEOUT_SECONDS = 60  # a cold start of the worker process on a busy 2-core machine

# The separate worker process on PostgreSQL: `hotel-agent worker`'s defaults, spelled out.
WORKER_CONCURRENCY = 4
WORKER_SENDERS = 2

# httpx writes headers and body in two send() calls; with Nagle's algorithm on, the body waits
# for the server's delayed ACK (~40 ms on Linux) and that wait would be measured as ours.
NO_DELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]

TARGET = {"database": "postgresql", "concurrency": 50, "acknowledged_per_s": 1000, "p99_ms": 50}


@dataclass(frozen=True)
class Plan:
    concurrency: tuple[int, ...]
    warmup_seconds: int
    load_seconds: int  # wrk takes whole seconds
    pool: int  # unique webhooks pre-signed per load phase: the most one phase can send
    baseline_seconds: int
    e2e_messages: int
    drain_seconds: int  # at most: it stops early once both queues are empty
    duplicates: int = 50


FULL = Plan(
    (10, 50),
    warmup_seconds=1,
    load_seconds=5,
    pool=15_000,
    baseline_seconds=2,
    e2e_messages=30,
    drain_seconds=15,
)
QUICK = Plan(
    (10, 50),
    warmup_seconds=1,
    load_seconds=1,
    pool=3_000,
    baseline_seconds=1,
    e2e_messages=8,
    drain_seconds=3,
)


@dataclass(frozen=True)
class Stack:
    server: Server  # the API process (on SQLite it also runs the worker and sender)
    worker: WorkerProcess | None  # the separate worker process; None on SQLite
    fake: FakeGraph
    database_url: str
    postgres_database: str | None  # its backends' CPU is counted; None on SQLite
    workdir: Path

    def check_alive(self) -> None:
        """Raise if the API or the worker process died: the figures would measure nothing."""
        processes = [("API", self.server.process, self.server.log_path)]
        if self.worker:
            processes.append(("worker", self.worker.process, self.worker.log_path))
        for name, process, log_path in processes:
            problem = exited_early(process, log_path)
            if problem:
                raise RuntimeError(f"the {name} process {problem}")


def wa_id_of(guest: int) -> str:
    return f"346{guest:08d}"  # eleven digits, like the Spanish mobile in the fixture


class Webhooks:
    """Signed copies of the `text_es` fixture: each a new wamid, a given guest, a fresh time."""

    def __init__(self) -> None:
        self._template = json.loads(FIXTURE.read_text())
        self._run = secrets.token_hex(4).upper()
        self._sequence = itertools.count()

    def signed(self, guest: int) -> Request:
        data = copy.deepcopy(self._template)
        value = data["entry"][0]["changes"][0]["value"]
        wa_id = wa_id_of(guest)
        contact = value["contacts"][0]
        contact["wa_id"] = wa_id
        contact["profile"]["name"] = f"Guest {guest}"
        # The fixture's user id is shared by everyone: left as is, every guest would be
        # recognised as the same person and all messages would queue in one conversation.
        contact["user_id"] = f"ES.{guest:013d}"
        message = value["messages"][0]
        message["from"] = wa_id
        message["id"] = f"wamid.BENCH{self._run}{next(self._sequence):09d}"
        message["timestamp"] = str(int(time.time()))  # inside WhatsApp's 24-hour reply window
        body = json.dumps(data).encode()
        return Request("POST", WEBHOOK_PATH, sign(APP_SECRET, body), body)


def run(*, quick: bool = False) -> dict[str, Any]:
    """The figures for SQLite and PostgreSQL (skipped, with the reason, when unreachable)."""
    plan = QUICK if quick else FULL
    generator = choose(os.environ.get("BENCH_GENERATOR", "auto"))
    admin_url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    databases: dict[str, Any] = {}
    for kind in _databases():
        facts: dict[str, Any] = {"server_version": None}
        if kind == "postgresql":
            try:
                facts = postgres_facts(admin_url)
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                databases[kind] = {"skipped": f"PostgreSQL at {admin_url} unreachable: {reason}"}
                continue
        _progress(f"webhook: {kind}")
        try:
            databases[kind] = facts | bench_database(kind, plan, generator, admin_url)
        except Exception as exc:
            # One broken database must not hide the other's figures.
            databases[kind] = {"error": f"{type(exc).__name__}: {exc}"}
    return {
        "plan": asdict(plan),
        "generator": {"name": generator.name, **generator.details},
        "databases": databases,
        "target": _target(databases),
    }


def _databases() -> list[str]:
    """BENCH_DATABASES=postgresql (comma-separated) runs only those; both by default."""
    chosen = [
        name.strip()
        for name in os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
        if name.strip()
    ]
    unknown = set(chosen) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"BENCH_DATABASES: unknown {sorted(unknown)} (sqlite, postgresql)")
    return chosen


def bench_database(kind: str, plan: Plan, generator: Generator, admin_url: str) -> dict[str, Any]:
    # Exit order (LIFO): worker, API server, fake, database, then the temporary directory.
    with (
        tempfile.TemporaryDirectory(prefix=f"bench-webhook-{kind}-") as tmp,
        contextlib.ExitStack() as resources,
    ):
        workdir = Path(tmp)
        database_name = None
        if kind == "postgresql":
            database_url = resources.enter_context(postgres_database(admin_url))
            database_name = urlsplit(database_url).path.lstrip("/")
        else:
            database_url = f"sqlite:///{workdir / 'hotel_agent.db'}"
        fake = resources.enter_context(fake_graph_api(ACCESS_TOKEN, workdir / "fake_graph_api.log"))
        settings = {
            "DATABASE_URL": database_url,
            "DATA_DIR": str(workdir),
            "WHATSAPP_APP_SECRET": APP_SECRET,
            "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
            "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_API_BASE_URL": fake.base_url,
            "LOG_LEVEL": "WARNING",  # an access line per request would be most of what we measure
        }
        if kind == "postgresql":
            # The API acknowledges only; turns and sends are the worker process's job.
            settings["QUEUE_IN_PROCESS_WORKER"] = "false"
        # On SQLite it is left unset: the embedded default runs the loops inside `serve`.
        env = python_env(**settings)
        if kind == "postgresql":
            migrate(env, workdir)  # `serve` migrates SQLite by itself, not PostgreSQL
        api_workers = _api_workers(kind)
        server = resources.enter_context(hotel_agent_server(env, workdir, workers=api_workers))
        worker = None
        if kind == "postgresql":
            worker = resources.enter_context(
                hotel_agent_worker(
                    env, workdir, concurrency=WORKER_CONCURRENCY, senders=WORKER_SENDERS
                )
            )
        stack = Stack(server, worker, fake, database_url, database_name, workdir)
        webhooks = Webhooks()
        figures: dict[str, Any] = {
            "database": kind,
            "processes": _topology(stack, api_workers),
            # Other tenants of the machine: read every figure beside these.
            "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        }
        _progress(f"webhook: {kind}: waiting for a first reply")
        figures["probe_first_reply_ms"] = probe(stack, webhooks)
        _progress(f"webhook: {kind}: end to end")
        figures["end_to_end"] = end_to_end(stack, webhooks, plan)
        _progress(f"webhook: {kind}: duplicates")
        figures["duplicates"] = duplicates(stack, webhooks, plan)
        _progress(f"webhook: {kind}: baseline GET {BASELINE_PATH}")
        figures["baseline_health_live"] = load_phase(
            stack,
            generator,
            lambda: Request("GET", BASELINE_PATH),
            concurrency=max(plan.concurrency),
            seconds=plan.baseline_seconds,
            # Tiny lines: enough that even a fast server cannot run out.
            pool=plan.pool * 4 * plan.baseline_seconds // plan.load_seconds,
            warmup_seconds=0,
        )
        figures["load"] = {}
        guests = itertools.cycle(range(LOAD_GUESTS))
        for concurrency in plan.concurrency:
            _progress(f"webhook: {kind}: load at concurrency {concurrency}")
            figures["load"][f"concurrency_{concurrency}"] = load_phase(
                stack,
                generator,
                lambda: webhooks.signed(next(guests)),
                concurrency=concurrency,
                seconds=plan.load_seconds,
                pool=plan.pool,
                warmup_seconds=plan.warmup_seconds,
            )
        _progress(f"webhook: {kind}: drain (up to {plan.drain_seconds} s)")
        figures["drain"] = drain(stack, plan.drain_seconds)
        stack.check_alive()
        figures["memory"] = {
            "api_process": _memory(server.pid),
            "worker_process": _memory(worker.pid) if worker else None,
        }
        figures["log_warnings_and_errors"] = {
            "api_process": _log_levels(server.log_path),
            "worker_process": _log_levels(worker.log_path) if worker else None,
        }
        figures["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
        stats = _fake_stats(fake)
        figures["fake_graph_api"] = {
            key: stats[key] for key in ("messages", "read_receipts", "failures")
        }
        return figures


def _api_workers(kind: str) -> int:
    """BENCH_API_WORKERS=N: `serve --workers N` on PostgreSQL (SQLite refuses more than one)."""
    workers = int(os.environ.get("BENCH_API_WORKERS", "1"))
    return workers if kind == "postgresql" else 1


def _topology(stack: Stack, api_workers: int) -> dict[str, Any]:
    """What ran where, so a reader need not know this file's defaults."""
    if stack.worker is None:
        return {
            "api_process": "python -m hotel_agent serve (worker and sender in-process: "
            "the embedded default, 1 turn and 1 send at a time)",
            "worker_process": None,
        }
    workers = f" --workers {api_workers}: {api_workers} processes" if api_workers > 1 else ""
    return {
        "api_process": f"python -m hotel_agent serve{workers} (QUEUE_IN_PROCESS_WORKER=false)",
        "worker_process": "python -m hotel_agent " + " ".join(stack.worker.arguments),
    }


def _memory(pid: int) -> dict[str, float]:
    return {"peak_rss_mb": peak_rss_mb(pid), "rss_at_end_mb": rss_mb(pid)}


def probe(stack: Stack, webhooks: Webhooks) -> float:
    """Send one webhook and wait for its first reply: the whole pipeline (API, worker, sender)
    is up. The worker process has no readiness endpoint, and on a cold start it can take
    seconds to import and connect; the end-to-end figures must not include that."""
    request = webhooks.signed(PROBE_GUEST)
    wa_id = wa_id_of(PROBE_GUEST)
    sent = time.time()
    response = httpx.post(
        stack.server.url + request.path, content=request.body, headers=_headers(request), timeout=30
    )
    if response.status_code != 200:
        raise RuntimeError(f"probe webhook answered {response.status_code}: {response.text[:300]}")
    deadline = time.monotonic() + PROBE_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        stack.check_alive()
        replies, _ = wait_for_replies(stack.fake, {wa_id}, count=1, timeout=1.0)
        if replies.get(wa_id):
            # Let its other replies go out too, so the first end-to-end message starts idle.
            wait_for_replies(stack.fake, {wa_id}, settle=1.0, timeout=10)
            return round((min(replies[wa_id]) - sent) * 1000, 1)
    raise RuntimeError(f"no reply to the probe webhook after {PROBE_TIMEOUT_SECONDS} s")


def end_to_end(stack: Stack, webhooks: Webhooks, plan: Plan) -> dict[str, Any]:
    """Webhook sent → replies received by the fake Graph API, one message at a time."""
    sent_at: dict[str, float] = {}
    ack_ms: list[float] = []
    statuses: collections.Counter[int] = collections.Counter()
    expected: int | None = None
    # Bounded whatever the server does: a message that never gets its replies costs its
    # timeout, and the sample stops early rather than the run going on for minutes.
    deadline = time.monotonic() + E2E_BUDGET_SECONDS
    transport = httpx.HTTPTransport(socket_options=NO_DELAY)
    with httpx.Client(base_url=stack.server.url, timeout=10, transport=transport) as http:
        for index in range(plan.e2e_messages):
            if time.monotonic() > deadline:
                break
            wa_id = wa_id_of(E2E_GUEST_BASE + index)
            request = webhooks.signed(E2E_GUEST_BASE + index)
            sent = time.time()
            response = http.post(request.path, content=request.body, headers=_headers(request))
            ack_ms.append((time.time() - sent) * 1000)
            statuses[response.status_code] += 1
            if response.status_code != 200:
                continue  # not acknowledged: no reply to wait for
            sent_at[wa_id] = sent
            # The first message shows how many replies one message gets (the dialogue engine
            # decides); each later one waits for that many, so the next starts on an idle server.
            if expected is None:
                replies, _ = wait_for_replies(stack.fake, {wa_id}, settle=1.0, timeout=15)
                expected = max(1, len(replies.get(wa_id, [])))
            else:
                wait_for_replies(stack.fake, {wa_id}, count=expected, timeout=10)
    replies, _ = wait_for_replies(stack.fake, set(sent_at), settle=0.0, timeout=5)
    answered = [wa_id for wa_id in sent_at if replies.get(wa_id)]
    counts = collections.Counter(len(replies.get(wa_id, [])) for wa_id in sent_at)
    return {
        "messages": sum(statuses.values()),
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "ack_ms": summary(ack_ms),
        "first_reply_ms": summary([(min(replies[w]) - sent_at[w]) * 1000 for w in answered]),
        "last_reply_ms": summary([(max(replies[w]) - sent_at[w]) * 1000 for w in answered]),
        "replies_per_message": counts.most_common(1)[0][0] if counts else 0,
        "without_reply": len(sent_at) - len(answered),
    }


def duplicates(stack: Stack, webhooks: Webhooks, plan: Plan) -> dict[str, Any]:
    """One webhook delivered `plan.duplicates` times at once: it must be answered once."""
    read_receipts_before = _fake_stats(stack.fake)["read_receipts"]
    request = webhooks.signed(DUPLICATE_GUEST)
    answers = asyncio.run(_post_concurrently(stack.server.url, request, plan.duplicates))
    wa_id = wa_id_of(DUPLICATE_GUEST)
    # A second reply would come right after the first: two quiet seconds are plenty.
    replies, stats = wait_for_replies(stack.fake, {wa_id}, settle=2.0)
    statuses = collections.Counter(status for status, _ in answers)
    return {
        "deliveries": plan.duplicates,
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        # The webhook answers {"messages": <newly stored>}: 1 across all deliveries, ideally.
        "stored": sum(stored for _, stored in answers),
        "replies_received": len(replies.get(wa_id, [])),
        "read_receipts_received": stats["read_receipts"] - read_receipts_before,
    }


async def _post_concurrently(url: str, request: Request, times: int) -> list[tuple[str, int]]:
    limits = httpx.Limits(max_connections=times)
    transport = httpx.AsyncHTTPTransport(socket_options=NO_DELAY, limits=limits)
    async with httpx.AsyncClient(base_url=url, timeout=30, transport=transport) as http:

        async def post() -> tuple[str, int]:
            try:
                response = await http.post(
                    request.path, content=request.body, headers=_headers(request)
                )
            except httpx.HTTPError as exc:
                return type(exc).__name__, 0
            stored = response.json().get("messages", 0) if response.status_code == 200 else 0
            return str(response.status_code), stored

        return await asyncio.gather(*(post() for _ in range(times)))


def load_phase(
    stack: Stack,
    generator: Generator,
    make_request: Callable[[], Request],
    *,
    concurrency: int,
    seconds: int,
    pool: int,
    warmup_seconds: int,
) -> dict[str, Any]:
    """Warm up, then run `seconds` of load at `concurrency`; the figures of the measured part."""
    port = int(stack.server.url.rsplit(":", 1)[1])
    # Every body and signature is built here, before any clock starts.
    warmup_file = stack.workdir / "warmup.txt"
    load_file = stack.workdir / "load.txt"
    write_requests(warmup_file, (make_request() for _ in range(pool * warmup_seconds // seconds)))
    write_requests(load_file, (make_request() for _ in range(pool)))
    if warmup_seconds:
        run_load(
            generator,
            port=port,
            requests_file=warmup_file,
            concurrency=concurrency,
            seconds=warmup_seconds,
        )
    before = _snapshot(stack)
    report = run_load(
        generator, port=port, requests_file=load_file, concurrency=concurrency, seconds=seconds
    )
    after = _snapshot(stack)
    stack.check_alive()
    elapsed = report["duration_us"] / 1e6
    acknowledged = report["requests"] - report["errors"]["status"]
    latency = report["latency_us"]
    usage = _usage(stack, before, after, generator_cpu_seconds=report["cpu_seconds"])
    return {
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "responses": report["requests"],
        "acknowledged": acknowledged,
        "acknowledged_per_s": round(acknowledged / elapsed, 1),
        "latency_ms": {key: round(latency[key] / 1000, 2) for key in ("p50", "p95", "p99")}
        | {"max": round(latency["max"] / 1000, 1)},
        "errors": sum(report["errors"].values()),
        "error_kinds": report["errors"],
        # True: the pre-built requests ran out before the time did; requests/s is a floor.
        "pool_exhausted": report["exhausted"],
        # Average cores busy over the phase, per process. Each of ours is one Python event
        # loop, so ~1.0 for one means that process is the bottleneck.
        "cpu_cores": usage["cpu_cores"],
        # CPU the API process spent per acknowledged request: less sensitive than requests/s
        # to how busy the machine's other tenants were. On SQLite that process also runs the
        # worker and sender, so their work done meanwhile is in it too.
        "server_cpu_ms_per_ack": _per(usage["api_cpu_seconds"], acknowledged),
        # What the worker and sender got done meanwhile, and what they left queued.
        "pipeline": usage["pipeline"],
    }


def drain(stack: Stack, max_seconds: int) -> dict[str, Any]:
    """No more webhooks: the pipeline's own pace on the backlog the load phases left, for
    `max_seconds` or until both queues are empty (then the rates are floors)."""
    # The generator hung up on up to `concurrency` requests the API was still working on; let
    # it finish them (no new inbox rows for half a second) so the drain starts without them.
    settle_until = time.monotonic() + 5
    stored = -1
    while time.monotonic() < settle_until:
        counts = queue_counts(stack.database_url)
        if counts.turns_finished + counts.inbox_unfinished == stored:
            break
        stored = counts.turns_finished + counts.inbox_unfinished
        time.sleep(0.5)
    before = _snapshot(stack)
    deadline = before["at"] + max_seconds
    emptied = False
    while time.monotonic() < deadline:
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        counts = queue_counts(stack.database_url)
        if counts.inbox_unfinished == 0 and counts.outbox_unfinished == 0:
            emptied = True
            break
    after = _snapshot(stack)
    stack.check_alive()
    usage = _usage(stack, before, after, generator_cpu_seconds=0.0)
    del usage["cpu_cores"]["generator"]
    return {
        "seconds": round(after["at"] - before["at"], 2),
        "queues_emptied": emptied,
        "cpu_cores": usage["cpu_cores"],
        "pipeline": usage["pipeline"],
    }


def _usage(
    stack: Stack, before: dict[str, Any], after: dict[str, Any], *, generator_cpu_seconds: float
) -> dict[str, Any]:
    """CPU by process and pipeline progress between two snapshots."""
    wall = after["at"] - before["at"]

    def cores(key: str) -> float:
        return round(float(after[key] - before[key]) / wall, 2)

    api_cpu = after["api_cpu"] - before["api_cpu"]
    worker_cpu = after["worker_cpu"] - before["worker_cpu"]
    # Pid by pid: a backend that exited meanwhile took its CPU time along (a slight undercount).
    postgres_cpu = sum(
        seconds - before["postgres_cpu"].get(pid, 0.0)
        for pid, seconds in after["postgres_cpu"].items()
    )
    cpu = {
        "api_process": cores("api_cpu"),
        # None on SQLite: there the API process runs the worker and sender.
        "worker_process": cores("worker_cpu") if stack.worker else None,
        "postgresql_backends": round(postgres_cpu / wall, 2) if stack.postgres_database else None,
        "generator": round(generator_cpu_seconds / wall, 2),
        "fake_graph_api": cores("fake_cpu"),
        "machine": cores("machine_busy"),
    }
    ours = sum(value for key, value in cpu.items() if key != "machine" and value)
    # Other tenants of this machine (tests, browsers) competing for the same cores.
    cpu["other_processes"] = round(max(0.0, cpu["machine"] - ours), 2)
    start: QueueCounts = before["queues"]
    end: QueueCounts = after["queues"]
    turns = end.turns_finished - start.turns_finished
    return {
        "cpu_cores": cpu,
        "api_cpu_seconds": api_cpu,
        "pipeline": {
            "turns_per_s": round(turns / wall, 1),
            "sends_per_s": round((end.sent - start.sent) / wall, 1),
            "replies_per_s": round((end.replies_sent - start.replies_sent) / wall, 1),
            # The worker process's CPU per finished turn, its sends included; None on SQLite.
            "worker_cpu_ms_per_turn": _per(worker_cpu, turns) if stack.worker else None,
            "inbox_backlog_before": start.inbox_unfinished,
            "inbox_backlog_after": end.inbox_unfinished,
            "outbox_backlog_after": end.outbox_unfinished,
        },
    }


def _per(cpu_seconds: float, count: int) -> float | None:
    return round(cpu_seconds * 1000 / count, 2) if count else None


def wait_for_replies(
    fake: FakeGraph,
    recipients: set[str],
    *,
    count: int | None = None,
    settle: float | None = None,
    timeout: float = 30.0,
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Receive times of the replies to each recipient, once each has one and then `count`
    each, or no new one for `settle` seconds; whatever arrived at `timeout` otherwise. Also
    the fake's last counters."""
    deadline = time.monotonic() + timeout
    last_total, quiet_since = -1, time.monotonic()
    while True:
        stats = _fake_stats(fake)
        replies: dict[str, list[float]] = collections.defaultdict(list)
        for sent in stats["sends"]:
            if sent["to"] in recipients:
                replies[sent["to"]].append(sent["at"])
        total = sum(len(times) for times in replies.values())
        now = time.monotonic()
        if total != last_total:
            last_total, quiet_since = total, now
        everyone = len(replies) == len(recipients)
        if everyone and count is not None and total >= count * len(recipients):
            return replies, stats
        if everyone and settle is not None and now - quiet_since >= settle:
            return replies, stats
        if now > deadline:
            return replies, stats
        time.sleep(0.02)


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def rank(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]

    return {"p50": round(rank(0.5), 1), "p95": round(rank(0.95), 1), "max": round(ordered[-1], 1)}


def _headers(request: Request) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Hub-Signature-256": request.signature}


def _fake_stats(fake: FakeGraph) -> dict[str, Any]:
    stats: dict[str, Any] = httpx.get(fake.stats_url, timeout=30).json()
    return stats


def _snapshot(stack: Stack) -> dict[str, Any]:
    # The queue counts first: on PostgreSQL their connection's backend has exited by the time
    # the backends' CPU is read, so reading them costs the figures nothing.
    queues = queue_counts(stack.database_url)
    return {
        "at": time.monotonic(),
        "queues": queues,
        "api_cpu": process_cpu_seconds(stack.server.pid),
        "worker_cpu": process_cpu_seconds(stack.worker.pid) if stack.worker else 0.0,
        "fake_cpu": process_cpu_seconds(stack.fake.pid),
        "postgres_cpu": (
            postgres_backends_cpu(stack.postgres_database) if stack.postgres_database else {}
        ),
        "machine_busy": machine_busy_seconds(),
    }


def _log_levels(path: Path) -> dict[str, int]:
    """Warnings and errors a process logged, by event and exception class: a benchmark that
    errs measures the error path. (A `ClientDisconnect` is the generator hanging up on the
    requests still queued when its time is up.)"""
    events: collections.Counter[str] = collections.Counter()
    for line in path.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict) or record.get("level") not in {"warning", "error"}:
            continue
        key = f"{record['level']}: {str(record.get('event', '?')).strip()[:80]}"
        traceback = str(record.get("exception") or "").strip()
        if traceback:
            key += f" ({traceback.splitlines()[-1].split(':')[0].rsplit('.', 1)[-1]})"
        events[key] += 1
    return dict(events.most_common(10))


def _target(databases: dict[str, Any]) -> dict[str, Any]:
    phase = (
        databases.get(TARGET["database"], {})
        .get("load", {})
        .get(f"concurrency_{TARGET['concurrency']}")
    )
    met = None
    if phase:
        met = (
            phase["acknowledged_per_s"] >= TARGET["acknowledged_per_s"]
            and phase["latency_ms"]["p99"] <= TARGET["p99_ms"]
            and phase["errors"] == 0
        )
    return {**TARGET, "met": met}


_STARTED = time.monotonic()


def _progress(message: str) -> None:
    print(f"[bench {time.monotonic() - _STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default=None)
    args = parser.parse_args()
    if args.generator:
        os.environ["BENCH_GENERATOR"] = args.generator
    print(json.dumps(run(quick=args.quick), indent=2))


if __name__ == "__main__":
    main()
