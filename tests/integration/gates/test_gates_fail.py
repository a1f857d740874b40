"""Each gate of DEVELOPERS.md "Gates" fails on a planted finding, and fails loudly when it
cannot check. The gates run as `make TARGET` with their documented variables pointed at a
temporary directory, so the repository itself is never modified."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import textwrap
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from tests.fakes.server import ThreadedServer

ROOT = Path(__file__).resolve().parents[3]
UV = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")


def make(target: str, *variables: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = subprocess.run(
        ["make", "--no-print-directory", target, *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def plant(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_security_fast_passes_on_clean_code(tmp_path: Path) -> None:
    # What the repository's own code must pass is the gate itself (`.ci/run` runs `make
    # security-fast` on src before the tests); here, that a clean tree passes every step:
    # bandit, semgrep with the repo's rules, and the rules' own tests (.semgrep/*.py).
    plant(
        tmp_path,
        "loader.py",
        """\
        import subprocess

        import yaml


        def read(text):
            return yaml.safe_load(text)


        def run(name):
            subprocess.run(["ls", name], check=True)
        """,
    )
    code, output = make("security-fast", f"SCAN_PATHS={tmp_path}")
    assert code == 0, output


def test_bandit_fails_on_yaml_load(tmp_path: Path) -> None:
    plant(tmp_path, "loader.py", "import yaml\n\ndef read(text):\n    return yaml.load(text)\n")
    code, output = make("security-fast", f"SCAN_PATHS={tmp_path}")
    assert code != 0
    assert "B506" in output


def test_bandit_fails_on_shell_true(tmp_path: Path) -> None:
    source = "import subprocess\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n"
    plant(tmp_path, "runner.py", source)
    code, output = make("security-fast", f"SCAN_PATHS={tmp_path}")
    assert code != 0
    assert "B602" in output


def test_semgrep_rules_fail_where_bandit_sees_nothing(tmp_path: Path) -> None:
    # bandit has no rule for CORS, and a `# nosec` silences it on yaml.load: the repo's semgrep
    # rules still find both, so this proves semgrep's half of the gate on its own.
    plant(
        tmp_path,
        "app.py",
        """\
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
        """,
    )
    plant(tmp_path, "loader.py", "import yaml\n\ndef read(t):\n    return yaml.load(t)  # nosec\n")
    code, output = make("security-fast", f"SCAN_PATHS={tmp_path}")
    assert code != 0
    assert "B506" not in output, "bandit was meant to be silenced here"
    assert "fastapi-cors-wildcard-credentials" in output
    assert "yaml-unsafe-load" in output


def test_secret_scan_fails_on_a_new_cloud_key(tmp_path: Path) -> None:
    key = "AKIA" + "QX7Z4MPL2KD9RW3T"  # an AWS-shaped access key id, built so this file has none
    planted = plant(tmp_path, "settings.env", f"AWS_ACCESS_KEY_ID={key}\n")
    code, output = make("secret-scan", f"SECRET_SCAN_FILES={planted}")
    assert code != 0
    assert "AWS Access Key" in output


def test_secret_scan_passes_the_secrets_the_baseline_reviewed() -> None:
    # The files holding the reviewed (fake or public) secrets: each finding there is in the
    # baseline, so the gate passes. Every tracked file is the gate itself, run by `.ci/run`.
    reviewed = sorted(json.loads((ROOT / ".secrets.baseline").read_text())["results"])
    assert reviewed
    code, output = make("secret-scan", f"SECRET_SCAN_FILES={' '.join(reviewed)}")
    assert code == 0, output
    assert "no secret outside .secrets.baseline" in output


@pytest.fixture(scope="module")
def vulnerable_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose lock pins PyYAML 5.3.1 (CVE-2020-14343, arbitrary code in full_load)."""
    project = tmp_path_factory.mktemp("vulnerable")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "vulnerable"\nversion = "0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["pyyaml==5.3.1"]\n[tool.uv]\npackage = false\n',
        encoding="utf-8",
    )
    subprocess.run([UV, "lock", "--project", str(project)], check=True, capture_output=True)
    return project


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed on exit: nothing listens there


def test_security_deps_fails_on_a_pinned_vulnerable_version(
    vulnerable_project: Path, tmp_path: Path
) -> None:
    code, output = make(
        "security-deps", f"AUDIT_PROJECT={vulnerable_project}", f"AUDIT_DIR={tmp_path}"
    )
    assert code != 0
    assert "pyyaml" in (tmp_path / "requirements.txt").read_text().lower()
    # Where the vulnerability source answers, the finding is named; where it does not (this
    # machine), the gate says so instead of passing.
    assert any(
        mark in output for mark in ("CVE-2020-14343", "PYSEC-", "GHSA-", "could not be audited")
    ), output


def test_security_deps_fails_loudly_when_the_source_is_unreachable(
    vulnerable_project: Path, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{_dead_port()}"
    code, output = make(
        "security-deps",
        f"AUDIT_PROJECT={vulnerable_project}",
        f"AUDIT_DIR={tmp_path}",
        env={"HTTPS_PROXY": dead, "https_proxy": dead, "NO_PROXY": "", "no_proxy": ""},
    )
    assert code != 0
    assert "Connection refused" in output  # the reason is printed, not swallowed


def _api(broken: bool) -> FastAPI:
    app = FastAPI()

    @app.get("/rooms/{room_id}")
    async def room(room_id: int) -> JSONResponse:
        if broken and room_id % 2 == 0:
            raise RuntimeError("planted bug")  # uvicorn answers 500
        return JSONResponse({"room_id": room_id})

    return app


def test_owasp_scan_fails_on_a_route_that_returns_500() -> None:
    with ThreadedServer(_api(broken=True)) as server:
        code, output = make(
            "owasp-scan", f"OWASP_TARGET_URL={server.origin}", "OWASP_MAX_EXAMPLES=20"
        )
    assert code != 0
    assert "Server error" in output


def test_owasp_scan_passes_on_a_correct_route() -> None:
    with ThreadedServer(_api(broken=False)) as server:
        code, output = make(
            "owasp-scan", f"OWASP_TARGET_URL={server.origin}", "OWASP_MAX_EXAMPLES=20"
        )
    assert code == 0, output


def test_lint_ci_fails_on_an_invalid_workflow(tmp_path: Path) -> None:
    # `runs-on` is required: GitHub would refuse this workflow when it is pushed.
    broken = plant(tmp_path, "ci.yml", "on: push\njobs:\n  test:\n    steps:\n      - run: make\n")
    code, output = make("lint-ci", f"WORKFLOWS={broken}")
    assert code != 0
    assert "runs-on" in output


def test_lint_ci_fails_on_a_workflow_only_actionlint_understands(tmp_path: Path) -> None:
    # Valid against the JSON schema, but the job needs a job that does not exist.
    text = "on: push\njobs:\n  test:\n    needs: build\n    runs-on: ubuntu-latest\n"
    broken = plant(tmp_path, "ci.yml", text + "    steps:\n      - run: make\n")
    code, output = make("lint-ci", f"WORKFLOWS={broken}")
    assert code != 0
    assert '"build" which does not exist' in output


def test_security_fast_fails_when_there_is_nothing_to_check(tmp_path: Path) -> None:
    # bandit and semgrep exit 0 on a missing or empty path; the gate must not.
    code, output = make("security-fast", f"SCAN_PATHS={tmp_path / 'missing'}")
    assert code != 0
    assert "nothing was checked" in output
