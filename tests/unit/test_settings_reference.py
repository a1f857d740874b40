"""docs/configuration.md is generated from the settings object and must not go stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotel_agent import settings_reference
from hotel_agent.settings import Settings


def test_the_committed_reference_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    status = settings_reference.main(["--check"])
    assert status == 0, capsys.readouterr().err


def test_a_stale_reference_fails_the_check_until_rewritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "configuration.md"
    stale.write_text(settings_reference.render().replace("`PMS_TIMEOUT`", "`PMS_TIMEOUT_OLD`"))
    assert settings_reference.main(["--check", "--output", str(stale)]) == 1
    assert "is stale: run `python -m hotel_agent.settings_reference --write`" in (
        capsys.readouterr().err
    )
    assert settings_reference.main(["--write", "--output", str(stale)]) == 0
    assert settings_reference.main(["--check", "--output", str(stale)]) == 0


def test_every_setting_is_documented_with_a_meaning() -> None:
    rows = [
        line.split(" | ")
        for line in settings_reference.render().splitlines()
        if line.startswith("| `")
    ]
    undocumented = [row[0] for row in rows if not row[2].strip(" |")]
    assert undocumented == []
    groups = [f for f in Settings.model_fields.values() if settings_reference._group(f)]
    expected = sum(len(g.annotation.model_fields) for g in groups if g.annotation) + (
        len(Settings.model_fields) - len(groups)
    )
    assert len(rows) == expected, "one row per setting"
