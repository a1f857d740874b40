"""What every benchmark module shares: latency summaries, progress lines, the CLI."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from typing import Any


def summary(values: list[float], *, digits: int = 3) -> dict[str, float]:
    """Nearest-rank percentiles (no interpolation: every figure is a measured value)."""
    ordered = sorted(values)

    def rank(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]

    return {
        "p50": round(rank(0.5), digits),
        "p95": round(rank(0.95), digits),
        "p99": round(rank(0.99), digits),
        "max": round(ordered[-1], digits),
        "mean": round(statistics.fmean(ordered), digits),
    }


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def main(run: Callable[..., dict[str, Any]], description: str) -> None:
    """`python bench/<name>.py [--quick]`: the module's figures as JSON on stdout."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    args = parser.parse_args()
    print(json.dumps(run(quick=args.quick), indent=2))
