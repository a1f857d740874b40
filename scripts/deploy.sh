#!/usr/bin/env bash
# Deploy a release of the agent on a Docker Compose host: pre-checks, image (pull or build),
# migrations, restart of the app services, health check and smoke test, and an automatic
# rollback to the previous release when the new one does not become healthy.
set -euo pipefail
cd "$(dirname "$0")/.."

COMPOSE_DIR="${COMPOSE_DIR:-deploy/compose}"
SERVICES="${DEPLOY_SERVICES:-api worker}"
HEALTH_URL="${HEALTH_URL:-https://localhost/health/ready}"
SMOKE_URL=""
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-120}"
IMAGE=""
BUILD=false
PULL=true
DRY_RUN=false
VALIDATE=true
SMOKE=true

usage() {
  cat <<'USAGE'
Usage: scripts/deploy.sh --image IMAGE [--build | --no-pull] [--dry-run] [--skip-validation]
                         [--no-smoke] [--health-url URL] [--health-timeout SECONDS]
                         [--compose-dir DIR] [--services "api worker"]

Deploys IMAGE (e.g. hotel-agent:1.2.0) to the compose stack in DIR (default deploy/compose):
  1. pre-checks: docker and compose work, DIR/.env exists
  2. the image: `docker pull` (default), `make build-production` (--build), or as it is
     (--no-pull, an image loaded by hand); then scripts/pre-deployment-validation.sh --compose
     --image IMAGE passes, run in that image (unless --skip-validation)
  3. migrations with the new image (the one-shot `migrate` service)
  4. the services (default "api worker") recreated on the new image; nginx, when it runs,
     reloaded so that it resolves the new api containers
  5. HEALTH_URL answers 200 within --health-timeout, then a web chat greeting gets a reply
     (scripts/webchat_booking.py --greet-only; it books nothing)
  6. on success DIR/.release records IMAGE; on failure the services go back to the previous
     release (DIR/.release, else IMAGE in DIR/.env), are health-checked again, and the script
     exits 1
Migrations are not rolled back: they must stay compatible with the previous release (add
columns first, drop them a release later). --dry-run prints the commands and changes nothing.

  --health-url URL  default: HEALTH_URL or https://localhost/health/ready (self-signed TLS is
                    accepted)
  -h, --help        this help
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --image) IMAGE="$2"; shift 2 ;;
    --build) BUILD=true; shift ;;
    --no-pull) PULL=false; shift ;;
    --dry-run) DRY_RUN=true; shift ;;
    --skip-validation) VALIDATE=false; shift ;;
    --no-smoke) SMOKE=false; shift ;;
    --health-url) HEALTH_URL="$2"; shift 2 ;;
    --health-timeout) HEALTH_TIMEOUT="$2"; shift 2 ;;
    --compose-dir) COMPOSE_DIR="$2"; shift 2 ;;
    --services) SERVICES="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$IMAGE" ] || { usage >&2; exit 2; }
SMOKE_URL="${HEALTH_URL%/health/*}"

log() { printf '%s deploy: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
run() {
  if $DRY_RUN; then
    printf 'would run: %s\n' "$*"
  else
    "$@"
  fi
}
compose() {
  if docker compose version >/dev/null 2>&1; then
    (cd "$COMPOSE_DIR" && IMAGE="$RELEASE" docker compose "$@")
  else
    (cd "$COMPOSE_DIR" && IMAGE="$RELEASE" docker-compose "$@")
  fi
}

healthy() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if curl -fsS --insecure --max-time 5 -o /dev/null "$HEALTH_URL"; then
      return 0
    fi
    sleep 2
  done
  return 1
}

# Recreate SERVICES on RELEASE. nginx resolves `api` only when it loads its configuration, and
# recreated containers may come back on other addresses (seen on a real stack: one upstream
# left pointing at the worker): a reload makes it resolve them again.
recreate() {
  # shellcheck disable=SC2086  # SERVICES is a list of names
  run compose up -d --no-deps --force-recreate $SERVICES || return 1
  case " $SERVICES " in *" api "*) ;; *) return 0 ;; esac
  if $DRY_RUN || [ -n "$(compose ps -q nginx 2>/dev/null)" ]; then
    run compose exec -T nginx nginx -s reload
  fi
}

smoke() {
  $SMOKE || return 0
  # --insecure like the health check: a fresh stack serves a self-signed certificate.
  python3 scripts/webchat_booking.py --greet-only --insecure "$SMOKE_URL" >/dev/null
}

# --- 1. pre-checks
$DRY_RUN || command -v docker >/dev/null || { echo "error: docker is not installed" >&2; exit 1; }
[ -f "$COMPOSE_DIR/.env" ] || { echo "error: $COMPOSE_DIR/.env is missing (copy .env.example)" >&2; exit 1; }
PREVIOUS="$(cat "$COMPOSE_DIR/.release" 2>/dev/null || sed -n 's/^IMAGE=//p' "$COMPOSE_DIR/.env" | tail -n1)"
RELEASE="$IMAGE"
log "deploying $IMAGE (previous release: ${PREVIOUS:-none})"
# --- 2. the image
if $BUILD; then
  run make build-production IMAGE="$IMAGE"
elif $PULL; then
  run docker pull "$IMAGE"
fi
$DRY_RUN || docker image inspect "$IMAGE" >/dev/null || { echo "error: no image $IMAGE" >&2; exit 1; }
# Validated with the image being deployed (its settings checks run in it), once it is here.
if $VALIDATE; then
  run scripts/pre-deployment-validation.sh --compose --image "$IMAGE" --compose-dir "$COMPOSE_DIR"
fi

rollback() {
  local reason="$1"
  log "FAILED: $reason"
  if [ -z "$PREVIOUS" ] || [ "$PREVIOUS" = "$IMAGE" ]; then
    log "no previous release to roll back to"
    exit 1
  fi
  log "rolling back to $PREVIOUS"
  RELEASE="$PREVIOUS"
  recreate
  if $DRY_RUN || healthy; then
    log "rolled back: $PREVIOUS is serving again"
  else
    log "the previous release $PREVIOUS is not healthy either: look at the logs now"
  fi
  exit 1
}

# --- 3. migrations, 4. restart
log "migrating the database with $IMAGE"
if ! run compose run --rm migrate; then
  rollback "migrations failed"
fi
log "recreating: $SERVICES"
recreate || rollback "the services did not start"

# --- 5. health and smoke test
if $DRY_RUN; then
  printf 'would wait for %s, then greet %s\n' "$HEALTH_URL" "$SMOKE_URL"
  exit 0
fi
healthy || rollback "$HEALTH_URL not healthy within ${HEALTH_TIMEOUT}s"
smoke || rollback "the smoke test (a web chat greeting) got no reply"

# --- 6. record the release
echo "$IMAGE" >"$COMPOSE_DIR/.release"
log "deployed $IMAGE"
