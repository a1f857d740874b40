"""Load generators behind one call: `wrk` when installed, else `_http_loadgen.py`.

Both run as separate processes (the server must not lose CPU to a generator inside its own
event loop), both read the same file of pre-signed requests, and both report the same JSON
fields, so the figures of a run say which one produced them and nothing else differs.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _stack import python_env

BENCH_DIR = Path(__file__).resolve().parent
WRK_SCRIPT = BENCH_DIR / "wrk_requests.lua"
PYTHON_LOADGEN = BENCH_DIR / "_http_loadgen.py"
WRK_THREADS = 1  # one C thread outpaces this server many times over; the rest is its CPU


@dataclass(frozen=True)
class Generator:
    name: str  # "wrk" or "python"
    details: dict[str, Any]


def choose(preference: str = "auto") -> Generator:
    """`auto` takes wrk when it is on PATH; `wrk` insists on it; `python` never uses it."""
    wrk = shutil.which("wrk")
    if preference not in {"auto", "wrk", "python"}:
        raise ValueError(f"unknown generator {preference!r}: auto, wrk or python")
    if preference == "wrk" and wrk is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    if wrk is not None and preference != "python":
        version = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout
        return Generator(
            "wrk",
            {
                "version": version.split(" Copyright")[0].strip(),
                "threads": WRK_THREADS,
                "script": WRK_SCRIPT.name,
                "process": "separate",
            },
        )
    return Generator(
        "python",
        {"script": PYTHON_LOADGEN.name, "process": "separate", "http": "raw asyncio streams"},
    )


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    signature: str = ""  # X-Hub-Signature-256, when the request carries one
    body: bytes = b""  # JSON (compact: one line), sent as application/json


def write_requests(path: Path, requests: Iterable[Request]) -> None:
    """One `METHOD\\tPATH\\tSIGNATURE\\tBODY` line per request, the file both generators read."""
    with path.open("wb") as handle:
        for request in requests:
            if b"\n" in request.body:
                raise ValueError("a request body must fit on one line")
            head = f"{request.method}\t{request.path}\t{request.signature}\t".encode()
            handle.write(head + request.body + b"\n")


def run_load(
    generator: Generator,
    *,
    port: int,
    requests_file: Path,
    concurrency: int,
    seconds: int,
) -> dict[str, Any]:
    """Run one load phase; the generator's report plus the CPU seconds it used."""
    if generator.name == "wrk":
        command = [
            "wrk",
            f"-t{min(WRK_THREADS, concurrency)}",
            f"-c{concurrency}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(WRK_SCRIPT),
            f"http://127.0.0.1:{port}",
            "--",
            str(requests_file),
            str(min(WRK_THREADS, concurrency)),
        ]
    else:
        command = [
            sys.executable,
            str(PYTHON_LOADGEN),
            f"--port={port}",
            f"--requests={requests_file}",
            f"--concurrency={concurrency}",
            f"--duration={seconds}",
        ]
    # The generator is the only child reaped meanwhile, so this delta is its CPU time.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = subprocess.run(
        command, env=python_env(), capture_output=True, text=True, timeout=seconds + 60
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = _report(finished)
    report["cpu_seconds"] = round(
        after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 3
    )
    return report


def _report(finished: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    for line in reversed(finished.stdout.splitlines()):
        line = line.removeprefix("BENCH_JSON ").strip()
        if line.startswith("{"):
            report: dict[str, Any] = json.loads(line)
            return report
    raise RuntimeError(
        f"load generator failed (exit {finished.returncode}): "
        f"{(finished.stderr or finished.stdout)[-2000:]}"
    )
