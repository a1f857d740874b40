"""Load, stress and soak tests: locust guests (`locustfile.py`) against a running agent, with
the agent's memory, connections and queues sampled meanwhile; a JSON and a Markdown report.

    .venv/bin/python bench/load/run.py load    [--users 40] [--duration 60]   (make load-test)
    .venv/bin/python bench/load/run.py stress  [--step-users 10] (make stress-test)
    .venv/bin/python bench/load/run.py soak    [--duration 600]               (make soak-test)

Without `--target` it starts the stack itself, as `bench/webhook.py` does: the fake Graph API
(its own process), and the agent on SQLite (one `serve` process, the embedded default) or, with
`--database postgresql`, a fresh `bench_<random>` database on BENCH_POSTGRES_URL (one API
process that acknowledges, one `worker` process), dropped at the end. With `--target URL` (a
staging stack) it loads that URL with web chat guests only (set LOAD_WHATSAPP_APP_SECRET and
LOAD_GRAPH_URL to add WhatsApp guests, see the locustfile) and samples only what HTTP shows.

Every second a probe times `GET /health/live` and `GET /health/ready` (the SLOs say how fast
they must answer under load). Every 10 s the sampler reads the agent processes' RSS and open
sockets, the database's connections and the queues' depth (local stacks only). At the end
`/metrics` gives the PMS call latency (from the process that runs the turns).

Reports go to bench/results/load-<mode>-<UTC time>.{json,md}; `bench/load/slo.py` (make
slo-report) judges the newest against the SLOs and the one before. Nothing here asserts a time:
the SLO report is where pass and fail are said.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))

from _common import summary  # noqa: E402
from _stack import (  # noqa: E402
    ROOT,
    exited_early,
    fake_graph_api,
    hotel_agent_server,
    hotel_agent_worker,
    migrate,
    peak_rss_mb,
    postgres_database,
    python_env,
    queue_counts,
    rss_mb,
)

RESULTS = BENCH / "results"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
STEP_SHAPE = Path(__file__).with_name("step_shape.py")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
APP_SECRET = "load-app-secret-0123456789"  # noqa: S105 - a throwaway stack's settings  # pragma: allowlist secret
ACCESS_TOKEN = "load-access-token-0123456789"  # noqa: S105
PHONE_NUMBER_ID = "106540352242922"  # the fixture's number, so the hotel is found
SAMPLE_SECONDS = 10.0
PROBE_SECONDS = 1.0


@dataclass
class Target:
    url: str
    graph_url: str | None = None  # the fake Graph API's root, when we run it
    database_url: str | None = None
    processes: dict[str, int] = field(default_factory=dict)  # name → pid
    logs: dict[str, Path] = field(default_factory=dict)
    popen: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)


@contextlib.contextmanager
def local_stack(database: str, workdir: Path) -> Iterator[Target]:
    """The agent as it is deployed, on a throwaway database, WhatsApp pointed at the fake."""
    with contextlib.ExitStack() as resources:
        if database == "postgresql":
            admin = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
            database_url = resources.enter_context(postgres_database(admin))
        else:
            database_url = f"sqlite:///{workdir / 'hotel_agent.db'}"
        fake = resources.enter_context(fake_graph_api(ACCESS_TOKEN, workdir / "fake_graph.log"))
        settings = {
            "DATABASE_URL": database_url,
            "DATA_DIR": str(workdir),
            "WHATSAPP_APP_SECRET": APP_SECRET,
            "WHATSAPP_VERIFY_TOKEN": "load-verify-token",
            "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_API_BASE_URL": fake.base_url,
            "LOG_LEVEL": "WARNING",
            # Every simulated guest comes from 127.0.0.1: the per-client limits would be
            # measured instead of the agent. Per session they stay as shipped.
            "WEBCHAT_RATE_LIMIT_PER_CLIENT": "1000000/minute",
            "WEBCHAT_RATE_LIMIT_POLL_PER_CLIENT": "1000000/minute",
        }
        if database == "postgresql":
            settings["QUEUE_IN_PROCESS_WORKER"] = "false"
        env = python_env(**settings)
        if database == "postgresql":
            migrate(env, workdir)
        server = resources.enter_context(hotel_agent_server(env, workdir))
        target = Target(server.url, fake.base_url.rsplit("/", 1)[0], database_url)
        target.processes["api"] = server.pid
        target.popen["api"] = server.process
        target.logs["api"] = server.log_path
        if database == "postgresql":
            worker = resources.enter_context(
                hotel_agent_worker(env, workdir, concurrency=4, senders=2)
            )
            target.processes["worker"] = worker.pid
            target.popen["worker"] = worker.process
            target.logs["worker"] = worker.log_path
        yield target


class Probe(threading.Thread):
    """Times the health endpoints once a second while the guests run."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.latencies: dict[str, list[float]] = {"/health/live": [], "/health/ready": []}
        self.errors: dict[str, int] = dict.fromkeys(self.latencies, 0)

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as http:
            while not self.stop.wait(PROBE_SECONDS):
                for path, times in self.latencies.items():
                    started = time.perf_counter()
                    try:
                        ok = http.get(path).status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    times.append((time.perf_counter() - started) * 1000)
                    self.errors[path] += not ok


class Sampler(threading.Thread):
    """Memory, sockets, database connections and queue depth every SAMPLE_SECONDS."""

    def __init__(self, target: Target) -> None:
        super().__init__(daemon=True)
        self.target = target
        self.stop = threading.Event()
        self.samples: list[dict[str, Any]] = []
        self.started = time.monotonic()

    def run(self) -> None:
        self.samples.append(self.sample())
        while not self.stop.wait(SAMPLE_SECONDS):
            self.samples.append(self.sample())

    def sample(self) -> dict[str, Any]:
        target = self.target
        row: dict[str, Any] = {"t": round(time.monotonic() - self.started, 1)}
        for name, pid in target.processes.items():
            with contextlib.suppress(OSError):
                row[f"{name}_rss_mb"] = rss_mb(pid)
                row[f"{name}_sockets"] = _sockets(pid)
        if target.database_url:
            with contextlib.suppress(Exception):
                counts = queue_counts(target.database_url)
                row["inbox_unfinished"] = counts.inbox_unfinished
                row["outbox_unfinished"] = counts.outbox_unfinished
            if target.database_url.startswith("postgresql"):
                with contextlib.suppress(Exception):
                    row["database_connections"] = _database_connections(target.database_url)
        return row


def _sockets(pid: int) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(fd).startswith("socket:")
    return count


def _database_connections(database_url: str) -> int:
    name = urlsplit(database_url).path.lstrip("/")
    plain = database_url.replace("postgresql+asyncpg://", "postgresql://")

    async def count() -> int:
        connection = await asyncpg.connect(plain, timeout=10)
        try:
            value = await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> "
                "pg_backend_pid()",
                name,
            )
            return int(value)
        finally:
            await connection.close()

    return asyncio.run(count())


def run_locust(
    target: Target, mode: str, args: argparse.Namespace, workdir: Path
) -> tuple[subprocess.CompletedProcess[str], Path]:
    prefix = workdir / "locust"
    env = dict(os.environ)
    if target.graph_url:
        env["LOAD_WHATSAPP_APP_SECRET"] = APP_SECRET
        env["LOAD_GRAPH_URL"] = target.graph_url
    env["LOAD_THINK_MIN"], env["LOAD_THINK_MAX"] = str(args.think[0]), str(args.think[1])
    files = str(LOCUSTFILE)
    command = [
        sys.executable, "-m", "locust", "--headless", "--host", target.url,
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        "--stop-timeout", "30",
    ]  # fmt: skip
    if mode == "stress":
        files += f",{STEP_SHAPE}"
        env.update(
            LOAD_STEP_USERS=str(args.step_users),
            LOAD_STEP_SECONDS=str(args.step_seconds),
            LOAD_MAX_USERS=str(args.max_users),
            LOAD_P95_LIMIT_MS=str(args.p95_limit_ms),
            LOAD_STEPS_FILE=str(workdir / "steps.jsonl"),
        )
    else:
        command += ["--users", str(args.users), "--spawn-rate", str(args.spawn_rate)]
        command += ["--run-time", f"{args.duration}s"]
    command += ["-f", files]
    timeout = args.duration + 120 if mode != "stress" else 4 * 3600
    finished = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return finished, prefix


def locust_figures(prefix: Path) -> dict[str, Any]:
    """Per request name: requests, failures, requests/s and percentiles (locust's CSV)."""
    by_name: dict[str, Any] = {}
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            name = row["Name"] if row["Type"] else "Aggregated"
            by_name[name] = {
                "type": row["Type"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "requests_per_s": round(float(row["Requests/s"]), 2),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "max_ms": _number(row["Max Response Time"]),
            }
    failures: dict[str, int] = {}
    with contextlib.suppress(FileNotFoundError), open(f"{prefix}_failures.csv") as rows:
        for row in csv.DictReader(rows):
            failures[f"{row['Name']}: {row['Error'][:160]}"] = int(row["Occurrences"])
    return {"by_name": by_name, "failures": failures}


def _number(text: str) -> float | None:
    return None if text in ("", "N/A") else float(text)


def agent_figures(by_name: dict[str, Any]) -> dict[str, Any]:
    """The agent's HTTP answers, and its replies as guests saw them (REPLY rows: the time
    until the reply arrived, failed when it was missing or said the wrong thing)."""
    http = {k: v for k, v in by_name.items() if k != "Aggregated" and v["type"] != "REPLY"}
    replies = {k: v for k, v in by_name.items() if v["type"] == "REPLY"}

    def count(rows: dict[str, Any], key: str) -> int:
        return sum(int(v[key]) for v in rows.values())

    def worst(rows: dict[str, Any], prefix: str = "") -> float | None:
        values = [v["p95_ms"] for k, v in rows.items() if k.startswith(prefix) and v["p95_ms"]]
        return max(values) if values else None

    judged = count(http, "requests") + count(replies, "requests")
    failed = count(http, "failures") + count(replies, "failures")
    return {
        "requests": count(http, "requests"),
        "failures": count(http, "failures"),
        "replies": count(replies, "requests"),
        "reply_failures": count(replies, "failures"),
        # A wrong or missing reply is an error as much as a 500 is.
        "error_rate": round(failed / judged, 4) if judged else None,
        "requests_per_s": round(sum(v["requests_per_s"] for v in http.values()), 2),
        # Per request name the p95; the worst one is what an SLO line is judged on.
        "p95_ms_worst": worst(http),
        "webhook_ack_p95_ms_worst": worst(http, "webhook "),
        "webchat_p95_ms_worst": worst(http, "webchat "),
        "webchat_reply_p95_ms_worst": worst(replies, "webchat reply"),
        "whatsapp_reply_p95_ms_worst": worst(replies, "whatsapp reply"),
    }


def pms_latency(url: str) -> dict[str, Any]:
    """p95 of the PMS calls made by the process serving `url`, from its `/metrics`."""
    try:
        text = httpx.get(f"{url}/metrics", timeout=10).text
    except httpx.HTTPError as error:
        return {"p95_ms": None, "note": f"/metrics unreachable: {error}"}
    return histogram_p95(text, "hotel_agent_pms_call_duration_seconds")


def histogram_p95(metrics: str, name: str) -> dict[str, Any]:
    """The 95th percentile of a Prometheus histogram (every label set together), as the upper
    bound of the bucket that holds it: bucket resolution, like Prometheus's own estimate."""
    buckets: dict[float, float] = {}
    pattern = rf'^{name}_bucket\{{[^}}]*le="([^"]+)"[^}}]*\}} (\S+)$'
    for match in re.finditer(pattern, metrics, re.MULTILINE):
        bound = float("inf") if match[1] == "+Inf" else float(match[1])
        buckets[bound] = buckets.get(bound, 0.0) + float(match[2])
    total = buckets.get(float("inf"), 0.0)
    if not total:
        return {"p95_ms": None, "calls": 0, "note": f"no {name} observations in /metrics"}
    bound = next(b for b in sorted(buckets) if buckets[b] >= 0.95 * total)
    return {
        "p95_ms": None if bound == float("inf") else bound * 1000,
        "calls": int(total),
        "note": "upper bound of the histogram bucket holding the 95th percentile",
    }


def flatness(samples: list[dict[str, Any]], warmup_seconds: float) -> dict[str, Any]:
    """Whether each sampled figure stayed flat after the warm-up (processes loading models,
    pools filling up as the guests arrive): the mean of the last third against the first
    third, with an absolute slack (a few MB, sockets or messages are noise, not a leak)."""
    samples = [s for s in samples if s["t"] >= warmup_seconds]
    slack = {"rss_mb": 20.0, "sockets": 4.0, "connections": 4.0, "unfinished": 50.0}
    keys = sorted({k for s in samples for k in s if k != "t"})
    third = max(1, len(samples) // 3)
    verdict: dict[str, Any] = {}
    for key in keys:
        values = [s[key] for s in samples if key in s]
        if len(values) < 3:
            continue
        first = sum(values[:third]) / len(values[:third])
        last = sum(values[-third:]) / len(values[-third:])
        allowed = next((v for suffix, v in slack.items() if key.endswith(suffix)), 10.0)
        verdict[key] = {
            "first_third": round(first, 1),
            "last_third": round(last, 1),
            "flat": last <= first * 1.2 + allowed,
        }
    return verdict


def report(mode: str, document: dict[str, Any]) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = document["date"].replace(":", "").replace("-", "")
    json_path = RESULTS / f"load-{mode}-{stamp}.json"
    json_path.write_text(json.dumps(document, indent=2) + "\n")
    md_path = json_path.with_suffix(".md")
    md_path.write_text(markdown(mode, document))
    return json_path, md_path


def markdown(mode: str, document: dict[str, Any]) -> str:
    agent = document["agent"]
    lines = [
        f"# {mode.capitalize()} test, {document['date']}",
        "",
        f"Target: {document['target']} ({document['stack']}); commit {document['commit']}; "
        f"load average at start {document['load_average_at_start']}.",
        "",
        f"- requests to the agent: {agent['requests']} ({agent['failures']} failed), "
        f"{agent['requests_per_s']} req/s; replies seen by guests: {agent['replies']} "
        f"({agent['reply_failures']} missing or wrong); error rate {agent['error_rate']}",
        f"- worst p95 per request name: {agent['p95_ms_worst']} ms (web chat "
        f"{agent['webchat_p95_ms_worst']} ms, webhook ack {agent['webhook_ack_p95_ms_worst']} ms)",
        f"- message → reply seen by the guest, worst p95: web chat "
        f"{agent['webchat_reply_p95_ms_worst']} ms, WhatsApp (at the Graph API) "
        f"{agent['whatsapp_reply_p95_ms_worst']} ms",
        f"- health under load p95: live {document['health']['/health/live']['p95']} ms, "
        f"ready {document['health']['/health/ready']['p95']} ms",
        f"- PMS calls p95: {document['pms']['p95_ms']} ms ({document['pms'].get('note', '')})",
        "",
        "| request | type | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in document["locust"]["by_name"].items():
        lines.append(
            f"| {name} | {row['type']} | {row['requests']} | {row['failures']} | "
            f"{row['requests_per_s']} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} |"
        )
    if document.get("steps"):
        lines += ["", "## Steps", "", "| users | req/s | p95 ms | error rate | within limits |"]
        lines.append("|---|---|---|---|---|")
        for step in document["steps"]:
            lines.append(
                f"| {step['users']} | {step['requests_per_s']} | {step['p95_ms']} | "
                f"{step['fail_ratio']} | {step['within_limits']} |"
            )
        lines += ["", f"Knee: {json.dumps(document['knee'])}"]
    if document.get("flatness"):
        flat = document["flatness"]
        lines += [
            "",
            f"## Flatness (after {flat['warmup_seconds']:g} s: last third against first third)",
            "",
        ]
        for key, row in flat["figures"].items():
            lines.append(
                f"- {key}: {row['first_third']} → {row['last_third']} "
                f"({'flat' if row['flat'] else 'GROWING'})"
            )
    if document["locust"]["failures"]:
        lines += ["", "## Failures", ""]
        lines += [f"- {n}× {what}" for what, n in document["locust"]["failures"].items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("load", "stress", "soak"))
    parser.add_argument("--target", help="a running agent's URL (default: start one)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--users", type=int, help="guests at once (load 40, soak 20)")
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--duration", type=int, help="seconds (load 60, soak 600)")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"))
    parser.add_argument("--step-users", type=int, default=10)
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--max-users", type=int, default=300)
    parser.add_argument("--p95-limit-ms", type=float, default=300.0)
    args = parser.parse_args()
    defaults = {"load": (40, 60), "soak": (20, 600), "stress": (0, 0)}[args.mode]
    args.users = args.users or defaults[0]
    args.duration = args.duration or defaults[1]

    started = datetime.datetime.now(datetime.UTC)
    load_average = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix=f"load-{args.mode}-") as tmp:
        workdir = Path(tmp)
        with contextlib.ExitStack() as resources:
            if args.target:
                target = Target(args.target.rstrip("/"))
                stack = "given"
            else:
                print(f"starting the agent on {args.database}", file=sys.stderr)
                target = resources.enter_context(local_stack(args.database, workdir))
                stack = f"local, {args.database}"
            probe, sampler = Probe(target.url), Sampler(target)
            probe.start()
            sampler.start()
            print(f"{args.mode}: running locust against {target.url}", file=sys.stderr)
            finished, prefix = run_locust(target, args.mode, args, workdir)
            probe.stop.set()
            sampler.stop.set()
            probe.join()
            sampler.join()
            died = {
                name: problem
                for name, process in target.popen.items()
                if (problem := exited_early(process, target.logs[name]))
            }
            if not Path(f"{prefix}_stats.csv").exists():
                sys.exit(f"locust produced no statistics:\n{finished.stderr[-3000:]}")
            figures = locust_figures(prefix)
            document: dict[str, Any] = {
                "mode": args.mode,
                "date": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "commit": _commit(),
                "target": target.url,
                "stack": stack,
                "load_average_at_start": load_average,
                "settings": {k: v for k, v in vars(args).items() if k not in ("target", "mode")},
                "agent": agent_figures(figures["by_name"]),
                "health": {
                    path: {**summary(times), "errors": probe.errors[path]}
                    if times
                    else {"p95": None, "errors": probe.errors[path]}
                    for path, times in probe.latencies.items()
                },
                "pms": pms_latency(target.url)
                if "worker" not in target.processes
                else {
                    "p95_ms": None,
                    "note": "the worker process runs the PMS calls and has no /metrics",
                },
                "samples": sampler.samples,
                "peak_rss_mb": {
                    name: peak_rss_mb(pid)
                    for name, pid in target.processes.items()
                    if name not in died
                },
                "locust": figures,
                "processes_died": died,
                "locust_exit_code": finished.returncode,
            }
            if args.mode == "soak":
                warmup = min(60.0, args.duration / 5)
                document["flatness"] = {
                    "warmup_seconds": warmup,
                    "figures": flatness(sampler.samples, warmup),
                }
            if args.mode == "stress":
                steps_file = workdir / "steps.jsonl"
                steps = (
                    [json.loads(line) for line in steps_file.read_text().splitlines()]
                    if (steps_file.exists())
                    else []
                )
                document["steps"] = steps
                within = [s for s in steps if s["within_limits"]]
                document["knee"] = {
                    "users": within[-1]["users"] if within else None,
                    "requests_per_s": within[-1]["requests_per_s"] if within else None,
                    "broke_at_users": next(
                        (s["users"] for s in steps if not s["within_limits"]), None
                    ),
                }
    json_path, md_path = report(args.mode, document)
    print(json.dumps({k: document[k] for k in ("mode", "agent", "health", "pms")}, indent=2))
    print(f"report: {json_path} and {md_path}", file=sys.stderr)
    if died:
        sys.exit(f"agent process(es) died during the run: {died}")


def _commit() -> str:
    with contextlib.suppress(Exception):
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return "unknown"


if __name__ == "__main__":
    main()
