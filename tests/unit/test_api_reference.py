"""docs/api/ (openapi.json + README.md) is exported from the app and must not go stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotel_agent import api_reference


def test_the_committed_reference_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    status = api_reference.main(["--check"])
    assert status == 0, capsys.readouterr().err


def test_a_stale_reference_fails_the_check_until_rewritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert api_reference.main(["--write", "--output", str(tmp_path)]) == 0
    spec = tmp_path / "openapi.json"
    spec.write_text(spec.read_text().replace("/api/webchat/messages", "/api/chat"))
    assert api_reference.main(["--check", "--output", str(tmp_path)]) == 1
    assert f"{spec} is stale: run `make api-docs`" in capsys.readouterr().err
    assert api_reference.main(["--write", "--output", str(tmp_path)]) == 0
    assert api_reference.main(["--check", "--output", str(tmp_path)]) == 0


def test_the_page_lists_every_published_operation() -> None:
    document = api_reference.openapi_document()
    page = api_reference.render_markdown(document)
    operations = [
        f"`{method.upper()} {path}`"
        for path, item in document["paths"].items()
        for method in item
        if method in api_reference._METHODS
    ]
    assert len(operations) >= 10
    missing = [operation for operation in operations if operation not in page]
    assert missing == []
    # The exported JSON is the document the app serves, not a copy that could differ.
    assert json.loads(api_reference.render_json(document)) == document
    assert "`session_id` | query | string | yes" in page
