# The edition's commands. Each target sets up what it needs first, so on a fresh machine with
# Python, Node.js and Debian's package manager `make serve` and `make test` are enough.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup browser node serve build check test offline bench new-memo lint clean

$(BIN)/mkdocs: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(BIN)/mkdocs

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

node: node_modules/.package-lock.json

serve: setup
	$(BIN)/mkdocs serve --strict

build: setup
	$(BIN)/mkdocs build --strict

check: setup
	$(BIN)/python -m edition.check

test: setup browser node
	$(BIN)/ruff check edition hooks tests bench
	$(BIN)/python -m pytest -q

offline: setup
	$(BIN)/python -m edition.offline

bench: setup browser
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.archive   # issue 16: search bytes and time, cold/warm ratios, serve rebuild at N = 100, 300, 1000

new-memo: setup
	$(BIN)/python -m edition.scaffold --date "$(DATE)" --title "$(TITLE)" $(if $(SLUG),--slug "$(SLUG)")

lint: setup
	$(BIN)/ruff check edition hooks tests bench

clean:
	rm -rf site dist .pytest_cache
