# Two Heads. `make demo` serves a living demo programme; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python 3.12+ on the PATH.
PYTHON := $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the demo's emails lead to the address it is served at.
SITE_URL ?= http://$(HOST):$(PORT)
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2


.PHONY: help demo serve test lint fmt typecheck bench bench-pg bench-quick screenshots clean check-python

help:
	@echo "make demo    create .venv, install, migrate SQLite, load the demo programme, serve on $(HOST):$(PORT)"
	@echo "make test    install the test tools and run the whole suite (ruff, mypy, pytest)"
	@echo "make bench   run every benchmark with its baseline (long); make bench-quick: small sizes"
	@echo "make lint    ruff check and format check;  make fmt   format the code"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Two Heads needs Python 3.12 or newer (python3.13, python3.12 or python3)."; \
		echo "None was found on the PATH. Install one and run make again."; exit 1; fi

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@

demo: $(VENV)/.installed
	@DJANGO_DEBUG=1 $(BIN)/twoheads migrate --no-input -v 0
	@DJANGO_DEBUG=1 $(BIN)/twoheads seed_demo --if-empty
	@echo
	@echo "Two Heads is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@DJANGO_DEBUG=1 $(BIN)/twoheads demo_logins
	@DJANGO_DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/twoheads db_worker >var/worker.log 2>&1 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		DJANGO_DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/twoheads runserver $(HOST):$(PORT) --skip-checks

serve: demo

test: $(VENV)/.installed-test
	@$(MAKE) --no-print-directory lint typecheck
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)); fi
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

fmt: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_DB = th_bench_$(shell date +%s)

# Every benchmark, with its baseline in the same run; results and machine details are printed and
# recorded in docs/performance.md. The PostgreSQL ones use a scratch database dropped afterwards.
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.engine
	TWOHEADS_DATA_DIR=$$(mktemp -d) DJANGO_DEBUG=1 $(BIN)/python bench/importer.py
	@$(MAKE) --no-print-directory bench-pg BENCH_SCRIPT="bench/importer.py"
	@$(MAKE) --no-print-directory bench-pg BENCH_SCRIPT="bench/dashboard.py"
	@$(MAKE) --no-print-directory bench-pg BENCH_SCRIPT="-m tests.pairing.bench_pages"
	$(BIN)/python -m bench.load

bench-pg:
	psql "$(BENCH_PG)/postgres" -q -c "CREATE DATABASE $(BENCH_DB)"
	DATABASE_URL=$(BENCH_PG)/$(BENCH_DB) DJANGO_DEBUG=1 $(BIN)/python $(BENCH_SCRIPT); \
		status=$$?; psql "$(BENCH_PG)/postgres" -q -c "DROP DATABASE $(BENCH_DB) WITH (FORCE)"; exit $$status

bench-quick: $(VENV)/.installed-bench
	$(BIN)/python -m bench.engine --quick

screenshots: $(VENV)/.installed-test
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
