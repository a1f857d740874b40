#!/usr/bin/env bash
# Offline checks of everything under deploy/ plus the Dockerfile and scripts: the compose file,
# Prometheus config and alert rules (with their unit tests), Alertmanager, the Grafana
# dashboard, the Kubernetes manifests, hadolint, shellcheck. Runs in seconds; no container
# starts. Every check runs; the exit status is non-zero when any fails.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

INSTALL=false
[ "${CI:-}" = true ] && INSTALL=true
VENV_BIN="${VENV_BIN:-.venv/bin}"

usage() {
  cat <<'USAGE'
Usage: scripts/validate-stack.sh [--install]

Validates deploy/ offline: docker-compose config (both profiles, and the external file), promtool check config /
check rules / test rules, amtool check-config, the Grafana dashboard JSON, kubernetes-validate
--strict on deploy/k8s, hadolint on the Dockerfile, shellcheck and ruff on scripts/.

  --install   apt-get install the Debian tools that are missing (prometheus,
              prometheus-alertmanager, docker-compose); the default when CI=true
  -h, --help  this help

hadolint, shellcheck and kubernetes-validate come from the dev dependencies (make install).
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --install) INSTALL=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

need_packages=()
command -v promtool >/dev/null || need_packages+=(prometheus)
command -v amtool >/dev/null || need_packages+=(prometheus-alertmanager)
command -v docker-compose >/dev/null || need_packages+=(docker-compose)
if [ "${#need_packages[@]}" -gt 0 ]; then
  if ! $INSTALL; then
    echo "missing tools; install them with: apt-get install ${need_packages[*]} (or run with --install)" >&2
    exit 1
  fi
  apt-get update -qq
  # The packages' services are not wanted here, only their command-line checkers.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${need_packages[@]}" >/dev/null
fi

failed=()
check() {
  local name="$1"
  shift
  if output="$("$@" 2>&1)"; then
    printf 'ok    %s\n' "$name"
  else
    printf 'FAIL  %s\n%s\n' "$name" "$output"
    failed+=("$name")
  fi
}

compose_config() {
  # docker-compose needs the .env the stack reads: the example stands in for it.
  local work
  work="$(mktemp -d)"
  cp -r deploy "$work/"
  cp deploy/compose/.env.example "$work/deploy/compose/.env"
  # The external file's DATABASE_URL and REDIS_URL are commented out in the example.
  (cd "$work/deploy/compose" && docker-compose config -q && docker-compose --profile pms config -q \
    && DATABASE_URL=postgresql://db/agent REDIS_URL=redis://cache/0 \
      docker-compose -f docker-compose.external.yml config -q)
  local status=$?
  rm -rf "$work"
  return $status
}

kustomization_resources_exist() {
  local missing=0 file
  while IFS= read -r file; do
    [ -f "deploy/k8s/$file" ] || { echo "kustomization.yaml lists missing $file"; missing=1; }
  done < <(sed -n 's/^  - //p' deploy/k8s/kustomization.yaml)
  return $missing
}

check "hadolint Dockerfile" "$VENV_BIN/hadolint" Dockerfile deploy/local-images/*.Dockerfile
check "shellcheck scripts" "$VENV_BIN/shellcheck" -x scripts/*.sh scripts/lib/*.sh .ci/run \
  deploy/local-images/*.sh
check "ruff scripts" "$VENV_BIN/ruff" check scripts
check "ruff format scripts" "$VENV_BIN/ruff" format --check scripts
check "compose config" compose_config
# --syntax-only: the files it names (the metrics token, the rules) exist only in the container;
# the rules are checked on their own below.
check "promtool check config" promtool check config --syntax-only deploy/prometheus/prometheus.yml
check "promtool check rules" promtool check rules deploy/prometheus/alerts.yml
check "promtool test rules" promtool test rules deploy/prometheus/alerts.test.yml
check "amtool check-config" amtool check-config deploy/alertmanager/alertmanager.yml
check "grafana dashboard JSON" python3 -m json.tool deploy/grafana/dashboards/hotel-agent.json
check "kubernetes-validate --strict" "$VENV_BIN/kubernetes-validate" --strict --quiet \
  deploy/k8s/configmap.yaml deploy/k8s/api.yaml deploy/k8s/worker.yaml deploy/k8s/migrate-job.yaml
check "kustomization resources" kustomization_resources_exist

if [ "${#failed[@]}" -gt 0 ]; then
  echo "validate-stack: ${#failed[@]} check(s) failed: ${failed[*]}"
  exit 1
fi
echo "validate-stack: all checks passed"
