"""The load-test reports: what `make slo-report` passes and fails, the soak's flatness verdict
and the PMS latency read from `/metrics`. (The load runs themselves are real locust runs
against a real stack: `make load-test`, minutes, not part of the suite.)"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
LOAD = ROOT / "bench" / "load"


def _module(name: str) -> ModuleType:
    # bench/ is scripts, not a package: loaded by path, with bench/ importable as they expect.
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location(f"load_{name}", LOAD / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


slo = _module("slo")
run = _module("run")


def load_run(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "agent": {"p95_ms_worst": 120.0, "error_rate": 0.002, "webhook_ack_p95_ms_worst": 40.0},
        "health": {"/health/live": {"p95": 3.0}, "/health/ready": {"p95": 20.0}},
        "pms": {"p95_ms": 100.0},
    }
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = document
        for key in parents:
            target = target[key]
        target[last] = value
    return document


def write(results: Path, mode: str, stamp: str, document: dict[str, Any]) -> None:
    results.mkdir(exist_ok=True)
    (results / f"load-{mode}-{stamp}.json").write_text(json.dumps(document))


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {line["objective"]: line["verdict"] for line in report["lines"]}


def test_every_objective_met_passes(tmp_path: Path) -> None:
    write(tmp_path, "load", "20261201T000000Z", load_run())
    write(tmp_path, "stress", "20261201T000000Z", {"knee": {"requests_per_s": 140.0}})
    report = slo.judge(tmp_path)
    assert report["passed"], slo.markdown(report)
    assert set(verdicts(report).values()) == {"pass"}


def test_a_breach_fails_its_line_and_the_report(tmp_path: Path) -> None:
    write(tmp_path, "load", "20261201T000000Z", load_run(agent__error_rate=0.03))
    write(tmp_path, "stress", "20261201T000000Z", {"knee": {"requests_per_s": 60.0}})
    report = slo.judge(tmp_path)
    assert not report["passed"]
    failed = {name for name, verdict in verdicts(report).items() if verdict == "FAIL"}
    assert failed == {"errors (HTTP and wrong or missing replies)", "throughput at the knee"}


def test_what_was_not_measured_fails_and_names_the_command(tmp_path: Path) -> None:
    write(tmp_path, "load", "20261201T000000Z", load_run(pms__p95_ms=None))
    report = slo.judge(tmp_path)  # and no stress run at all
    lines = {line["objective"]: line for line in report["lines"]}
    assert not report["passed"]
    assert "make stress-test" in lines["throughput at the knee"]["note"]
    assert lines["PMS call p95"]["verdict"] == "FAIL"
    assert slo.judge(tmp_path / "nothing-here")["passed"] is False


def test_the_newest_run_is_judged_and_compared_with_the_one_before(tmp_path: Path) -> None:
    write(tmp_path, "load", "20261201T000000Z", load_run(agent__p95_ms_worst=100.0))
    write(tmp_path, "load", "20261202T000000Z", load_run(agent__p95_ms_worst=200.0))
    write(tmp_path, "stress", "20261201T000000Z", {"knee": {"requests_per_s": 150.0}})
    lines = {line["objective"]: line for line in slo.judge(tmp_path)["lines"]}
    line = lines["p95 of every request"]
    assert (line["value"], line["previous_value"], line["verdict"]) == (200.0, 100.0, "pass")
    assert line["worse_than_previous"] is True
    assert line["run"] == "load-load-20261202T000000Z.json"


def test_slo_report_command_exits_non_zero_on_a_breach(tmp_path: Path) -> None:
    write(tmp_path, "load", "20261201T000000Z", load_run(agent__p95_ms_worst=900.0))
    write(tmp_path, "stress", "20261201T000000Z", {"knee": {"requests_per_s": 150.0}})
    out = tmp_path / "report.json"
    finished = subprocess.run(
        [sys.executable, str(LOAD / "slo.py"), "--results", str(tmp_path), "--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 1, finished.stdout + finished.stderr
    assert "| p95 of every request | < 300 ms | 900 ms | FAIL |" in finished.stdout
    assert json.loads(out.read_text())["passed"] is False


def test_flatness_ignores_the_warm_up_and_catches_growth() -> None:
    samples = [{"t": 0.0, "api_rss_mb": 10.0, "worker_sockets": 0}] + [
        {"t": 10.0 * n, "api_rss_mb": 150.0 + n, "worker_sockets": 5 + 2 * n} for n in range(1, 13)
    ]
    verdict = run.flatness(samples, warmup_seconds=10)
    assert verdict["api_rss_mb"]["flat"] is True  # +1 MB per sample: within the slack
    assert verdict["worker_sockets"]["flat"] is False  # two more sockets every sample: a leak
    assert run.flatness(samples, warmup_seconds=0)["api_rss_mb"]["first_third"] < 150


def test_pms_p95_is_read_from_the_histogram_across_labels() -> None:
    metrics = "\n".join(
        f'hotel_agent_pms_call_duration_seconds_bucket{{operation="{op}",le="{le}"}} {n}'
        for op, counts in (("search", (50, 58, 60)), ("book", (30, 36, 40)))
        for le, n in zip(("0.1", "0.5", "+Inf"), counts, strict=True)
    )
    figures = run.histogram_p95(metrics, "hotel_agent_pms_call_duration_seconds")
    # 100 calls: 80 within 100 ms, 94 within 500 ms, so the 95th is above 500 ms.
    assert figures == {
        "p95_ms": None,
        "calls": 100,
        "note": "upper bound of the histogram bucket holding the 95th percentile",
    }
    assert run.histogram_p95(metrics, "hotel_agent_other_seconds")["calls"] == 0
