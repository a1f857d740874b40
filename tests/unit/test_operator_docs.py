"""The operator's documentation holds together: every runbook an incident needs exists and is
listed, every production readiness item names a command that exists, the Spanish pages are
there, and no link between the pages is broken."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit.test_readme_commands import code_of

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", ROOT / "DEVELOPERS.md", *sorted(DOCS.rglob("*.md"))]

# The incidents an on-call person meets, and what each runbook must cover.
RUNBOOKS = {
    "pms-down.md": ["circuit breaker"],
    "whatsapp.md": ["expired", "131047", "130429"],
    "database-down.md": [],
    "redis-down.md": [],
    "high-latency.md": [],
    "dead-letters.md": ["hotel-agent staff resend"],
    "backup-restore.md": ["make backup", "make restore"],
    "rollback.md": [],
}
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
_SPAN = re.compile(r"`([^`\n]+)`")


@pytest.mark.parametrize("name", sorted(RUNBOOKS))
def test_each_incident_has_a_runbook_listed_in_the_index(name: str) -> None:
    page = (DOCS / "runbooks" / name).read_text(encoding="utf-8")
    for topic in RUNBOOKS[name]:
        assert topic in page, f"{name} does not cover {topic!r}"
    assert f"]({name})" in (DOCS / "runbooks" / "README.md").read_text(encoding="utf-8")


def readiness_rows() -> list[tuple[str, str]]:
    rows = []
    for line in (DOCS / "production-readiness.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0].isdigit():
            rows.append((cells[0], cells[2]))
    return rows


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-zA-Z0-9_-]+):", makefile, re.M))


def test_every_readiness_item_names_a_command_that_exists() -> None:
    rows = readiness_rows()
    assert len(rows) >= 20
    targets = make_targets()
    for number, verified_by in rows:
        commands = _SPAN.findall(verified_by)
        assert commands, f"item {number} names no command"
        for command in commands:
            for target in re.findall(r"\bmake ([a-z][a-z0-9-]*)", command):
                assert target in targets, f"item {number}: no make target {target!r}"
            for script in re.findall(r"\b(scripts/[\w./-]+)", command):
                assert (ROOT / script).is_file(), f"item {number}: {script} is missing"


def test_the_spanish_pages_are_there_and_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("docs/es/inicio-rapido.md", "docs/es/guia-personal.md"):
        assert (ROOT / page).is_file() and f"]({page})" in readme


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_links_between_the_pages_resolve(page: Path) -> None:
    for target in _LINK.findall(page.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_every_make_target_and_script_the_docs_name_exists() -> None:
    targets = make_targets()
    for page in PAGES:
        text = "\n".join(code_of(page))  # commands, not prose ("make it")
        for target in re.findall(r"(?<![\w-])make ([a-z][a-z0-9-]*)", text):
            assert target in targets, f"{page.name} names `make {target}`, which does not exist"
        for script in re.findall(r"(?<![\w/.])(scripts/[\w-]+\.(?:sh|py))", text):
            assert (ROOT / script).is_file(), f"{page.name} names {script}, which is missing"
