"""The processes a benchmark runs against: the real API server, a separate worker process, the
fake Graph API, a throwaway PostgreSQL database; plus the readings taken around each phase: CPU
and memory from /proc, and the queue counts straight from the database.

Every process and database comes from a context manager whose `finally` stops what it started
and drops what it created, so an interrupted or failing benchmark leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import select
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Bytecode for the processes we start, kept out of the source tree. Without a cache (some
# environments set PYTHONDONTWRITEBYTECODE) every process compiles every module it imports:
# ~10 s per start on a busy 2-core machine, and a peak RSS no deployed server would have.
BYTECODE_CACHE = Path(tempfile.gettempdir()) / "hotel-agent-bench-pycache"

# Settings the server reads from the environment: a developer's own values (a REDIS_URL, a
# LOG_LEVEL=DEBUG) must not leak into the benchmark and change what it measures.
_APP_PREFIXES = ("DB_", "REDIS_", "WHATSAPP_", "HOTEL_", "QUEUE_", "WEBCHAT_", "PMS_", "LLM_")
_APP_NAMES = {
    "DATABASE_URL",
    "POSTGRES_URL",
    "ENVIRONMENT",
    "DEBUG",
    "DATA_DIR",
    "LOG_LEVEL",
    "LOG_JSON",
    "MAX_BODY_BYTES",
    "CHECK_PMS_IN_READINESS",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def python_env(**settings: str) -> dict[str, str]:
    """This environment with a bytecode cache, without the app's settings, plus `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _APP_NAMES and not key.startswith(_APP_PREFIXES)
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)
    env.update(settings)
    return env


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it does not exit within 10 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclass
class FakeGraph:
    base_url: str  # what the server is configured with: `http://127.0.0.1:<port>/v23.0`
    pid: int

    @property
    def stats_url(self) -> str:
        return self.base_url.rsplit("/", 1)[0] + "/_stats"


@contextlib.contextmanager
def fake_graph_api(access_token: str, log_path: Path) -> Iterator[FakeGraph]:
    """Run `tests.fakes.graph_api` as a process, the way a benchmark reaches it over HTTP."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [PYTHON, "-m", "tests.fakes.graph_api", "--port", "0", "--access-token", access_token],
            cwd=ROOT,
            env=python_env(),
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,  # a Ctrl-C on the benchmark reaches us, not a traceback here
        )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 30)
        line = process.stdout.readline().decode().strip() if ready else ""
        if not line.startswith("http"):
            raise RuntimeError(f"fake Graph API did not start: {log_tail(log_path)}")
        yield FakeGraph(line, process.pid)
    finally:
        stop_process(process)
        if process.stdout is not None:
            process.stdout.close()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid


@contextlib.contextmanager
def hotel_agent_server(env: dict[str, str], workdir: Path, *, workers: int = 1) -> Iterator[Server]:
    """`python -m hotel_agent serve [--workers N]` on a free port; yields once /health/ready
    answers 200 (with N > 1, from one of the processes uvicorn's supervisor starts)."""
    port = free_port()
    log_path = workdir / "server.log"
    arguments = ["serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        arguments += ["--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [PYTHON, "-m", "hotel_agent", *arguments],
            # Not the repository: a developer's `.env` there would be read by the settings.
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    try:
        _wait_ready(server)
        yield server
    finally:
        stop_process(process)


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    arguments: list[str]  # after `python -m hotel_agent`
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid


@contextlib.contextmanager
def hotel_agent_worker(
    env: dict[str, str], workdir: Path, *, concurrency: int, senders: int, name: str = "worker"
) -> Iterator[WorkerProcess]:
    """`python -m hotel_agent worker`: worker and sender loops in a process of their own, as
    PostgreSQL deployments run them beside `serve`. It has no port and no readiness endpoint:
    the caller knows it works when a webhook gets its reply (see `exited_early`)."""
    arguments = ["worker", "--concurrency", str(concurrency), "--senders", str(senders)]
    log_path = workdir / f"{name}.log"
    profiler: list[str] = []
    if profile_dir := os.environ.get("BENCH_PROFILE_DIR"):
        # cProfile writes its file when the process exits, which SIGTERM lets it do.
        Path(profile_dir).mkdir(parents=True, exist_ok=True)
        profiler = ["-m", "cProfile", "-o", str(Path(profile_dir) / f"{name}.prof")]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [PYTHON, *profiler, "-m", "hotel_agent", *arguments],
            cwd=workdir,  # not the repository, for the same reason as the server
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield WorkerProcess(process, arguments, log_path)
    finally:
        stop_process(process)


def exited_early(process: subprocess.Popen[bytes], log_path: Path) -> str | None:
    """None while the process runs; otherwise its exit status and the end of its log."""
    if process.poll() is None:
        return None
    return f"exited with status {process.returncode}:\n{log_tail(log_path)}"


def _wait_ready(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as http:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited on start:\n{log_tail(server.log_path)}")
            with contextlib.suppress(httpx.HTTPError):
                if http.get(f"{server.url}/health/ready").status_code == 200:
                    return
            time.sleep(0.1)
    raise RuntimeError(f"server not ready after {timeout:.0f}s:\n{log_tail(server.log_path)}")


def migrate(env: dict[str, str], workdir: Path) -> None:
    subprocess.run(
        [PYTHON, "-m", "hotel_agent", "migrate"],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """CREATE a `bench_<random>` database on the server of `admin_url`; DROP it afterwards."""
    name = f"bench_{secrets.token_hex(6)}"
    asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        parts = urlsplit(admin_url)
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        # FORCE: a server we could not stop cleanly may still hold connections.
        asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(url: str, statement: str) -> None:
    # Only CREATE/DROP DATABASE: the shared server's own databases are never touched.
    connection = await asyncpg.connect(_plain_url(url), timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _plain_url(url: str) -> str:
    """asyncpg wants `postgresql://`, operators may write the SQLAlchemy form."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgres") else url


def postgres_facts(url: str) -> dict[str, str]:
    """The server's version, and whether autovacuum runs: without it nothing ANALYZEs the
    bench's tables and the planner works without statistics on them. Raises (OSError,
    asyncpg.PostgresError…) if unreachable."""

    async def query() -> dict[str, str]:
        connection = await asyncpg.connect(_plain_url(url), timeout=10)
        try:
            return {
                "server_version": str(await connection.fetchval("SHOW server_version")),
                "autovacuum": str(await connection.fetchval("SHOW autovacuum")),
            }
        finally:
            await connection.close()

    return asyncio.run(query())


@dataclass(frozen=True)
class QueueCounts:
    """Rows by state in the two queues, whichever process did the work: the worker's own
    Prometheus counters live in the worker process, which has no HTTP port."""

    turns_finished: int  # inbox events done or dead-lettered
    inbox_unfinished: int  # pending or being processed
    sent: int  # outbox rows delivered: replies and read receipts
    replies_sent: int  # of which guest-visible messages
    outbox_unfinished: int


_INBOX_COUNTS = "SELECT state, count(*) FROM inbox_events GROUP BY state"
_OUTBOX_COUNTS = "SELECT kind, state, count(*) FROM outbox GROUP BY kind, state"
_UNFINISHED = {"pending", "processing"}


def queue_counts(database_url: str) -> QueueCounts:
    """Read-only counts, on a connection of our own opened for this reading only (on
    PostgreSQL its backend is gone before the caller reads the backends' CPU)."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[1]
        # The server runs SQLite in WAL mode: a reader here never blocks its writes.
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            inbox = connection.execute(_INBOX_COUNTS).fetchall()
            outbox = connection.execute(_OUTBOX_COUNTS).fetchall()
        finally:
            connection.close()
    else:

        async def read() -> tuple[list[Any], list[Any]]:
            connection = await asyncpg.connect(_plain_url(database_url), timeout=10)
            try:
                return (
                    [tuple(row) for row in await connection.fetch(_INBOX_COUNTS)],
                    [tuple(row) for row in await connection.fetch(_OUTBOX_COUNTS)],
                )
            finally:
                await connection.close()

        inbox, outbox = asyncio.run(read())
    return QueueCounts(
        turns_finished=sum(n for state, n in inbox if state in {"done", "dead"}),
        inbox_unfinished=sum(n for state, n in inbox if state in _UNFINISHED),
        sent=sum(n for _, state, n in outbox if state == "sent"),
        replies_sent=sum(n for kind, state, n in outbox if state == "sent" and kind == "message"),
        outbox_unfinished=sum(n for _, state, n in outbox if state in _UNFINISHED),
    )


def _proc_status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    return round(_proc_status_kb(pid, "VmHWM") / 1024, 1)


def rss_mb(pid: int) -> float:
    return round(_proc_status_kb(pid, "VmRSS") / 1024, 1)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of all the process's threads so far, and of its children: the
    processes `serve --workers N` starts, which do the work while their supervisor waits."""
    # The command name (field 2) may contain spaces: split after its closing parenthesis.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime + stime, then cutime + cstime: children that ended (and were waited for) so far.
    own = sum(int(value) for value in fields[11:15]) / CLOCK_TICKS
    return own + sum(process_cpu_seconds(child) for child in _children(pid))


def _children(pid: int) -> list[int]:
    children: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            children.extend(int(child) for child in (task / "children").read_text().split())
    return children


def machine_busy_seconds() -> float:
    """CPU seconds spent not idle, summed over all cores, since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS


def postgres_backends_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving `database` (its process title
    names the database), by pid: compare two readings pid by pid, since backends come and go."""
    marker = f" {database} ".encode()
    backends: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
            if title.startswith(b"postgres: ") and marker in title:
                backends[int(entry.name)] = process_cpu_seconds(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
    return backends


def on_both_databases(name: str, measure: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """`measure(url)` on a fresh SQLite file, then on a fresh `bench_<random>` PostgreSQL
    database of BENCH_POSTGRES_URL's server (async URLs): {"sqlite": …, "postgresql": …}, the
    latter saying why it was skipped when that server is unreachable."""
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        print(f"[bench] {name}: SQLite", file=sys.stderr, flush=True)
        result["sqlite"] = measure(f"sqlite+aiosqlite:///{Path(tmp) / (name + '.db')}")
    admin_url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        postgres_facts(admin_url)
    except Exception as exc:
        result["postgresql"] = {"skipped": f"PostgreSQL unreachable: {type(exc).__name__}: {exc}"}
        return result
    with postgres_database(admin_url) as database:
        print(f"[bench] {name}: PostgreSQL", file=sys.stderr, flush=True)
        _, rest = database.split("://", 1)
        result["postgresql"] = measure(f"postgresql+asyncpg://{rest}")
    return result
