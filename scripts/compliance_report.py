"""Run every gate and write one report, build/compliance/report.{md,json}.

Each gate is its `make` target. A gate is `pass` only when its target exits 0; a gate that could
not check (vulnerability source unreachable, full suite not requested) is `not run: reason`,
never `pass`. The exit status is 0 only when every gate passed."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GATES = ["lint", "lint-ci", "security-fast", "secret-scan", "security-deps", "owasp-scan", "test"]
FULL_ONLY = {"test": "the whole suite with coverage takes 13+ minutes; pass --full (CI runs it)"}
# pip-audit's words when its vulnerability source did not answer (no finding was possible).
UNREACHABLE = (
    "could not be audited",
    "Connection refused",
    "Max retries exceeded",
    "Name or service not known",
    "Temporary failure in name resolution",
)


@dataclass
class Result:
    gate: str
    status: str  # "pass", "fail" or "not run: <reason>"
    seconds: float
    output_tail: list[str]


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def run_gate(gate: str, full: bool) -> Result:
    if gate in FULL_ONLY and not full:
        return Result(gate, f"not run: {FULL_ONLY[gate]}", 0.0, [])
    started = datetime.now(UTC)
    done = subprocess.run(
        ["make", "--no-print-directory", gate],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = round((datetime.now(UTC) - started).total_seconds(), 1)
    output = done.stdout + done.stderr
    tail = output.strip().splitlines()[-15:]
    if done.returncode == 0:
        return Result(gate, "pass", seconds, tail)
    found = "known vulnerabilit" in output and "Found 0 known" not in output
    if gate == "security-deps" and not found and any(m in output for m in UNREACHABLE):
        return Result(gate, "not run: the vulnerability source is unreachable", seconds, tail)
    return Result(gate, "fail", seconds, tail)


def write(results: list[Result], out: Path) -> dict[str, object]:
    dirty = bool(_git("status", "--porcelain"))
    report: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "HEAD") + (" (with uncommitted changes)" if dirty else ""),
        "passed": all(result.status == "pass" for result in results),
        "gates": [asdict(result) for result in results],
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Compliance report",
        "",
        f"- Date: {report['date']}",
        f"- Commit: {report['commit']}",
        f"- Result: {'all gates pass' if report['passed'] else 'NOT all gates pass'}",
        "",
        "| Gate | Status | Seconds |",
        "| --- | --- | --- |",
        *(f"| `make {r.gate}` | {r.status} | {r.seconds} |" for r in results),
        "",
    ]
    for result in results:
        if result.status != "pass" and result.output_tail:
            lines += [f"## {result.gate}: last lines", "", "```", *result.output_tail, "```", ""]
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "compliance")
    parser.add_argument("--gates", nargs="+", choices=GATES, default=GATES)
    parser.add_argument("--full", action="store_true", help="also run the whole test suite")
    args = parser.parse_args(argv)
    results = []
    for gate in args.gates:
        result = run_gate(gate, args.full)
        print(f"{gate}: {result.status} ({result.seconds}s)", flush=True)
        results.append(result)
    report = write(results, args.out)
    print(f"report: {args.out / 'report.md'}")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
