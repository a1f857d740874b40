"""Is a SQLite file already at the newest migration? Answered without Alembic.

The commands that create the schema on a fresh SQLite install (`serve`, `chat`, `pms`, `staff`)
ask this first: importing Alembic and scanning its scripts costs a third of a second per run,
for an upgrade that is nearly always a no-op. Any doubt (no file, no version table, a layout of
the migration scripts this does not read, two heads) answers False, and the caller runs the
real upgrade, which decides.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"
_REVISION = re.compile(r'^revision: str = "([^"]+)"$', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision: str \| None = (?:"([^"]+)"|None)$', re.MULTILINE)


def head_revision() -> str | None:
    """The one revision no other migration builds on; None unless every script reads plainly."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in VERSIONS_DIR.glob("*.py"):
        text = script.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(text), _DOWN_REVISION.findall(text)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        if down[0]:
            parents.add(down[0])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def sqlite_at_head(url: str) -> bool:
    """Whether the SQLite database at `url` exists and is at the newest migration."""
    head = head_revision()
    path = make_url(url).database
    if head is None or not path or path == ":memory:" or not Path(path).is_file():
        return False
    try:
        connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return rows == [(head,)]
