#!/usr/bin/env bash
# Back up the agent's database: PostgreSQL with pg_dump (custom format), or the SQLite file of
# an embedded install. Writes one directory per backup with the dump, a manifest (row counts
# per table and the migration head, taken in the dump's own snapshot) and SHA256SUMS.
set -euo pipefail
# shellcheck source=scripts/lib/database.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/database.sh"

OUTPUT_DIR="${BACKUP_DIR:-backups}"
KEEP="${BACKUP_KEEP:-14}"
PASSPHRASE_FILE="${BACKUP_PASSPHRASE_FILE:-}"
URL="$(app_database_url)"

usage() {
  cat <<'USAGE'
Usage: scripts/backup.sh [--database-url URL] [--output-dir DIR] [--keep N]
                         [--passphrase-file FILE]

Backs up the agent's database into DIR/hotel-agent-<UTC time>/:
  database.pgdump    pg_dump custom format (PostgreSQL), or
  database.sqlite3   a consistent copy of the SQLite file (embedded installs)
  manifest           row counts per table and the Alembic revision, of the same snapshot
  SHA256SUMS         checksums of the above (sha256sum -c SHA256SUMS)
With a passphrase file the dump is encrypted (AES-256, openssl, key derived with PBKDF2) and
named *.enc. Only the N newest backups in DIR are kept.

  --database-url URL      default: DATABASE_URL / POSTGRES_URL; empty means the SQLite file
                          DATA_DIR/hotel_agent.db
  --output-dir DIR        default: BACKUP_DIR or ./backups
  --keep N                backups to keep, 0 = all (default: BACKUP_KEEP or 14)
  --passphrase-file FILE  encrypt with the passphrase in FILE (default: BACKUP_PASSPHRASE_FILE)
  -h, --help              this help

Prints the backup directory on stdout. Restore with scripts/restore.sh.
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --database-url) URL="$2"; shift 2 ;;
    --output-dir) OUTPUT_DIR="$2"; shift 2 ;;
    --keep) KEEP="$2"; shift 2 ;;
    --passphrase-file) PASSPHRASE_FILE="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$KEEP" =~ ^[0-9]+$ ]] || die "--keep must be a number"
if [ -n "$PASSPHRASE_FILE" ] && [ ! -r "$PASSPHRASE_FILE" ]; then
  die "cannot read the passphrase file $PASSPHRASE_FILE"
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUTPUT_DIR"
target="$OUTPUT_DIR/hotel-agent-$stamp"
[ -e "$target" ] && die "$target exists already"
partial="$target.partial"
rm -rf "$partial"
mkdir -m 700 "$partial"
trap 'rm -rf "$partial"' EXIT

backup_postgres() {
  local url inventory snapshot line
  url="$(libpq_url "$URL")"
  command -v pg_dump >/dev/null || die "pg_dump is not installed (Debian: postgresql-client)"
  # One read-only transaction exports its snapshot: pg_dump dumps exactly what the counts saw.
  coproc PSQL { psql -X -q -At -v ON_ERROR_STOP=1 -d "$url" 2>&1; }
  printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;" \
    "SELECT pg_export_snapshot();" >&"${PSQL[1]}"
  IFS= read -r -t 30 snapshot <&"${PSQL[0]}" || die "no snapshot from PostgreSQL"
  [[ "$snapshot" =~ ^[0-9A-F-]+$ ]] || die "PostgreSQL: $snapshot"
  printf '%s\n' "$PG_INVENTORY_SQL" "SELECT '__end__';" >&"${PSQL[1]}"
  inventory=""
  while IFS= read -r -t 60 line <&"${PSQL[0]}"; do
    [ "$line" = "__end__" ] && break
    [[ "$line" == *=* ]] || die "PostgreSQL: $line"
    inventory+="$line"$'\n'
  done
  pg_dump --format=custom --no-owner --no-privileges --snapshot="$snapshot" \
    --file="$partial/database.pgdump" -d "$url"
  printf '%s\n' "COMMIT;" "\\q" >&"${PSQL[1]}"
  wait "$PSQL_PID" 2>/dev/null || true
  {
    echo "format=postgres"
    echo "database=$(database_name "$url")"
    echo "server_version=$(psql -X -At -d "$url" -c 'SHOW server_version' | cut -d' ' -f1)"
    printf '%s' "$inventory"
  } >>"$partial/manifest"
  echo "database.pgdump"
}

backup_sqlite() {
  local file
  file="$(sqlite_path "$URL")"
  [ -f "$file" ] || die "no SQLite database at $file"
  # The backup API copies a consistent state even while the agent writes.
  python3 - "$file" "$partial/database.sqlite3" <<'PY'
import sqlite3, sys
source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
target = sqlite3.connect(sys.argv[2])
source.backup(target)
# One self-contained file (no -wal/-shm beside it), whatever mode the agent runs in.
target.execute("PRAGMA journal_mode=DELETE")
target.close()
PY
  { echo "format=sqlite"; sqlite_inventory "$partial/database.sqlite3"; } >>"$partial/manifest"
  echo "database.sqlite3"
}

echo "created=$stamp" >"$partial/manifest"
if is_postgres_url "$URL"; then
  log "backing up PostgreSQL database $(database_name "$URL")"
  dump="$(backup_postgres)"
else
  log "backing up SQLite file $(sqlite_path "$URL")"
  dump="$(backup_sqlite)"
fi

if [ -n "$PASSPHRASE_FILE" ]; then
  # CBC padding lets about one wrong passphrase in 256 "decrypt" to garbage without an error;
  # the plaintext's checksum lets restore.sh tell a wrong passphrase from a good one every time.
  echo "plain_sha256=$(sha256sum "$partial/$dump" | cut -d' ' -f1)" >>"$partial/manifest"
  openssl enc -aes-256-cbc -salt -pbkdf2 -iter 200000 -pass "file:$PASSPHRASE_FILE" \
    -in "$partial/$dump" -out "$partial/$dump.enc"
  rm -f "$partial/$dump"
  dump="$dump.enc"
  echo "encrypted=aes-256-cbc-pbkdf2" >>"$partial/manifest"
fi
echo "dump=$dump" >>"$partial/manifest"
(cd "$partial" && sha256sum "$dump" manifest >SHA256SUMS)
chmod 600 "$partial"/*
mv "$partial" "$target"
trap - EXIT
log "backup written: $target ($(du -sh "$target" | cut -f1))"

if [ "$KEEP" -gt 0 ]; then
  # Names sort by time; only complete backups (no .partial) are counted and pruned.
  mapfile -t old < <(find "$OUTPUT_DIR" -mindepth 1 -maxdepth 1 -type d -name 'hotel-agent-*Z' \
    | sort -r | tail -n +"$((KEEP + 1))")
  for dir in "${old[@]}"; do
    log "retention: removing $dir"
    rm -rf "$dir"
  done
fi
echo "$target"
