# One Makefile for people, the README and CI.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install debian build serve test test-fast lint typecheck bench clean

install: $(VENV)/.installed node_modules/.installed debian

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The query editor (YASGUI) from the npm registry, served by fdigraph itself.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Debian packages, installed in one apt run when missing: Chromium for the browser tests
# (Playwright never downloads a browser here) and nginx for `fdigraph serve`'s cache front.
DEBS := chromium:/usr/bin/chromium nginx:/usr/sbin/nginx
debian:
	@missing=""; for d in $(DEBS); do [ -x "$${d#*:}" ] || missing="$$missing $${d%%:*}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	  else \
	    echo "fdigraph's tests need Debian's$$missing: sudo apt-get install$$missing" >&2; \
	  fi; \
	fi

build: $(VENV)/.installed
	$(BIN)/fdigraph build

serve: $(VENV)/.installed node_modules/.installed
	$(BIN)/fdigraph serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not e2e and not slow and not browser"

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

# The benchmark times its cells with Debian's wrk (bench/wrkload.py); without it,
# bench/run.py falls back to its Python client and says so. Only `bench` needs it.
.PHONY: wrk
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; \
	  else \
	    echo "the benchmark's client is Debian's wrk: sudo apt-get install wrk" >&2; \
	  fi; \
	fi

bench: install wrk
	$(BIN)/python bench/run.py

clean:
	rm -rf dist .pytest_cache .mypy_cache .ruff_cache
