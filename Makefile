# Agente Hotelero — every target does real work; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
RUN := $(UV) run --frozen
PYTEST := $(RUN) pytest -p no:cacheprovider
COVERAGE_MIN ?= 85
# Parallel test processes (pytest-xdist); most tests wait on databases and subprocesses, so
# more workers than cores pays. TEST_WORKERS=0 runs everything in this one process.
TEST_WORKERS ?= 4
CHROMIUM ?= /usr/bin/chromium

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-20s\033[0m %s\n", $$1, $$2}'

$(UV):
	python3 -m pip install --user --quiet "uv>=0.9"

.venv/.installed: pyproject.toml uv.lock | $(UV)
	# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set (CI, containers) every
	# process would otherwise recompile its dependencies from source — about 1.5 s of CPU for each
	# `hotel-agent` command and for each of the hundreds of processes the tests start.
	$(UV) sync --frozen --compile-bytecode
	@touch $@

.PHONY: install
install: .venv/.installed ## Create .venv with the locked dependencies (uv)

.PHONY: run
run: install ## Run the agent with embedded defaults (SQLite, in-process worker, web chat)
	$(RUN) hotel-agent serve

.PHONY: worker
worker: install ## Run a separate worker process (PostgreSQL deployments)
	$(RUN) hotel-agent worker

.PHONY: migrate
migrate: install ## Apply database migrations to DATABASE_URL
	$(RUN) hotel-agent migrate

.PHONY: chat
chat: install ## Chat with the agent in this terminal
	$(RUN) hotel-agent chat

.PHONY: test
test: install ## All tests (unit, integration, e2e) with coverage, in TEST_WORKERS processes; not the chaos suite
	@# The project's own bytecode too (see install): the tests start hundreds of processes.
	@$(RUN) python -m compileall -q src >/dev/null
	$(PYTEST) -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term --cov-fail-under=$(COVERAGE_MIN) --ignore=tests/chaos tests

.PHONY: test-unit
test-unit: install ## Unit tests only (no I/O)
	$(PYTEST) tests/unit

.PHONY: test-integration
test-integration: install ## Integration tests (real PostgreSQL and Redis)
	$(PYTEST) tests/integration

.PHONY: test-e2e
test-e2e: install ## End-to-end tests over HTTP and in headless Chromium
	$(PYTEST) tests/e2e

.PHONY: test-qloapps-live
test-qloapps-live: install ## PMS contract suite + a web chat journey on a real QloApps (QLOAPPS_TEST_URL, QLOAPPS_TEST_KEY)
	$(PYTEST) -rs -k qloapps_live tests/contract/pms tests/live

.PHONY: test-circuit-breakers
test-circuit-breakers: install ## Circuit breaker and resilience tests
	$(PYTEST) -m circuit_breaker tests

.PHONY: chaos-test
chaos-test: install ## Chaos: real serve/worker processes, faults injected by a TCP proxy (minutes)
	$(PYTEST) tests/chaos

.PHONY: chaos-db
chaos-db: install ## Chaos tests of the database path only (marker chaos_db)
	$(PYTEST) -m chaos_db tests/chaos

.PHONY: coverage
coverage: install ## Tests with an HTML coverage report in htmlcov/
	$(PYTEST) --cov --cov-report=term --cov-report=html --ignore=tests/chaos tests
	@echo "open htmlcov/index.html"

.PHONY: lint
lint: install ## ruff (lint + format check), mypy and the import contract (.importlinter)
	$(RUN) ruff check src tests bench
	$(RUN) ruff format --check src tests bench
	$(RUN) mypy
	$(RUN) lint-imports --no-cache

.PHONY: fmt
fmt: install ## Format and autofix
	$(RUN) ruff format src tests bench
	$(RUN) ruff check --fix src tests bench

.PHONY: api-docs
api-docs: install ## Export the OpenAPI document and its Markdown reference into docs/api/
	$(RUN) python -m hotel_agent.api_reference --write

.PHONY: eval-nlu
eval-nlu: install ## NLU accuracy: held-out test set beside public corpora present locally (DEVELOPERS.md)
	$(RUN) python -m hotel_agent.nlu.evaluate

.PHONY: bench
bench: install ## Benchmarks: print JSON figures (webhook throughput, latency, memory)
	$(RUN) python bench/run_all.py

.PHONY: performance-test
performance-test: bench ## The benchmark suite (same as make bench); the SLOs are judged by slo-report

# ---- Load, stress, soak: locust guests booking (bench/load/); reports in bench/results/ ----
# TARGET=https://staging.example.com loads a running agent; without it a local stack is
# started (DATABASE=sqlite|postgresql). LOAD_ARGS passes more options (see bench/load/run.py -h).
DATABASE ?= sqlite
LOAD = $(RUN) python bench/load/run.py $(if $(TARGET),--target $(TARGET),--database $(DATABASE))

.PHONY: load-test
load-test: install ## Locust: web chat + WhatsApp guests booking, 40 at once for 60 s; JSON + Markdown report
	$(LOAD) load $(LOAD_ARGS)

.PHONY: stress-test
stress-test: install ## Locust: +10 guests every 30 s until errors > 1 % or a p95 > 300 ms; reports the knee
	$(LOAD) stress $(LOAD_ARGS)

.PHONY: soak-test
soak-test: install ## Locust: 20 guests for 10 minutes; RSS, sockets, DB connections, queue depth flat?
	$(LOAD) soak $(LOAD_ARGS)

.PHONY: slo-report
slo-report: install ## The newest load and stress runs against the SLOs and the run before (fails on a breach or a missing run)
	$(RUN) python bench/load/slo.py --json bench/results/slo-report.json

.PHONY: browser
browser: ## Install Debian's Chromium for the browser tests (needs root)
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# ---- Gates (DEVELOPERS.md "Gates"): each one fails on a finding and when it cannot check ----
SEMGREP := $(UV) run --frozen --project tools/semgrep semgrep
SCAN_PATHS ?= src
SECRET_SCAN_FILES ?= $(filter-out .secrets.baseline,$(shell git ls-files))
AUDIT_PROJECT ?= .
AUDIT_DIR ?= build/security-deps
OWASP_MAX_EXAMPLES ?= 100
OWASP_TARGET_URL ?=
OWASP_TOKEN ?=
COMPLIANCE_ARGS ?=
WORKFLOWS ?= $(wildcard .github/workflows/*.yml)

.PHONY: security-fast
security-fast: install ## bandit (medium/high fail) + semgrep with the repo's rules (.semgrep/), offline
	@# bandit and semgrep both pass silently on a missing or empty path: refuse that instead.
	@for path in $(SCAN_PATHS); do \
		test -n "$$(find "$$path" -name '*.py' -print -quit 2>/dev/null)" || \
		{ echo "security-fast: no Python files under $$path, nothing was checked" >&2; exit 1; }; \
	done
	$(RUN) bandit -q -c pyproject.toml -r $(SCAN_PATHS) -ll
	$(SEMGREP) --metrics=off --disable-version-check --config .semgrep/ --error --quiet $(SCAN_PATHS)
	@# The rules' own tests (.semgrep/*.py); semgrep --test skips hidden directories, hence a copy.
	@tmp=$$(mktemp -d) && cp .semgrep/* "$$tmp" && \
		$(SEMGREP) --metrics=off --disable-version-check --test --quiet "$$tmp"; \
		rc=$$?; rm -rf "$$tmp"; exit $$rc

.PHONY: secret-scan
secret-scan: install ## detect-secrets on every tracked file against the reviewed .secrets.baseline
	@test -n "$(SECRET_SCAN_FILES)" || { echo "secret-scan: no files to scan" >&2; exit 1; }
	@# Against a copy: the hook rewrites a baseline whose line numbers moved (exit 3, no new
	@# secret: a pass) and refuses an unstaged one; the gate leaves the reviewed file alone.
	@tmp=$$(mktemp -d) && cp .secrets.baseline "$$tmp/baseline" && \
		$(RUN) detect-secrets-hook --baseline "$$tmp/baseline" $(SECRET_SCAN_FILES); rc=$$?; \
		rm -rf "$$tmp"; if [ $$rc -eq 3 ]; then rc=0; fi; \
		[ $$rc -eq 0 ] && echo "secret-scan: no secret outside .secrets.baseline"; exit $$rc

.PHONY: security-deps
security-deps: install ## pip-audit on the locked dependencies; an unreachable vulnerability source fails
	@mkdir -p $(AUDIT_DIR)
	$(UV) export --frozen --no-hashes --no-emit-project --all-groups --quiet \
		--project $(AUDIT_PROJECT) -o $(AUDIT_DIR)/requirements.txt
	@test -s $(AUDIT_DIR)/requirements.txt || { echo "security-deps: empty export" >&2; exit 1; }
	$(RUN) pip-audit --strict --no-deps --disable-pip --progress-spinner off \
		-r $(AUDIT_DIR)/requirements.txt

.PHONY: owasp-scan
owasp-scan: install ## schemathesis on the OpenAPI (in-process on SQLite+PostgreSQL, or OWASP_TARGET_URL)
	@test -s docs/security/owasp-api-top10.md
	@if [ -n "$(OWASP_TARGET_URL)" ]; then \
		set -x; $(RUN) schemathesis run "$(OWASP_TARGET_URL)/openapi.json" --checks all \
			--max-examples $(OWASP_MAX_EXAMPLES) --generation-deterministic \
			$(if $(OWASP_TOKEN),-H "Authorization: Bearer $(OWASP_TOKEN)"); \
	else \
		set -x; CI=true FUZZ_MAX_EXAMPLES=$(OWASP_MAX_EXAMPLES) $(PYTEST) -q \
			tests/integration/test_openapi_fuzz.py tests/unit/test_owasp_doc.py; \
	fi

.PHONY: compliance-report
compliance-report: install ## Run every gate; write build/compliance/report.{md,json} (pass / fail / not run)
	$(RUN) python scripts/compliance_report.py --out build/compliance $(COMPLIANCE_ARGS)

.PHONY: lint-ci
lint-ci: install ## Workflows: actionlint (+ shellcheck on run: steps), JSON schemas, yamllint (scripts/: validate-stack)
	$(RUN) actionlint -pyflakes= $(WORKFLOWS)
	$(RUN) check-jsonschema --builtin-schema vendor.github-workflows $(WORKFLOWS)
	$(RUN) check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(RUN) yamllint --strict $(WORKFLOWS) .github/dependabot.yml .pre-commit-config.yaml .semgrep .yamllint.yml

# ---------------------------------------------------------------- deployment (docs/deployment.md)
IMAGE ?= hotel-agent:latest
# The official image by default; hosts that cannot pull it: `make base-image` then
# BASE_IMAGE=hotel-agent-base:3.11-bookworm.
BASE_IMAGE ?= python:3.11-slim-bookworm
COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
COMPOSE_DIR := deploy/compose
BASE_URL ?= https://localhost

.PHONY: base-image
base-image: ## Build a local Python 3.11 base image from Debian packages (needs root, debootstrap)
	scripts/local-base-image.sh --tag hotel-agent-base:3.11-bookworm

.PHONY: service-images
service-images: ## Local stand-ins for the stack's postgres/redis/nginx/prometheus/alertmanager images (no registry)
	BASE_IMAGE=hotel-agent-base:3.11-bookworm scripts/local-service-images.sh

.PHONY: build-production
build-production: ## Build the production image IMAGE from BASE_IMAGE
	docker build --network host --build-arg BASE_IMAGE=$(BASE_IMAGE) \
		--build-arg VERSION=$$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml) \
		--build-arg VCS_REF=$$(git rev-parse --short HEAD) \
		--build-arg BUILD_DATE=$$(date -u +%Y-%m-%dT%H:%M:%SZ) -t $(IMAGE) .

.PHONY: image-test
image-test: ## Build the image, run it, book through its web chat; size, user, health (JSON)
	IMAGE=$(IMAGE) BASE_IMAGE=$(BASE_IMAGE) scripts/image-test.sh

.PHONY: docker-vulnerability-scan
docker-vulnerability-scan: ## Scan IMAGE with trivy (fails, saying so, when trivy is missing)
	@command -v trivy >/dev/null || { echo "NOT SCANNED: trivy is not installed (https://trivy.dev)"; exit 3; }
	trivy image --exit-code 1 --severity HIGH,CRITICAL --ignore-unfixed $(IMAGE)

.PHONY: validate-stack
validate-stack: install ## Offline checks of deploy/: compose, promtool, amtool, dashboard, k8s, hadolint, shellcheck
	scripts/validate-stack.sh

$(COMPOSE_DIR)/.env:
	@echo "$@ is missing: cp $(COMPOSE_DIR)/.env.example $@ and set its secrets" >&2; exit 1

deploy/nginx/certs/tls.crt:
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
		-keyout deploy/nginx/certs/tls.key -out $@

.PHONY: docker-up
# SERVICES: a part of the stack (with what it depends on), e.g. all but grafana on a host whose
# images come from `make service-images` (Grafana has no stand-in); empty: every service.
SERVICES ?=
docker-up: $(COMPOSE_DIR)/.env deploy/nginx/certs/tls.crt ## Start the compose stack (self-signed TLS if no certificate)
	cd $(COMPOSE_DIR) && $(COMPOSE) up -d $(SERVICES)
	@for i in $$(seq 90); do curl -fsSk --max-time 3 $(BASE_URL)/health/ready >/dev/null && echo "stack ready at $(BASE_URL)" && exit 0; sleep 2; done; \
		echo "the stack is not ready after 3 minutes: cd $(COMPOSE_DIR) && $(COMPOSE) ps / logs" >&2; exit 1

.PHONY: docker-down
docker-down: ## Stop the compose stack (volumes kept)
	cd $(COMPOSE_DIR) && $(COMPOSE) down

.PHONY: health
health: ## The deployment's /health/ready through BASE_URL (fails unless ready)
	curl -fsS --insecure --max-time 10 $(BASE_URL)/health/ready

.PHONY: backup
backup: ## Back up DATABASE_URL (or DATA_DIR's SQLite file) into BACKUP_DIR (default ./backups)
	scripts/backup.sh

.PHONY: restore
restore: install ## Restore BACKUP=dir into TARGET_URL=postgresql://…/name or TARGET_FILE=path
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/hotel-agent-… TARGET_URL=postgresql://…/NAME | TARGET_FILE=data/hotel_agent.db [REPLACE=1]" >&2; exit 2; }
	HOTEL_AGENT_PYTHON=.venv/bin/python scripts/restore.sh "$(BACKUP)" \
		$(if $(TARGET_URL),--target-url "$(TARGET_URL)") $(if $(TARGET_FILE),--target-file "$(TARGET_FILE)") \
		$(if $(REPLACE),--replace)

.PHONY: migrations-check
migrations-check: install ## Migrations up → down → up on empty PostgreSQL and SQLite; no model diff
	$(PYTEST) tests/integration/db/test_migrations.py

.PHONY: validate-deployment
validate-deployment: install ## Pre-deployment checks (here; VALIDATE_ARGS=--compose for the stack)
	HOTEL_AGENT_CMD=.venv/bin/hotel-agent \
		scripts/pre-deployment-validation.sh $(VALIDATE_ARGS)

.PHONY: deploy
deploy: ## Deploy IMAGE to the compose stack, rolling back if unhealthy (DEPLOY_ARGS=--dry-run …)
	scripts/deploy.sh --image $(IMAGE) $(DEPLOY_ARGS)
