"""The import contract (.importlinter) holds, and breaks when a forbidden import is added.

`lint-imports` runs on a copy of the source tree, so planting an import never touches the
checkout: the contract must fail for an upward import (the queue importing the dialogue) and
for a package cycle (the PMS importing the bookings ledger that imports it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / ".importlinter")],
        cwd=src.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def source_copy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "hotel_agent", src / "hotel_agent")
    return src


def test_the_tree_keeps_the_contract(source_copy: Path) -> None:
    result = lint_imports(source_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted"),
    [
        ("inbox/worker.py", "import hotel_agent.dialogue.engine"),  # a layer upwards
        ("pms/port.py", "import hotel_agent.bookings.ledger"),  # a cycle with bookings
        ("channels/port.py", "import hotel_agent.ratelimit"),  # siblings are independent
    ],
)
def test_a_forbidden_import_breaks_the_contract(
    source_copy: Path, module: str, planted: str
) -> None:
    path = source_copy / "hotel_agent" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{planted}  # noqa\n", encoding="utf-8")
    result = lint_imports(source_copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
