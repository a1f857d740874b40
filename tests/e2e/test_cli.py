"""The `hotel-agent` command as an operator runs it: real processes, real files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from tests.support import seed_nlu_cache

from hotel_agent import __version__


def run_cli(*args: str, env: dict[str, str], stdin: str = "", timeout: float = 60) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "hotel_agent", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=True,
    )
    return result.stdout


def hotel_agent(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command as an operator runs it, exit status and all; in `cwd`, so that no
    developer's `.env` is read."""
    return subprocess.run(
        [sys.executable, "-m", "hotel_agent", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


# Settings of the developer's shell that would change what a fresh install does.
_FOREIGN_ENV = ("WHATSAPP_", "DATABASE_", "DB_", "POSTGRES_", "REDIS_", "PMS_", "HOTEL_", "STAFF_")


def fresh_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_ENV)}
    env.update(DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="WARNING")
    return env


def test_version(tmp_path: Path) -> None:
    assert run_cli("--version", env=fresh_env(tmp_path)).strip() == f"hotel-agent {__version__}"


def test_the_installed_entry_point_is_the_documented_command(tmp_path: Path) -> None:
    # `make install` installs it in .venv/bin beside this interpreter: `uv run hotel-agent`.
    entry_point = Path(sys.executable).parent / "hotel-agent"
    done = subprocess.run(
        [str(entry_point), "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    for command in ("serve", "worker", "doctor", "guest", "retention", "staff", "pms"):
        assert f"    {command}" in done.stdout


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    output = run_cli("migrate", env=fresh_env(tmp_path))
    assert "database at revision head" in output
    assert (tmp_path / "data" / "hotel_agent.db").exists()


def test_terminal_chat_answers_through_the_pipeline(tmp_path: Path, nlu_model_cache: Path) -> None:
    seed_nlu_cache(nlu_model_cache, tmp_path / "data")
    output = run_cli("chat", env=fresh_env(tmp_path), stdin="Hola\n")
    assert "¡Hola! Soy el asistente virtual de Hotel Mirador del Puerto." in output
    assert "3. Hablar con recepción" in output, "buttons become numbered choices"


def test_serve_starts_on_a_fresh_machine_with_embedded_defaults(
    tmp_path: Path, nlu_model_cache: Path
) -> None:
    # A new DATA_DIR and no settings, but the intent model this run already trained: a first
    # start trains it with the same `load_or_train` (tests/unit/nlu/test_intent_model.py
    # proves a missing cache is trained and written), and training it again here took a
    # minute and more on a loaded machine while proving nothing more about `serve`.
    seed_nlu_cache(nlu_model_cache, tmp_path / "data")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "hotel_agent", "serve", "--port", str(port)],
        env=fresh_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert f"web chat at http://127.0.0.1:{port}/" in banner
        base = f"http://127.0.0.1:{port}"
        # The understanding models load (imports included) before readiness says ready.
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.1)
        answer = httpx.post(
            f"{base}/api/webchat/messages?wait=10",
            json={"session_id": "cli-test-session", "text": "hello"},
            timeout=15,
        )
        assert answer.status_code == 200
        assert answer.json()["replies"][0]["text"].startswith("Hello! I'm the virtual assistant")
    finally:
        process.terminate()
        process.wait(timeout=15)
