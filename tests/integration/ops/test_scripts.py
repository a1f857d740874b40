"""Every operations script explains itself, refuses unknown arguments, and deploy.sh's dry run
lists its steps without touching anything."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[3] / "scripts"
SHELL_SCRIPTS = sorted(p.name for p in SCRIPTS.glob("*.sh"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", *args], capture_output=True, text=True, timeout=60, check=False, cwd=cwd
    )


def test_the_scripts_are_all_here() -> None:
    assert {
        "backup.sh",
        "restore.sh",
        "deploy.sh",
        "pre-deployment-validation.sh",
        "image-test.sh",
        "local-base-image.sh",
        "validate-stack.sh",
    } <= set(SHELL_SCRIPTS)


@pytest.mark.parametrize("script", SHELL_SCRIPTS)
def test_help_and_unknown_arguments(script: str) -> None:
    helped = run(str(SCRIPTS / script), "--help")
    assert helped.returncode == 0
    assert f"Usage: scripts/{script}" in helped.stdout
    refused = run(str(SCRIPTS / script), "--no-such-option")
    assert refused.returncode == 2
    assert "unknown argument: --no-such-option" in refused.stderr


def test_deploy_dry_run_lists_the_steps_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("IMAGE=hotel-agent:1.0.0\n")
    done = run(
        str(SCRIPTS / "deploy.sh"), "--image", "hotel-agent:1.1.0", "--dry-run",
        "--compose-dir", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "previous release: hotel-agent:1.0.0" in done.stderr
    steps = [line for line in done.stdout.splitlines() if line.startswith("would ")]
    assert steps == [
        "would run: docker pull hotel-agent:1.1.0",
        # The image being deployed, not .env's, is validated (and runs the checks).
        "would run: scripts/pre-deployment-validation.sh --compose --image hotel-agent:1.1.0 "
        f"--compose-dir {tmp_path}",
        "would run: compose run --rm migrate",
        "would run: compose up -d --no-deps --force-recreate api worker",
        "would run: compose exec -T nginx nginx -s reload",  # when nginx runs
        "would wait for https://localhost/health/ready, then greet https://localhost",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"], "no .release written"


def test_validation_checks_the_image_being_deployed(tmp_path: Path) -> None:
    # The stack's .env still names the running release; the deploy passes the new one. A
    # stand-in `docker` knows only the new image (the real one is not needed to read a name).
    (tmp_path / ".env").write_text("IMAGE=hotel-agent:1.0.0\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    docker.write_text(
        '#!/bin/sh\n[ "$1 $2" = "image inspect" ] || exit 1\n'
        'for arg; do last="$arg"; done\n[ "$last" = hotel-agent:1.1.0 ] || exit 1\n'
        "echo sha256:0123456789abcdef0123\n"
    )
    docker.chmod(0o755)
    skip = [arg for name in ("settings", "disk", "database", "redis", "pms", "whatsapp", "smtp",
                             "imap", "stt", "llm")
            for arg in ("--skip", name)]  # fmt: skip
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}

    def validate(*args: str) -> subprocess.CompletedProcess[str]:
        script = str(SCRIPTS / "pre-deployment-validation.sh")
        command = ["bash", script, "--compose", "--compose-dir", str(tmp_path), *skip, *args]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=60, env=env, check=False
        )

    deployed = validate("--image", "hotel-agent:1.1.0")
    assert deployed.returncode == 0, deployed.stdout
    assert "ok    image: hotel-agent:1.1.0 (0123456789ab)" in deployed.stdout
    from_env = validate()
    assert from_env.returncode == 1
    assert "FAIL  image: image hotel-agent:1.0.0 is not on this host" in from_env.stdout
