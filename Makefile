# SMART TVET — the two commands: `make demo` and `make test`. Everything else is what they use.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= small
SEED ?= 2025
# Demo gradebook: how many marks to generate for the demo's schools and colleges (attendance comes on top),
# and how many lowest performers the 2024 monitoring list flags.
GRADEBOOK_ROWS ?= 2000000
LOWEST_N ?= 10
HOST ?= 127.0.0.1:8000
VENDOR := src/smarttvet/web/static/vendor
export SMARTTVET_DATA_DIR ?= $(CURDIR)/var
# These targets are for a developer's machine and CI; production runs the commands with its own settings.
export SMARTTVET_DEBUG ?= 1

.PHONY: demo test install static messages migrate lint bench serve clean test-sqlite test-postgres load reliability

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.copied: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/echarts/dist/echarts.min.js node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	touch $@

static: $(VENDOR)/.copied

messages: install
	$(BIN)/smarttvet compiletranslations

migrate: install static messages
	$(BIN)/smarttvet migrate --no-input

demo: migrate
	$(BIN)/smarttvet demo --scale $(SCALE) --seed $(SEED)
	# Gradebook marks of 2023-2025 and their measures (the rating's knowledge-quality indicator reads them).
	$(BIN)/smarttvet demo gradebook --rows $(GRADEBOOK_ROWS) --seed $(SEED)
	# Published ratings of two years (history and comparison); skipped when the same run is already published.
	$(BIN)/smarttvet rating run --year 2024 --publish --uncertainty 200
	$(BIN)/smarttvet rating run --year 2025 --publish --uncertainty 200
	# Director KPI scorecards of the published years, their sign-offs and incentive scenarios (after the ratings).
	$(BIN)/smarttvet kpi demo
	# The 2024 monitoring list and its support plans (the 2025 measures show their progress).
	$(BIN)/smarttvet gradebook lowest --year 2024 --n $(LOWEST_N) --force
	$(BIN)/smarttvet gradebook support-plans --year 2024
	@echo ""
	@echo "SMART TVET is at http://$(HOST)/  — demo logins (password: demo):"
	@echo "  ministry   whole country"
	@echo "  region     one region's education department"
	@echo "  college    one college's administration"
	@echo "  teacher    one teacher (self)"
	@echo "  employer   one enterprise"
	@echo "  committee  the cadre-reserve selection committee"
	@echo "  assessor   a cadre-reserve assessor"
	@echo ""
	$(BIN)/smarttvet runserver $(HOST)

serve: migrate
	$(BIN)/smarttvet runserver $(HOST)

lint: install
	$(BIN)/ruff check src tests benchmarks

test: install static messages lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

# Two pytest workers (pytest-xdist): one per core of the CI machine; each has its own test database. The 20
# slowest tests are listed at the end, to keep the whole CI under its 20 minutes.
TEST_WORKERS ?= 2

test-sqlite:
	SMARTTVET_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -q -n $(TEST_WORKERS) --durations=20

test-postgres:
	SMARTTVET_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/pytest -q -n $(TEST_WORKERS) --durations=20

# Faults, hostile input and the authorization sweep with their large budgets, on a throw-away PostgreSQL (the
# PostgreSQL-only fault tests need it): one summary table; non-zero exit on any failure or lost record.
reliability: install static messages
	SMARTTVET_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/python scripts/reliability.py

# Load test: gunicorn on a PostgreSQL cluster kept in $(LOAD_DIR) with the $(LOAD_SCALE) demo (built once; about
# 3 minutes for national), locust at rising concurrency; prints throughput and p50/p95/p99 per scenario.
LOAD_SCALE ?= national
LOAD_USERS ?= 10,25,50,100,200,400
LOAD_DURATION ?= 60
LOAD_DIR ?= /tmp/smarttvet-load
load: install static messages
	$(BIN)/pip install --quiet -e ".[load]"
	$(BIN)/python loadtest/run.py --scale $(LOAD_SCALE) --seed $(SEED) --users $(LOAD_USERS) \
	  --duration $(LOAD_DURATION) --home $(LOAD_DIR)

bench: install static messages
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
