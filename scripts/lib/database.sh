# shellcheck shell=bash
# Helpers shared by backup.sh and restore.sh (sourced, not run): where the database is, and
# what is in it (row counts per table, the Alembic revision).

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The URL the app reads (DATABASE_URL, POSTGRES_URL or DB_URL; empty = SQLite under DATA_DIR).
app_database_url() {
  printf '%s' "${DATABASE_URL:-${POSTGRES_URL:-${DB_URL:-}}}"
}

# libpq does not know SQLAlchemy's driver suffix: postgresql+asyncpg:// -> postgresql://
libpq_url() {
  local url="$1"
  url="${url/#postgresql+asyncpg:\/\//postgresql://}"
  url="${url/#postgresql+psycopg2:\/\//postgresql://}"
  url="${url/#postgres:\/\//postgresql://}"
  printf '%s' "$url"
}

is_postgres_url() { [[ "$1" == postgres* ]]; }

# The SQLite file behind a sqlite URL, or DATA_DIR's default file when the URL is empty.
sqlite_path() {
  local url="$1"
  if [ -z "$url" ]; then
    printf '%s/hotel_agent.db' "${DATA_DIR:-data}"
    return
  fi
  # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy reads them.
  url="${url%%\?*}"
  url="${url#sqlite+aiosqlite://}"
  url="${url#sqlite://}"
  printf '%s' "${url#/}"
}

# The URL of the server's maintenance database, for CREATE/DROP DATABASE.
maintenance_url() {
  local url="$1" base query=""
  if [[ "$url" == *\?* ]]; then query="?${url#*\?}"; url="${url%%\?*}"; fi
  base="${url%/*}"
  printf '%s/postgres%s' "$base" "$query"
}

database_name() {
  local url="${1%%\?*}"
  printf '%s' "${url##*/}"
}

# One "table=rows" line per table of the current schema, then "alembic_head=REV".
# Run inside the caller's transaction, so the counts match a dump taken in its snapshot.
# shellcheck disable=SC2016  # $...$ is SQL, not shell
PG_INVENTORY_SQL="
SELECT 'rows.' || table_name || '=' || (xpath('/row/c/text()', query_to_xml(
         format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name),
         false, true, '')))[1]::text
  FROM information_schema.tables
 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
 ORDER BY table_name;
SELECT 'alembic_head=' || coalesce(
         (SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version), '');
"

pg_inventory() {
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$PG_INVENTORY_SQL"
}

# The same inventory for a SQLite file (the standard library's sqlite3: no CLI needed).
sqlite_inventory() {
  python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
tables = [r[0] for r in db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
for table in tables:
    count = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    print(f"rows.{table}={count}")
heads = [r[0] for r in db.execute("SELECT version_num FROM alembic_version ORDER BY 1")] \
    if "alembic_version" in tables else []
print("alembic_head=" + ",".join(heads))
PY
}

# The migration head of the installed code, when hotel_agent is importable (else empty).
code_head() {
  "${HOTEL_AGENT_PYTHON:-python3}" - 2>/dev/null <<'PY' || true
from alembic.script import ScriptDirectory
from hotel_agent.db.migrate import alembic_config
print(",".join(sorted(ScriptDirectory.from_config(alembic_config("")).get_heads())))
PY
}
