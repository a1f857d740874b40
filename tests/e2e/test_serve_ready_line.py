"""What an operator sees when `hotel-agent serve` starts under a process manager (stdout is
not a terminal): JSON log lines, and one line when guests' messages will be answered."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import httpx
from tests.e2e.test_cli import fresh_env
from tests.support import seed_nlu_cache


def test_serve_logs_json_and_one_ready_line_once_it_answers(
    tmp_path: Path, nlu_model_cache: Path
) -> None:
    # The run's trained intent model, as on any start after the first (training is the same
    # `load_or_train`, proven in tests/unit/nlu): the line still waits for the models to load.
    seed_nlu_cache(nlu_model_cache, tmp_path / "data")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**fresh_env(tmp_path), "LOG_LEVEL": "INFO"}
    env.pop("LOG_JSON", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "hotel_agent", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert "web chat at" in process.stdout.readline(), "the banner comes first"
        events = []
        for raw in process.stdout:  # until the models are loaded: bounded by the timeout
            line = json.loads(raw)  # every log line is JSON off a terminal
            events.append(line["event"])
            if line["event"].startswith("ready to answer guests"):
                break
        assert events[-1] == f"ready to answer guests on http://127.0.0.1:{port}/"
        assert line["url"] == f"http://127.0.0.1:{port}/"
        # Ready means ready: readiness agrees the moment the line is out.
        assert httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
