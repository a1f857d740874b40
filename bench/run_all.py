"""Run every benchmark in bench/ and print ONE JSON document on stdout.

A benchmark is a module `bench/<name>.py` with `run(*, quick: bool = False) -> dict`; modules
whose name starts with "_" are helpers. Adding a benchmark (PMS search latency, NLU latency…)
is adding such a file: it is found and run in name order, and its figures land under
`benchmarks.<name>`. A benchmark that raises gets `{"error": …}` there and the others still run.

    .venv/bin/python bench/run_all.py [--quick] [--only NAME]... [--generator auto|wrk|python]
                                      [--output PATH | --no-save]

Progress goes to stderr; the document also goes to bench/results/latest.json (gitignored)
unless --no-save. Figures are never asserted: the exit status is 1 only if a benchmark failed.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_OUTPUT = BENCH_DIR / "results" / "latest.json"


def discover() -> list[str]:
    return sorted(
        path.stem
        for path in BENCH_DIR.glob("*.py")
        if not path.stem.startswith("_") and path.stem != "run_all"
    )


def run_benchmark(name: str, *, quick: bool) -> dict[str, Any]:
    started = time.monotonic()
    try:
        module = importlib.import_module(name)
        figures: dict[str, Any] = module.run(quick=quick)
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        figures = {"error": f"{type(exc).__name__}: {exc}"}
    figures["wall_seconds"] = round(time.monotonic() - started, 1)
    return figures


def machine_facts() -> dict[str, Any]:
    """What the figures depend on besides the code: they only compare on the same machine."""
    return {
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "cpu_model": _cpuinfo("model name"),
        "memory_gb": round(_meminfo_kb("MemTotal") / 1024**2, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        # Other tenants of the machine (test runs, browsers) slow a benchmark down: the load
        # average at the start, and each phase's "other_processes" CPU, show how much.
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
    }


def _cpuinfo(field: str) -> str | None:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith(field):
            return line.split(":", 1)[1].strip()
    return None


def _meminfo_kb(field: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _git_commit() -> str | None:
    """The commit the tree is based on (read-only; the tree may hold uncommitted work)."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a fast smoke run (seconds, not minutes)"
    )
    parser.add_argument("--only", action="append", metavar="NAME", help="run only these")
    parser.add_argument(
        "--generator",
        choices=["auto", "wrk", "python"],
        help="HTTP load generator (default auto: wrk when installed)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to save")
    parser.add_argument("--no-save", action="store_true", help="only print the document")
    args = parser.parse_args(argv)
    if args.generator:
        os.environ["BENCH_GENERATOR"] = args.generator  # read by benchmarks that load HTTP
    names = discover()
    unknown = sorted(set(args.only or ()) - set(names))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {names}")
    document: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "git_commit": _git_commit(),
        "machine": machine_facts(),
        "generators": {},
        "benchmarks": {},
    }
    for name in args.only or names:
        print(f"[bench] {name}…", file=sys.stderr, flush=True)
        figures = run_benchmark(name, quick=args.quick)
        document["benchmarks"][name] = figures
        if "generator" in figures:
            document["generators"][name] = figures["generator"]
    text = json.dumps(document, indent=2)
    print(text)
    if not args.no_save:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n")
        print(f"[bench] saved {args.output}", file=sys.stderr)
    failed = any("error" in figures for figures in document["benchmarks"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
