"""The SLO report: the newest load and stress runs (bench/results/load-*.json, written by
`bench/load/run.py`) against the plan's service level objectives, and against the run before.

    .venv/bin/python bench/load/slo.py [--results bench/results] [--json OUT]   (make slo-report)

One line per objective: the figure, the objective, pass or FAIL, and the previous run's figure.
A line whose figure was not measured fails and says which command measures it: a report that
cannot check must not pass. Exit status 1 when any line fails, 0 when all pass.

Comparisons with the previous run are shown (and a change of more than 25 % for the worse is
marked), not judged: on a shared machine two runs differ by more than that for reasons of
their own; the objectives are the gate.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "results"
REGRESSION = 1.25


@dataclass(frozen=True)
class Objective:
    name: str
    mode: str  # which run measures it: load or stress
    figure: Callable[[dict[str, Any]], float | None]
    limit: float
    below: bool  # True: the figure must stay below the limit; False: above it
    unit: str
    how: str  # the command that measures it


def _path(*keys: str) -> Callable[[dict[str, Any]], float | None]:
    def read(document: dict[str, Any]) -> float | None:
        value: Any = document
        for key in keys:
            if not isinstance(value, dict) or value.get(key) is None:
                return None
            value = value[key]
        return float(value)

    return read


def _error_percent(document: dict[str, Any]) -> float | None:
    rate = _path("agent", "error_rate")(document)
    return None if rate is None else rate * 100


OBJECTIVES = (
    Objective("p95 of every request", "load", _path("agent", "p95_ms_worst"), 300, True, "ms",
              "make load-test"),
    Objective("throughput at the knee", "stress", _path("knee", "requests_per_s"), 100, False,
              "req/s", "make stress-test"),
    Objective("errors (HTTP and wrong or missing replies)", "load", _error_percent, 1, True, "%",
              "make load-test"),
    Objective("/health/live p95 under load", "load", _path("health", "/health/live", "p95"), 10,
              True, "ms", "make load-test"),
    Objective("/health/ready p95 under load", "load", _path("health", "/health/ready", "p95"),
              50, True, "ms", "make load-test"),
    Objective("webhook acknowledgement p95", "load", _path("agent", "webhook_ack_p95_ms_worst"),
              300, True, "ms", "make load-test"),
    Objective("PMS call p95", "load", _path("pms", "p95_ms"), 500, True, "ms",
              "make load-test (on SQLite, where the API process runs the turns)"),
)  # fmt: skip


def runs(results: Path, mode: str) -> list[dict[str, Any]]:
    """Every run of `mode`, newest first (names sort by time)."""
    paths = sorted(results.glob(f"load-{mode}-*.json"), reverse=True)
    return [json.loads(path.read_text()) | {"_file": path.name} for path in paths]


def judge(results: Path) -> dict[str, Any]:
    lines = []
    by_mode = {mode: runs(results, mode) for mode in ("load", "stress")}
    for objective in OBJECTIVES:
        history = by_mode[objective.mode]
        latest = history[0] if history else None
        previous = history[1] if len(history) > 1 else None
        value = objective.figure(latest) if latest else None
        before = objective.figure(previous) if previous else None
        if value is None:
            verdict, note = "FAIL", f"not measured: run `{objective.how}`"
        else:
            met = value < objective.limit if objective.below else value > objective.limit
            verdict, note = ("pass" if met else "FAIL"), ""
        worse = None
        if value is not None and before:
            ratio = value / before if objective.below else before / value if value else None
            worse = ratio is not None and ratio > REGRESSION
        lines.append({
            "objective": objective.name,
            "limit": f"{'<' if objective.below else '>'} {objective.limit:g} {objective.unit}",
            "value": value,
            "unit": objective.unit,
            "verdict": verdict,
            "note": note,
            "run": latest["_file"] if latest else None,
            "previous_value": before,
            "worse_than_previous": worse,
        })  # fmt: skip
    return {"passed": all(line["verdict"] == "pass" for line in lines), "lines": lines}


def markdown(report: dict[str, Any]) -> str:
    rows = [
        "# SLO report",
        "",
        "| objective | limit | measured | verdict | previous run | run |",
        "|---|---|---|---|---|---|",
    ]
    for line in report["lines"]:
        value = "—" if line["value"] is None else f"{line['value']:g} {line['unit']}"
        before = "—" if line["previous_value"] is None else f"{line['previous_value']:g}"
        if line["worse_than_previous"]:
            before += f" (now > {int((REGRESSION - 1) * 100)} % worse)"
        verdict = line["verdict"] + (f": {line['note']}" if line["note"] else "")
        rows.append(
            f"| {line['objective']} | {line['limit']} | {value} | {verdict} | {before} | "
            f"{line['run'] or '—'} |"
        )
    rows += ["", "All objectives met." if report["passed"] else "Objectives NOT met."]
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args()
    report = judge(args.results)
    print(markdown(report), end="")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    sys.exit(0 if report["passed"] else 1)


if __name__ == "__main__":
    main()
