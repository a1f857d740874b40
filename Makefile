# Agente Hotelero — every target does real work; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
RUN := $(UV) run --frozen
PYTEST := $(RUN) pytest -p no:cacheprovider
COVERAGE_MIN ?= 85
CHROMIUM ?= /usr/bin/chromium

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-20s\033[0m %s\n", $$1, $$2}'

$(UV):
	python3 -m pip install --user --quiet "uv>=0.9"

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
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
test: install ## All tests (unit, integration, e2e) with coverage
	$(PYTEST) --cov --cov-report=term --cov-fail-under=$(COVERAGE_MIN) tests

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

.PHONY: coverage
coverage: install ## Tests with an HTML coverage report in htmlcov/
	$(PYTEST) --cov --cov-report=term --cov-report=html tests
	@echo "open htmlcov/index.html"

.PHONY: lint
lint: install ## ruff (lint + format check) and mypy
	$(RUN) ruff check src tests bench
	$(RUN) ruff format --check src tests bench
	$(RUN) mypy

.PHONY: fmt
fmt: install ## Format and autofix
	$(RUN) ruff format src tests bench
	$(RUN) ruff check --fix src tests bench

.PHONY: eval-nlu
eval-nlu: install ## NLU accuracy: held-out test set beside public corpora present locally (DEVELOPERS.md)
	$(RUN) python -m hotel_agent.dialogue.nlu.evaluate

.PHONY: bench
bench: install ## Benchmarks: print JSON figures (webhook throughput, latency, memory)
	$(RUN) python bench/run_all.py

.PHONY: browser
browser: ## Install Debian's Chromium for the browser tests (needs root)
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
