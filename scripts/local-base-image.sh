#!/usr/bin/env bash
# Build a local stand-in for the official python:3.11-slim image: Debian bookworm (minbase)
# plus Debian's Python 3.11, imported into Docker. For machines that cannot pull from a
# registry; pass the result to the Dockerfile as BASE_IMAGE.
set -euo pipefail

TAG="hotel-agent-base:3.11-bookworm"
SUITE="bookworm"
MIRROR="http://deb.debian.org/debian"
WORKDIR=""
# CAs the host trusts beyond Debian's (e.g. a TLS-inspecting egress proxy): builds on this
# host then reach PyPI through it. Empty to leave them out.
EXTRA_CA_DIR="/usr/local/share/ca-certificates"

usage() {
  cat <<'USAGE'
Usage: scripts/local-base-image.sh [--tag NAME] [--suite SUITE] [--mirror URL] [--workdir DIR]
                                   [--extra-ca-dir DIR]

Builds a Docker base image with Python 3.11 from Debian packages (debootstrap, then
`docker import`), for hosts that cannot pull python:3.11-slim from a registry.

  --tag NAME     image name (default: hotel-agent-base:3.11-bookworm)
  --suite SUITE  Debian suite (default: bookworm, whose python3 is 3.11)
  --mirror URL   Debian mirror (default: http://deb.debian.org/debian)
  --workdir DIR  where the root file system is assembled (default: a temporary directory,
                 removed at the end)
  --extra-ca-dir DIR
                 *.crt files added to the image's trust store, so that pip and uv reach
                 PyPI through the same TLS proxy as this host (default:
                 /usr/local/share/ca-certificates; "" for none)
  -h, --help     this help

Needs root, debootstrap and a running Docker daemon. Then:
  docker build --build-arg BASE_IMAGE=hotel-agent-base:3.11-bookworm -t hotel-agent .
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --tag) TAG="$2"; shift 2 ;;
    --suite) SUITE="$2"; shift 2 ;;
    --mirror) MIRROR="$2"; shift 2 ;;
    --workdir) WORKDIR="$2"; shift 2 ;;
    --extra-ca-dir) EXTRA_CA_DIR="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then
  echo "error: debootstrap needs root" >&2
  exit 1
fi
for tool in debootstrap docker; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 1; }
done

cleanup_workdir=false
if [ -z "$WORKDIR" ]; then
  WORKDIR="$(mktemp -d /tmp/hotel-agent-rootfs.XXXXXX)"
  cleanup_workdir=true
fi
cleanup() {
  if [ "$cleanup_workdir" = true ]; then rm -rf "$WORKDIR"; fi
}
trap cleanup EXIT

# python3.11-venv brings ensurepip, as the official image has it (the Dockerfile's build stage
# makes a virtualenv for uv); debootstrap does not resolve its dependencies, hence the
# distutils and wheel packages. tzdata and ca-certificates are in the official image too.
debootstrap --variant=minbase \
  --include=python3.11,python3.11-venv,python3-distutils,python3-pip-whl,python3-setuptools-whl,ca-certificates,tzdata \
  "$SUITE" "$WORKDIR" "$MIRROR"

if [ -n "$EXTRA_CA_DIR" ] && compgen -G "$EXTRA_CA_DIR/*.crt" >/dev/null; then
  cp "$EXTRA_CA_DIR"/*.crt "$WORKDIR/usr/local/share/ca-certificates/"
  chroot "$WORKDIR" update-ca-certificates
fi

# What the slim image leaves out as well: package lists and caches, docs, man pages, locales.
chroot "$WORKDIR" ln -sf /usr/bin/python3.11 /usr/local/bin/python3
chroot "$WORKDIR" ln -sf /usr/bin/python3.11 /usr/local/bin/python
rm -rf "$WORKDIR"/var/lib/apt/lists/* "$WORKDIR"/var/cache/apt/*.bin \
  "$WORKDIR"/var/cache/apt/archives/*.deb "$WORKDIR"/usr/share/doc/* \
  "$WORKDIR"/usr/share/man/* "$WORKDIR"/usr/share/info/* "$WORKDIR"/var/log/*.log
find "$WORKDIR"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' \
  -exec rm -rf {} +

# mktemp made the directory 0700: as the image's "/", it would lock out non-root users.
chmod 755 "$WORKDIR"
tar --numeric-owner -C "$WORKDIR" -c . | docker import \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["python3"]' \
  --message "debootstrap $SUITE minbase + python3.11 (scripts/local-base-image.sh)" \
  - "$TAG"

docker run --rm --network none --user 65534:65534 "$TAG" python3 -c \
  'import sys, ssl, venv, zoneinfo; assert sys.version_info[:2] == (3, 11); zoneinfo.ZoneInfo("Europe/Madrid"); print("base image ok:", sys.version.split()[0])'
docker image ls "$TAG"
