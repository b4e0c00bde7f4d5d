# Quick start: `make run` and `make test` on a fresh Debian machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest chromium bench reliability vendor clean

$(BIN)/python:
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq python3-venv)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/psephos serve --demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks reliability docs/screenshots
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# Browser tests drive Debian's chromium (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)

pytest: $(VENV)/.installed-test chromium
	$(BIN)/pytest -n 2 -q

test: lint typecheck pytest

bench: $(VENV)/.installed-test
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/count_peers.py

# Crashes, races, fuzzing, linkage and tamper tests on loopback (about 20 minutes; not part
# of `make test`). PostgreSQL: a throwaway cluster of the harness's own (initdb, pg_ctl),
# or RELIABILITY_POSTGRES=postgresql://USER@HOST:PORT/DB for a fresh database on a server.
RELIABILITY_POSTGRES ?= own

reliability: $(VENV)/.installed-test
	$(BIN)/pip install -q -e '.[reliability]'
	$(BIN)/python reliability/run.py --postgres $(RELIABILITY_POSTGRES) --out RELIABILITY.md

# The explorer's chart library (d3 bundled by esbuild) from the npm lock file; the built
# file is committed, so installing psephos needs no npm.
vendor:
	cd frontend && npm ci --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
