#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a named PostgreSQL database or a SQLite
# file, then check that every table has the row count of the backup and that the migration
# head is the backup's.
set -euo pipefail
# shellcheck source=scripts/lib/database.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/database.sh"

TARGET_URL=""
TARGET_FILE=""
REPLACE=false
PASSPHRASE_FILE="${BACKUP_PASSPHRASE_FILE:-}"
BACKUP=""

usage() {
  cat <<'USAGE'
Usage: scripts/restore.sh BACKUP_DIR (--target-url URL | --target-file FILE)
                          [--replace] [--passphrase-file FILE]

Restores a backup directory written by scripts/backup.sh (checksums are checked first):
  PostgreSQL dump  into the database named in --target-url (created when missing)
  SQLite copy      to --target-file
then verifies the row count of every table and the Alembic revision against the backup's
manifest, and says whether the code here expects a newer revision (run `hotel-agent migrate`).

  --target-url URL        postgresql://user@host:5432/NAME (the NAME database is restored)
  --target-file FILE      the SQLite file to write (DATA_DIR/hotel_agent.db for the agent)
  --replace               drop the target database (or file) first when it holds data;
                          without it a non-empty target is refused
  --passphrase-file FILE  for encrypted backups (default: BACKUP_PASSPHRASE_FILE)
  -h, --help              this help

Exits non-zero when a checksum, the restore or a verification fails.
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --target-url) TARGET_URL="$2"; shift 2 ;;
    --target-file) TARGET_FILE="$2"; shift 2 ;;
    --replace) REPLACE=true; shift ;;
    --passphrase-file) PASSPHRASE_FILE="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$BACKUP" ] || die "one backup directory at a time"; BACKUP="$1"; shift ;;
  esac
done
[ -n "$BACKUP" ] || { usage >&2; exit 2; }
[ -f "$BACKUP/manifest" ] || die "$BACKUP is not a backup directory (no manifest)"

manifest() { sed -n "s/^$1=//p" "$BACKUP/manifest" | head -n1; }
format="$(manifest format)"
dump="$(manifest dump)"

log "checking checksums"
(cd "$BACKUP" && sha256sum --quiet -c SHA256SUMS) || die "checksum mismatch in $BACKUP"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source_file="$BACKUP/$dump"
if [[ "$dump" == *.enc ]]; then
  [ -n "$PASSPHRASE_FILE" ] || die "the backup is encrypted: give --passphrase-file"
  source_file="$work/${dump%.enc}"
  openssl enc -d -aes-256-cbc -pbkdf2 -iter 200000 -pass "file:$PASSPHRASE_FILE" \
    -in "$BACKUP/$dump" -out "$source_file" || die "cannot decrypt $dump (wrong passphrase?)"
  expected="$(manifest plain_sha256)"
  # Backups written before plain_sha256 existed rely on openssl's padding check alone.
  if [ -n "$expected" ] && [ "$(sha256sum "$source_file" | cut -d' ' -f1)" != "$expected" ]; then
    die "cannot decrypt $dump (wrong passphrase?): the decrypted dump does not match its checksum"
  fi
fi

restore_postgres() {
  local url admin name tables
  [ -n "$TARGET_URL" ] || die "a PostgreSQL backup needs --target-url"
  is_postgres_url "$TARGET_URL" || die "--target-url must be a PostgreSQL URL"
  url="$(libpq_url "$TARGET_URL")"
  admin="$(maintenance_url "$url")"
  name="$(database_name "$url")"
  [[ "$name" =~ ^[A-Za-z0-9_-]+$ ]] || die "unexpected database name: $name"
  if [ "$(psql -X -At -d "$admin" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" = 1 ]; then
    tables="$(psql -X -At -d "$url" -c \
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")"
    if [ "$tables" != 0 ]; then
      $REPLACE || die "database $name holds $tables tables: use --replace to overwrite it"
      log "dropping database $name"
      psql -X -q -v ON_ERROR_STOP=1 -d "$admin" -c "DROP DATABASE \"$name\" WITH (FORCE)"
      psql -X -q -v ON_ERROR_STOP=1 -d "$admin" -c "CREATE DATABASE \"$name\""
    fi
  else
    log "creating database $name"
    psql -X -q -v ON_ERROR_STOP=1 -d "$admin" -c "CREATE DATABASE \"$name\""
  fi
  log "restoring into $name"
  pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    -d "$url" "$source_file"
  pg_inventory "$url" >"$work/restored"
}

restore_sqlite() {
  [ -n "$TARGET_FILE" ] || die "a SQLite backup needs --target-file"
  if [ -e "$TARGET_FILE" ]; then
    $REPLACE || die "$TARGET_FILE exists: use --replace to overwrite it"
  fi
  mkdir -p "$(dirname "$TARGET_FILE")"
  python3 - "$source_file" <<'PY' || die "the SQLite copy fails its integrity check"
import sqlite3, sys
ok = sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
sys.exit(0 if ok else 1)
PY
  # Written beside the target and renamed: the agent never sees half a file. Its -wal and
  # -shm files belong to the old database.
  cp "$source_file" "$TARGET_FILE.restoring"
  rm -f "$TARGET_FILE-wal" "$TARGET_FILE-shm"
  mv "$TARGET_FILE.restoring" "$TARGET_FILE"
  sqlite_inventory "$TARGET_FILE" >"$work/restored"
}

case "$format" in
  postgres) restore_postgres ;;
  sqlite) restore_sqlite ;;
  *) die "unknown backup format: $format" ;;
esac

grep -E '^(rows\.|alembic_head=)' "$BACKUP/manifest" | sort >"$work/expected"
sort -o "$work/restored" "$work/restored"
if ! diff -u "$work/expected" "$work/restored" >"$work/diff"; then
  cat "$work/diff" >&2
  die "the restored database differs from the backup's manifest (above: - backup, + restored)"
fi
tables="$(grep -c '^rows\.' "$work/expected" || true)"
rows="$(awk -F= '/^rows\./ { total += $2 } END { print total + 0 }' "$work/expected")"
head_rev="$(manifest alembic_head)"
log "verified: $tables tables, $rows rows, migration head ${head_rev:-none}, as in the backup"
expected_head="$(code_head)"
if [ -n "$expected_head" ] && [ "$expected_head" != "$head_rev" ]; then
  log "note: this code's migration head is $expected_head: run \`hotel-agent migrate\` before starting it"
fi
