"""`make compliance-report` never reports a gate that could not check as passed."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from scripts import compliance_report


def test_an_unreachable_vulnerability_source_is_not_run_never_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, dead)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("no_proxy", "")

    code = compliance_report.main(["--gates", "security-deps", "test", "--out", str(tmp_path)])

    assert code == 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["passed"] is False
    assert re.match(r"^[0-9a-f]{40}", report["commit"])
    statuses = {gate["gate"]: gate["status"] for gate in report["gates"]}
    assert statuses["security-deps"] == "not run: the vulnerability source is unreachable"
    assert statuses["test"].startswith("not run: ")
    markdown = (tmp_path / "report.md").read_text()
    assert "| `make security-deps` | not run: the vulnerability source is unreachable |" in markdown
    assert report["date"][:10] in markdown


def test_a_gate_that_passes_is_reported_as_pass(tmp_path: Path) -> None:
    # lint-ci on the repository: the quickest gate (seconds), and this is also the proof that
    # the repository's workflows and YAML pass it (test_gates_fail.py proves it can fail).
    code = compliance_report.main(["--gates", "lint-ci", "--out", str(tmp_path)])
    report = json.loads((tmp_path / "report.json").read_text())
    assert [gate["status"] for gate in report["gates"]] == ["pass"], report["gates"]
    assert code == 0
