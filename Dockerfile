# Agente Hotelero production image.
#   docker build -t hotel-agent .                       (official python:3.11-slim base)
#   docker build --build-arg BASE_IMAGE=hotel-agent-base:3.11-bookworm -t hotel-agent .
#                                                       (local base: scripts/local-base-image.sh)
# Runs as uid 10001 and writes only to DATA_DIR (/app/data: the SQLite file of embedded
# installs and the trained NLU model), so `docker run --read-only` works.
# Kept to the classic builder's syntax (no RUN --mount) so that any Docker can build it.
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
ARG UV_VERSION=0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_NO_CACHE=1 \
    UV_SYSTEM_CERTS=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# binutils only to strip the shipped native extensions (duckling's loses ~25 MB); this stage
# is thrown away. Unpinned: Debian's stable suite only takes security fixes.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends binutils \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/uv && /opt/uv/bin/pip install "uv==${UV_VERSION}"

WORKDIR /app
# Dependencies first (a layer that survives source edits), then the project, non-editable:
# only the runtime group of uv.lock, never the dev tools.
COPY pyproject.toml uv.lock README.md ./
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-install-project --python python3
COPY src ./src
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-editable --python python3

# Test suites of the scientific stack and debug symbols are dead weight at run time.
RUN find /app/.venv -depth -type d -name tests \
        -path '*/site-packages/*' \( -path '*/numpy/*' -o -path '*/scipy/*' -o -path '*/sklearn/*' \) \
        -exec rm -rf {} + \
 && find /app/.venv -name '*.so*' -type f -exec strip --strip-unneeded {} + \
 && rm -rf /app/.venv/lib/python3.11/site-packages/pip /app/.venv/bin/pip*

# Train the intent model now: containers load it from DATA_DIR/nlu in well under a second
# instead of importing scikit-learn and training on their first start. The cache key covers
# the training data and the code, so a stale model can never be loaded.
RUN DATA_DIR=/app/data /app/.venv/bin/hotel-agent nlu --lang es "hola, quiero reservar una habitación" >/dev/null \
 && test -n "$(find /app/data/nlu -name '*.npz')"


FROM ${BASE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG VCS_REF=unknown
ARG BUILD_DATE=unknown
# Where the source lives (e.g. your fork); empty by default rather than a guessed address.
ARG SOURCE_URL=""
LABEL org.opencontainers.image.title="Agente Hotelero" \
      org.opencontainers.image.description="Self-hostable AI receptionist for hotels: WhatsApp, web chat, PMS bookings" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${VCS_REF}" \
      org.opencontainers.image.created="${BUILD_DATE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="${SOURCE_URL}"

# A fixed numeric uid/gid: Kubernetes' runAsNonRoot can check it, and volume owners match.
RUN groupadd --system --gid 10001 hotel \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin hotel

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/app/data

WORKDIR /app
# Code owned by root (the service cannot change it); only DATA_DIR belongs to the service.
COPY --from=build /app/.venv /app/.venv
COPY --from=build --chown=10001:10001 /app/data /app/data
# A named volume here starts as a copy of the image's /app/data, trained model included.
VOLUME ["/app/data"]

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4)"]
CMD ["hotel-agent", "serve", "--host", "0.0.0.0", "--port", "8000"]
