"""docs/security/owasp-api-top10.md covers the ten items and every test it cites exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security" / "owasp-api-top10.md"
CITATION = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _sections() -> dict[str, str]:
    parts = re.split(r"^## (API\d+):", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    }


def test_each_of_the_ten_items_cites_tests() -> None:
    sections = _sections()
    assert sorted(sections, key=lambda item: int(item[3:])) == [f"API{n}" for n in range(1, 11)]
    for item, text in sections.items():
        assert CITATION.search(text), f"{item} names no test"


def test_every_cited_test_exists() -> None:
    missing = [
        f"{path}::{name}"
        for path, name in CITATION.findall(DOC.read_text(encoding="utf-8"))
        if not (ROOT / path).is_file() or name not in _test_names(ROOT / path)
    ]
    assert missing == []
