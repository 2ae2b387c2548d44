# The edition's commands. Each target sets up what it needs first, so on a fresh machine with
# Python, Node.js and Debian's package manager `make serve` and `make test` are enough.
#
# The virtual environment is reused whenever the pinned requirements are unchanged: a stamp file in
# it is named by the requirements' hash. `make test VENV=/path/to/venv` uses another environment.
#
# Only an environment (and node_modules/) this machine made is ever run: the stamps' names carry a
# random token kept outside every checkout, so a .venv/ or node_modules/ that came with the
# repository (committed by a pull request, stamps and all) is never taken for one; it is removed and
# made again before anything in it runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes
hash_of = $(shell cat $(1) 2>/dev/null | sha256sum | cut -c1-16)
TOKEN_FILE := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/us-japan-edition/machine-token
MACHINE_TOKEN := $(shell f='$(TOKEN_FILE)'; [ -s "$$f" ] || { mkdir -p "$$(dirname "$$f")" && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$$f.$$$$" && mv -n "$$f.$$$$" "$$f"; rm -f "$$f.$$$$"; }; cat "$$f")
VENV_MARK := $(VENV)/.edition-made-$(MACHINE_TOKEN)
BUILD_STAMP := $(VENV)/.edition-build-$(call hash_of,requirements/build.txt pyproject.toml)-$(MACHINE_TOKEN)
TEST_STAMP := $(VENV)/.edition-test-$(call hash_of,requirements/build.txt requirements/test.txt pyproject.toml)-$(MACHINE_TOKEN)
NODE_STAMP := node_modules/.edition-$(call hash_of,package.json package-lock.json)-$(MACHINE_TOKEN)
SYSTEM_PACKAGES := chromium biber poppler-utils pandoc default-jre-headless

.PHONY: source-only setup setup-test browser system node serve build check test offline bench new-memo lint lock print-stamps clean

$(VENV_MARK):
	@[ -n "$(MACHINE_TOKEN)" ] || { echo "no machine token in $(TOKEN_FILE)"; exit 1; }
	@if [ -e "$(VENV)" ]; then \
	  [ -f "$(VENV)/pyvenv.cfg" ] || { echo "$(VENV) exists and is not a virtual environment: move it away or set VENV"; exit 1; }; \
	  echo "$(VENV) was not made on this machine: making it again"; rm -rf "$(VENV)"; fi
	$(PYTHON) -m venv $(VENV)
	touch $@

# The edition's MkDocs plugins (edition_plugin/) are installed from this checkout, editable, with
# nothing else: their dependencies are the pinned, hashed ones above.
$(BUILD_STAMP): | $(VENV_MARK)
	$(PIP_INSTALL) -r requirements/build.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.edition-build-*
	touch $@

$(TEST_STAMP): | $(BUILD_STAMP)
	$(PIP_INSTALL) -r requirements/build.txt -r requirements/test.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.edition-test-*
	touch $@

# Compiled Python that came with the repository would run in place of the source a reviewer reads:
# Python imports an extension module (.so) before the .py of the same name, and an unchecked .pyc in
# __pycache__/ without looking at its source. None may be tracked; every target that runs Python
# checks first (bytecode is never written into the checkout: PYTHONDONTWRITEBYTECODE above).
COMPILED := '*.so' '*.pyd' '*.pyc' '*.pyo'
source-only:
	@tracked=$$(git ls-files -- $(COMPILED) 2>/dev/null); \
	if [ -n "$$tracked" ]; then \
	  echo "compiled code is tracked by git and would run in place of its source; untrack it (git rm --cached) and keep only the .py files:"; \
	  echo "$$tracked"; exit 1; fi

setup: source-only $(BUILD_STAMP)
setup-test: source-only $(TEST_STAMP)

# Debian packages: Chromium for the browser tests (Playwright drives it; it never downloads a
# browser), biber and pdftotext (poppler-utils) for the bibliography and print tests, pandoc as the
# second CSL processor that checks the citations, Java for the Nu HTML checker (npm's vnu-jar,
# pinned; its own download of a Java runtime is never run, see `node`).
system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
browser: system

# `npm ci` removes node_modules/ first: whatever was there, the pinned, checked packages replace it.
# No package's install script runs: the only one (vnu-jar's) would download a Java runtime; the
# Nu checker runs on Debian's Java (SYSTEM_PACKAGES).
$(NODE_STAMP):
	npm ci --no-audit --no-fund --silent --ignore-scripts
	touch $@

node: $(NODE_STAMP)

serve: setup node
	$(BIN)/mkdocs serve --strict

build: setup node
	$(BIN)/mkdocs build --strict

check: setup node
	$(BIN)/python -m edition_plugin.check

test: setup-test system node
	$(BIN)/ruff check edition edition_plugin tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4 --dist loadfile

offline: setup node
	$(BIN)/python -m edition.offline

bench: setup-test system node
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.archive   # issue 16: search bytes and time, cold/warm ratios, serve rebuild at N = 100, 300, 1000
	$(BIN)/python -m bench.phone --json bench/out/phone.json   # issue 25: the memo page on a phone, edition vs plain Material
	$(BIN)/python -m bench.adversarial   # issue 23: hostile inputs, edition vs plain Material, and at twice the size

# A new document: TYPE (an id of data/document-types.yml; memorandum when not given), DATE, TITLE
# and SLUG reach the scaffold through the environment, never through the shell's parsing of this
# recipe: a title with quotes, backquotes or $(...) is only text. Make would expand a command-line
# variable to export it (running a `$(shell …)` in a title): it is not exported as such, only its
# unexpanded value (`$(value …)`) under the scaffold's names.
unexport DATE TITLE SLUG TYPE
new-memo: export EDITION_DATE := $(value DATE)
new-memo: export EDITION_TITLE := $(value TITLE)
new-memo: export EDITION_SLUG := $(value SLUG)
new-memo: export EDITION_TYPE := $(value TYPE)
new-memo: setup
	$(BIN)/python -m edition.scaffold --from-environment

lint: setup-test
	$(BIN)/ruff check edition edition_plugin tests bench
	$(BIN)/mypy

# Recompile the pinned requirements with hashes after editing requirements/*.in.
lock: setup-test
	cd requirements && $(abspath $(BIN))/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --output-file build.txt build.in
	cd requirements && $(abspath $(BIN))/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --output-file test.txt test.in

print-stamps:
	@echo $(VENV_MARK) $(BUILD_STAMP) $(TEST_STAMP)

clean:
	rm -rf site dist .pytest_cache
