#!/usr/bin/env bash
# Before a deploy: are the settings production-ready, the secrets real, the database reachable
# and migrated, Redis up, the PMS credentials good, the WhatsApp token valid, the mail servers,
# the speech-to-text and language model APIs usable where they are configured, the disk roomy
# and the image there? Stops at the first failed check and prints a summary.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

MODE=local
COMPOSE_DIR="deploy/compose"
IMAGE=""
MIN_FREE_MB="${MIN_FREE_MB:-2048}"
DISK_PATH=""
SKIP=()
AGENT="${HOTEL_AGENT_CMD:-hotel-agent}"

usage() {
  cat <<'USAGE'
Usage: scripts/pre-deployment-validation.sh [--compose] [--image IMAGE] [--compose-dir DIR]
                                            [--min-free-mb N] [--disk-path DIR] [--skip CHECK]...

Checks, in order, stopping at the first failure:
  settings   ENVIRONMENT=production and the settings' own validation: secrets present and
             not placeholders, DEBUG off, QloApps credentials when PMS_TYPE=qloapps, not
             SQLite, https to remote services
  disk       at least N MB free (default 2048) where the data lives
  image      (--compose) the image to deploy (--image, else IMAGE in the stack's .env) exists
             locally
  database   reachable and at the migration head of this code
  redis      answers PING (when REDIS_URL is set)
  pms        the PMS answers: credentials, hotel, room types
  whatsapp   the access token and phone number id, asked of WHATSAPP_API_BASE_URL
  smtp       (when SMTP_HOST is set) the mail server accepts the connection and login
  imap       (when IMAP_HOST is set) the e-mail channel's mailbox: login, IMAP_FOLDER selected
  stt        (when STT_BASE_URL is set) the speech-to-text API accepts the key and offers
             STT_MODEL (GET /models: no audio sent)
  llm        (when LLM_BASE_URL is set) the language model API accepts the key and offers
             LLM_MODEL (GET /models: no prompt sent)

  --compose          run the checks in the stack's api service (docker compose run), with its
                     settings and network; default: here, with this environment and .env
  --image IMAGE      (--compose) the image being deployed: checked, and the checks run in it
                     (scripts/deploy.sh passes its --image); default: IMAGE in the stack's .env
  --compose-dir DIR  the stack's directory (default deploy/compose)
  --min-free-mb N    free space required (default: MIN_FREE_MB or 2048)
  --disk-path DIR    where to measure it (default: Docker's root with --compose, else DATA_DIR)
  --skip CHECK       leave a check out (repeatable), e.g. --skip whatsapp for a web-chat-only
                     hotel
  -h, --help         this help

Every check but disk and image is `hotel-agent doctor --production --check NAME`; those after
image run in one doctor process (--fail-fast).
Local mode runs HOTEL_AGENT_CMD (default hotel-agent).
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --compose) MODE=compose; shift ;;
    --image) IMAGE="$2"; shift 2 ;;
    --compose-dir) COMPOSE_DIR="$2"; shift 2 ;;
    --min-free-mb) MIN_FREE_MB="$2"; shift 2 ;;
    --disk-path) DISK_PATH="$2"; shift 2 ;;
    --skip) SKIP+=("$2"); shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# The image to check and to run the checks in: the one being deployed, else the stack's own.
[ -n "$IMAGE" ] || IMAGE="$(sed -n 's/^IMAGE=//p' "$COMPOSE_DIR/.env" 2>/dev/null | tail -n1)"
IMAGE="${IMAGE:-hotel-agent:latest}"
export IMAGE  # docker compose reads it for the api service (the shell's value beats .env's)

compose() {
  if docker compose version >/dev/null 2>&1; then
    (cd "$COMPOSE_DIR" && docker compose "$@")
  else
    (cd "$COMPOSE_DIR" && docker-compose "$@")
  fi
}

# The agent's command, here or in a one-off api container of the stack.
agent_command() {
  if [ "$MODE" = compose ]; then
    compose run --rm -T --no-deps api hotel-agent "$@"
  else
    $AGENT "$@"
  fi
}

check_disk() {
  local path="$DISK_PATH" free_mb
  if [ -z "$path" ]; then
    if [ "$MODE" = compose ]; then
      path="$(docker info -f '{{.DockerRootDir}}' 2>/dev/null || echo /)"
    else
      path="${DATA_DIR:-data}"
      [ -d "$path" ] || path=.
    fi
  fi
  free_mb="$(df -Pm "$path" | awk 'NR == 2 { print $4 }')"
  if [ "${free_mb:-0}" -lt "$MIN_FREE_MB" ]; then
    echo "${free_mb} MB free on $path, below ${MIN_FREE_MB} MB"
    return 1
  fi
  echo "${free_mb} MB free on $path"
}

check_image() {
  local image="$IMAGE"
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    echo "image $image is not on this host (make build-production IMAGE=$image)"
    return 1
  fi
  echo "$image ($(docker image inspect -f '{{.Id}}' "$image" | cut -c8-19))"
}

# doctor prints "STATUS NAME message — fix: …"; the summary keeps the message and the fix.
strip_status() { sed -E 's/^(ok|warn|FAIL|skip) +[a-z-]+ +//'; }

# Its first failure (settings that cannot be read fail before the check asked for), else its
# one line.
doctor_check() {
  local output status
  output="$(agent_command doctor --production --check "$1" 2>&1)"
  status=$?
  { grep -m1 '^FAIL' <<<"$output" || tail -n1 <<<"$output"; } | strip_status
  return "$status"
}

# The checks after disk and image run in ONE doctor process (each start imports the whole
# agent): --fail-fast asks nothing of a service after the first failure, as one process per
# check did.
DOCTOR_OUTPUT=""
doctor_all() {
  local name args=()
  for name in "$@"; do args+=(--check "$name"); done
  DOCTOR_OUTPUT="$(agent_command doctor --production --fail-fast "${args[@]}" 2>&1)"
}

# Check $1's line in that output: it passes when ok, warn or skip and no failure comes before
# it. Else the first failure (settings that cannot be read), else doctor's last line (it did
# not run: docker compose's own error).
doctor_result() {
  local row first_fail
  row="$(grep -n -m1 -E "^(ok|warn|FAIL|skip) +$1( |\$)" <<<"$DOCTOR_OUTPUT")"
  first_fail="$(grep -n -m1 '^FAIL' <<<"$DOCTOR_OUTPUT")"
  if [ -n "$row" ] && { [ -z "$first_fail" ] || [ "${row%%:*}" -le "${first_fail%%:*}" ]; }; then
    strip_status <<<"${row#*:}"
    [[ "${row#*:}" != FAIL* ]]
    return
  fi
  if [ -n "$first_fail" ]; then
    strip_status <<<"${first_fail#*:}"
  else
    tail -n1 <<<"$DOCTOR_OUTPUT" | strip_status
  fi
  return 1
}

checks=(settings disk)
[ "$MODE" = compose ] && checks+=(image)
# A provider that is not configured passes ("not configured"): nothing to check there.
doctor_checks=(database redis pms whatsapp smtp imap stt llm)
checks+=("${doctor_checks[@]}")

results=()
status=0
doctor_ran=no
for name in "${checks[@]}"; do
  if [[ " ${SKIP[*]-} " == *" $name "* ]]; then
    results+=("skip  $name")
    continue
  fi
  if [ "$status" -ne 0 ]; then
    results+=("----  $name (not run)")
    continue
  fi
  case "$name" in
    disk) output="$(check_disk)" ;;
    image) output="$(check_image)" ;;
    settings) output="$(doctor_check production)" ;;
    *)
      if [ "$doctor_ran" = no ]; then
        to_run=()
        for other in "${doctor_checks[@]}"; do
          [[ " ${SKIP[*]-} " == *" $other "* ]] || to_run+=("$other")
        done
        doctor_all "${to_run[@]}"
        doctor_ran=yes
      fi
      output="$(doctor_result "$name")"
      ;;
  esac
  result=$?  # the case's: the assignment's, i.e. the check's (pipefail)
  if [ "$result" -eq 0 ]; then
    results+=("ok    $name: $output")
  else
    results+=("FAIL  $name: $output")
    status=1
  fi
done

echo "pre-deployment validation ($MODE):"
printf '  %s\n' "${results[@]}"
if [ "$status" -ne 0 ]; then
  echo "NOT ready to deploy: fix the failed check and run this again."
  exit 1
fi
echo "ready to deploy."
