#!/usr/bin/env bash
# Build local stand-ins for the stack's third-party images (PostgreSQL, Redis, nginx,
# Prometheus, Alertmanager) from Debian packages on the local base image, for hosts that cannot
# pull from a registry. The compose file uses them when .env names them (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE="${BASE_IMAGE:-hotel-agent-base:3.11-bookworm}"
PREFIX="hotel-agent-local"
ALL=(postgres redis nginx prometheus alertmanager)

usage() {
  cat <<'USAGE'
Usage: scripts/local-service-images.sh [--base-image IMAGE] [--prefix NAME] [SERVICE...]

Builds hotel-agent-local/SERVICE:debian images from deploy/local-images/SERVICE.Dockerfile
(Debian bookworm's postgresql-15, redis-server, nginx + curl, prometheus,
prometheus-alertmanager) on the local base image (make base-image). SERVICE: postgres redis
nginx prometheus alertmanager (default: all). Grafana has no Debian package: no stand-in.

  --base-image IMAGE  FROM image (default: BASE_IMAGE or hotel-agent-base:3.11-bookworm)
  --prefix NAME       repository prefix of the tags (default: hotel-agent-local)
  -h, --help          this help

Then, in deploy/compose/.env, the lines this script prints (the compose file's *_IMAGE
variables; without them it runs the official images). These are for trying the stack on a
machine without registry access, not for production.
USAGE
}

services=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base-image) BASE_IMAGE="$2"; shift 2 ;;
    --prefix) PREFIX="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    *) services+=("$1"); shift ;;
  esac
done
[ "${#services[@]}" -gt 0 ] || services=("${ALL[@]}")

lines=()
for service in "${services[@]}"; do
  dockerfile="deploy/local-images/$service.Dockerfile"
  [ -f "$dockerfile" ] || { echo "no stand-in for $service (choose from: ${ALL[*]})" >&2; exit 2; }
  tag="$PREFIX/$service:debian"
  docker build --network host --build-arg BASE_IMAGE="$BASE_IMAGE" -f "$dockerfile" \
    -t "$tag" deploy/local-images >&2
  lines+=("$(echo "$service" | tr '[:lower:]' '[:upper:]')_IMAGE=$tag")
done
printf '%s\n' "${lines[@]}"
