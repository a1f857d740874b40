"""scripts/deploy.sh with the real Docker daemon and docker-compose: a good release deploys,
and a release that never becomes healthy is rolled back to the previous one.

Needs a running dockerd, docker-compose and a built image (HOTEL_AGENT_TEST_IMAGE, default
hotel-agent:dev: `make build-production IMAGE=hotel-agent:dev`); skipped, saying which is
missing, without them. Takes minutes (containers start for real).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[3] / "scripts"
STACK = Path(__file__).resolve().parent / "deploy_stack" / "docker-compose.yml"
IMAGE = os.environ.get("HOTEL_AGENT_TEST_IMAGE", "hotel-agent:dev")


def docker(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", *args], input=stdin, capture_output=True, text=True, timeout=600, check=False
    )


def missing_requirement() -> str | None:
    if shutil.which("docker") is None or docker("info").returncode != 0:
        return "no Docker daemon"
    if shutil.which("docker-compose") is None and docker("compose", "version").returncode != 0:
        return "no docker compose"
    if docker("image", "inspect", IMAGE).returncode != 0:
        return f"no image {IMAGE} (make build-production IMAGE={IMAGE})"
    return None


pytestmark = pytest.mark.skipif(
    missing_requirement() is not None, reason=f"deploy test: {missing_requirement()}"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[Path, int, str]]:
    """A compose project of its own; its containers and volume are removed afterwards."""
    project = f"ha-deploy-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    good = f"hotel-agent-deploy-test:good-{project[-8:]}"
    assert docker("tag", IMAGE, good).returncode == 0
    shutil.copy(STACK, tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text(
        f"COMPOSE_PROJECT_NAME={project}\nIMAGE={good}\nAPI_PORT={port}\n"
    )
    yield tmp_path, port, good
    compose = ["docker-compose"] if shutil.which("docker-compose") else ["docker", "compose"]
    subprocess.run([*compose, "down", "-v"], cwd=tmp_path, capture_output=True, timeout=300)
    docker("rmi", good)


def deploy(stack_dir: Path, port: int, image: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "bash", str(SCRIPTS / "deploy.sh"), "--image", image, "--no-pull",
            "--skip-validation", "--compose-dir", str(stack_dir), "--services", "api",
            "--health-url", f"http://127.0.0.1:{port}/health/ready", "--health-timeout", "90",
        ],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def serving_image(stack_dir: Path) -> str:
    compose = ["docker-compose"] if shutil.which("docker-compose") else ["docker", "compose"]
    container = subprocess.run(
        [*compose, "ps", "-q", "api"], cwd=stack_dir, capture_output=True, text=True, check=True
    ).stdout.strip()
    return docker("inspect", "-f", "{{.Config.Image}}", container).stdout.strip()


def ready(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=5) as answer:
        status: int = answer.status
        return status


@pytest.mark.timeout(1200)  # three container starts and an image build, for real
def test_a_release_that_is_not_healthy_is_rolled_back(stack: tuple[Path, int, str]) -> None:
    stack_dir, port, good = stack
    first = deploy(stack_dir, port, good)
    assert first.returncode == 0, first.stderr
    assert (stack_dir / ".release").read_text().strip() == good

    # The broken release: it starts, but its readiness fails (a PMS that never answers).
    bad = good.replace(":good-", ":bad-")
    broken = docker(
        "build", "-t", bad, "-",
        stdin=f"FROM {good}\nENV CHECK_PMS_IN_READINESS=true PMS_TYPE=qloapps "
        "PMS_BASE_URL=http://127.0.0.1:9/api PMS_API_KEY=ABCDEFGHIJKLMNOPQRSTUVWXYZ012345\n",
    )  # fmt: skip
    assert broken.returncode == 0, broken.stderr
    try:
        second = deploy(stack_dir, port, bad)
    finally:
        docker("rmi", "-f", bad)

    assert second.returncode == 1
    assert f"rolling back to {good}" in second.stderr
    assert "rolled back:" in second.stderr, second.stderr
    assert serving_image(stack_dir) == good
    assert ready(port) == 200
    assert (stack_dir / ".release").read_text().strip() == good, "the good release stays"
