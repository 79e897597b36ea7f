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
PYTEST_ARGS ?=

export DJANGO_SETTINGS_MODULE ?= twoheads.settings

.PHONY: help demo serve test lint fmt typecheck bench screenshots clean check-python

help:
	@echo "make demo    create .venv, install, migrate SQLite, load the demo programme, serve on $(HOST):$(PORT)"
	@echo "make test    install the test tools and run the whole suite (ruff, mypy, pytest)"
	@echo "make bench   run the benchmarks and print their results"
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

demo: $(VENV)/.installed
	@DJANGO_DEBUG=1 $(BIN)/twoheads migrate --no-input -v 0
	@DJANGO_DEBUG=1 $(BIN)/twoheads seed_demo --if-empty
	@echo
	@echo "Two Heads is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@DJANGO_DEBUG=1 $(BIN)/twoheads demo_logins
	@DJANGO_DEBUG=1 $(BIN)/twoheads db_worker >var/worker.log 2>&1 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		DJANGO_DEBUG=1 $(BIN)/twoheads runserver $(HOST):$(PORT) --skip-checks

serve: demo

test: $(VENV)/.installed-test
	@$(MAKE) --no-print-directory lint typecheck
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)); fi
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

fmt: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.engine

screenshots: $(VENV)/.installed-test
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
