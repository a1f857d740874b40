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
from hotel_agent.conversations.webchat import new_session_id


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
    return _python(cwd, "-m", "hotel_agent", *args, env=env)


def _python(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def hotel_agent_modules(
    cwd: Path, *args: str, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """`hotel_agent(cwd, *args)` run in a process that then lists every module it imported:
    the proof that an operator's command stays clear of the heavy parts (the dialogue engine,
    the NLU). The result's stdout is the command's own."""
    program = (
        "import sys\n"
        "from hotel_agent.cli import main\n"
        f"code = main({list(args)!r})\n"
        "print('\\nMODULES', ' '.join(sorted(sys.modules)))\n"
        "sys.exit(code)\n"
    )
    done = _python(cwd, "-c", program, env=env)
    stdout, _, modules = done.stdout.rpartition("\nMODULES ")
    done.stdout = stdout
    return done, set(modules.split())


# Settings of the developer's shell that would change what a fresh install does.
_FOREIGN_ENV = ("WHATSAPP_", "DATABASE_", "DB_", "POSTGRES_", "REDIS_", "PMS_", "HOTEL_", "STAFF_")


def fresh_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_ENV)}
    env.update(DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="WARNING")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def wait_ready(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not become ready"
        time.sleep(0.1)


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
    port = free_port()
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
        wait_ready(base)
        answer = httpx.post(
            f"{base}/api/webchat/messages?wait=10",
            json={"session_id": new_session_id(), "text": "hello"},
            timeout=15,
        )
        assert answer.status_code == 200
        assert answer.json()["replies"][0]["text"].startswith("Hello! I'm the virtual assistant")
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_serve_workers_is_refused_on_sqlite_with_the_reason(tmp_path: Path) -> None:
    result = hotel_agent(tmp_path, "serve", "--workers", "2", env=fresh_env(tmp_path))
    assert result.returncode == 2
    assert "--workers 2 needs PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_workers_runs_several_api_processes_on_postgresql(
    tmp_path: Path, postgres_url: str
) -> None:
    env = fresh_env(tmp_path) | {"DATABASE_URL": postgres_url, "QUEUE_IN_PROCESS_WORKER": "false"}
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "hotel_agent", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}")
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children]
        # Beside them multiprocessing may start its resource tracker.
        servers = [command for command in commands if b"spawn_main" in command]
        assert len(servers) == 2, "a supervisor and two API processes"
    finally:
        process.terminate()
        process.wait(timeout=30)
