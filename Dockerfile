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
ENV UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_NO_CACHE=1 \
    UV_SYSTEM_CERTS=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# binutils only to strip duckling's native extension (~25 MB of symbols); this stage
# is thrown away. Unpinned: Debian's stable suite only takes security fixes.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends binutils \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/uv && /opt/uv/bin/pip install "uv==${UV_VERSION}"

WORKDIR /app
# Dependencies first (a layer that survives source and README edits), then the project,
# non-editable: only the runtime group of uv.lock, never the dev tools.
COPY pyproject.toml uv.lock ./
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-install-project --python python3
COPY README.md ./
COPY src ./src
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-editable --python python3

# The intent model is trained now, into the package (hotel_agent/nlu/bundled, read-only):
# scoring needs numpy alone, so scikit-learn and scipy (~170 MB with their OpenBLAS, only
# ever used to train) leave the image afterwards. A container then never trains, whatever
# volume is mounted on DATA_DIR; `hotel-agent nlu` below proves that it scores without them.
RUN /app/.venv/bin/python -c "from hotel_agent.nlu.intents import bundle; print('bundled', bundle())" \
 && /opt/uv/bin/uv pip uninstall --python /app/.venv/bin/python scikit-learn scipy joblib threadpoolctl narwhals cloudpickle \
 && DATA_DIR=/tmp/check /app/.venv/bin/hotel-agent nlu --lang es "hola, quiero reservar una habitación para el 3 de mayo" >/dev/null \
 && DATA_DIR=/tmp/check /app/.venv/bin/hotel-agent nlu --lang en "a double room for 2 adults, 12.50 EUR" >/dev/null \
 && test ! -e /tmp/check/nlu \
 && rm -rf /tmp/check

# Size (what is left is mostly native code: numpy with its OpenBLAS, duckling):
# - numpy's test suite, C headers and f2py go (nothing builds extensions at run time), and so
#   do its test-only extension modules (_simd, *_tests) and the subpackages the agent never
#   imports and `import numpy` does not load (random, fft, polynomial, ma, testing: ~7 MB);
#   the bytecode step below imports the app and scores with the NLU model after this cut;
# - SQLAlchemy's and Alembic's test harnesses go (only their own test suites load them);
# - debug symbols go, except from numpy's auditwheel-patched libraries, which break when
#   stripped ("ELF load command address/offset not page-aligned");
# - Babel's locale data is kept for the languages the agent speaks (BABEL_LOCALES): others
#   would only name a language in prompts, which falls back to its code;
# - pip goes (nothing installs at run time), and so do type stubs and every package's test
#   suite (scipy's alone is ~20 MB; ~25 MB in all, measured on the locked runtime packages).
ARG BABEL_LOCALES="en es"
RUN site=/app/.venv/lib/python3.11/site-packages \
 && rm -rf "$site"/numpy/tests "$site"/numpy/*/tests "$site"/numpy/_core/include "$site"/numpy/f2py \
        "$site"/numpy/_pyinstaller "$site"/numpy/typing/tests \
        "$site"/numpy/random "$site"/numpy/fft "$site"/numpy/polynomial "$site"/numpy/ma \
        "$site"/numpy/testing "$site"/numpy/_core/_simd.* "$site"/numpy/_core/_*_tests.* \
        "$site"/sqlalchemy/testing "$site"/alembic/testing \
 && find "$site" -name '*.so*' -type f -not -path '*.libs/*' -not -path '*/numpy/*' \
        -exec strip --strip-unneeded {} + \
 && find "$site" -name '*.pyi' -type f -delete \
 && find "$site" -type d \( -name tests -o -name test \) -prune -exec rm -rf {} + \
 && for dat in "$site"/babel/locale-data/*.dat; do \
        name="$(basename "$dat" .dat)"; \
        case " root ${BABEL_LOCALES} " in *" ${name%%_*} "*) ;; *) rm "$dat" ;; esac; \
    done \
 && rm -rf "$site/pip" /app/.venv/bin/pip*

# Bytecode for what a running agent imports (migrations, the server stack, both database
# drivers, the NLU): ~26 MB that save each process ~2.5 s of compiling at every start (a
# read-only root cannot cache it). BYTECODE=false leaves it out: a smaller image that
# starts that much slower. Compiling every module would add far more.
ARG BYTECODE=true
RUN mkdir -p /app/data \
 && DATA_DIR=/tmp/warm /app/.venv/bin/hotel-agent migrate >/dev/null \
 && DATA_DIR=/tmp/warm /app/.venv/bin/python -c "import hotel_agent.app, hotel_agent.cli, hotel_agent.runtime, uvicorn.main, uvicorn.loops.uvloop, uvicorn.protocols.http.httptools_impl, uvicorn.protocols.http.h11_impl, uvicorn.protocols.websockets.auto, uvicorn.lifespan.on, asyncpg, sqlalchemy.dialects.postgresql.asyncpg, redis.asyncio, limits.aio.storage, openai, babel.dates, babel.numbers; from hotel_agent.app import create_app; from hotel_agent.settings import Settings; create_app(Settings())" \
 && DATA_DIR=/tmp/warm /app/.venv/bin/hotel-agent nlu --lang es "hola" >/dev/null \
 && /app/.venv/bin/python -m compileall -q /app/.venv/lib/python3.11/site-packages/hotel_agent \
 && rm -rf /tmp/warm \
 && if [ "$BYTECODE" != true ]; then find /app/.venv -name __pycache__ -type d -prune -exec rm -rf {} +; fi


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
    DATA_DIR=/app/data \
    PORT=8000

WORKDIR /app
# Code owned by root (the service cannot change it); only DATA_DIR belongs to the service.
COPY --from=build /app/.venv /app/.venv
COPY --from=build --chown=10001:10001 /app/data /app/data
# A named volume here starts as a copy of the image's /app/data, trained model included.
VOLUME ["/app/data"]

USER 10001:10001
EXPOSE 8000
# PORT moves the listener (with --network host several containers share the host's ports).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["sh", "-c", "exec python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:${PORT}/health/live', timeout=4)\""]
CMD ["sh", "-c", "exec hotel-agent serve --host 0.0.0.0 --port \"${PORT}\""]
