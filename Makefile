# The two commands a newcomer needs: `make html` builds the site, `make test` runs the tests.
# Every target creates the virtual environment and installs the project when that is missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# The validators the tests run that come from npm (package.json, pinned by package-lock.json).
NODE_STAMP := node_modules/.installed
OUTPUT := output
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: html serve test node-tools check fetch publish bench lint format lock clean help

help:
	@echo "make html     build the site into $(OUTPUT)/ from threads.yaml and the snapshots (offline)"
	@echo "make serve    build, then preview on http://$(HOST):$(PORT)/"
	@echo "make test     run the test suite (browser tests skip when Chromium is missing)"
	@echo "make check    validate threads.yaml and the snapshots"
	@echo "make fetch    archive threads that have no snapshot yet (needs the network)"
	@echo "make publish  build with publishconf.py (absolute URLs from SITEURL)"
	@echo "make bench    this build against plain Pelican at 1,000 and 2,000 threads (BENCH_ARGS='--threads 100')"
	@echo "make lint     ruff check and format check, mypy --strict on the package"
	@echo "make lock     re-pin every dependency in requirements.lock (after editing pyproject.toml)"
	@echo "make clean    remove $(OUTPUT)/ and caches"

# Every dependency comes from requirements.lock, pinned with hashes, so a build installs the
# same versions until the lock is regenerated (`make lock`); then the project itself.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# pip compiles what it installs, but not an editable project: compile ours the same way,
	@# so that no build compiles it again (PYTHONDONTWRITEBYTECODE would make every one).
	$(BIN)/python -m compileall -q plugins
	@touch $(STAMP)

# After changing dependencies in pyproject.toml: pin every package (with the extras the
# tests, search and this target need) for Python 3.11+ on every platform, with hashes.
# Pins already in the lock are kept; `make lock LOCK_FLAGS=--upgrade` takes the newest of all.
LOCK_FLAGS ?=
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra search --extra test --extra lock \
		--universal --python-version 3.11 --generate-hashes $(LOCK_FLAGS) -o $(LOCK)
	@rm -f $(STAMP)

# The pages first, then the social cards they name, on every core (`tweetorials cards`): the
# build's memory is free by then, and nothing is drawn when every card is in cache/cards/.
# `pelican` alone draws them during the build instead (TWEETORIALS_CARDS=during, its default);
# a TWEETORIALS_CARDS in the environment wins here too.
html publish: export TWEETORIALS_CARDS := $(or $(TWEETORIALS_CARDS),after)

html: $(STAMP)
	$(BIN)/pelican content -s pelicanconf.py -o $(OUTPUT) --fatal errors
	$(BIN)/tweetorials cards -s pelicanconf.py -o $(OUTPUT)

serve: html
	$(BIN)/python -m http.server --bind $(HOST) --directory $(OUTPUT) $(PORT)

# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; the tests use the
# installed one. Without npm the HTML checker test skips and says why (CI requires it).
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

node-tools:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	else echo "npm not found: the HTML checker and schema.org tests will skip (apt-get install -y nodejs npm)"; fi

test: $(STAMP) node-tools
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/tweetorials check

fetch: $(STAMP)
	$(BIN)/tweetorials fetch

publish: $(STAMP)
	$(BIN)/pelican content -s publishconf.py -o $(OUTPUT) --fatal errors
	$(BIN)/tweetorials cards -s publishconf.py -o $(OUTPUT)

bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(OUTPUT) node_modules .pytest_cache .ruff_cache __pycache__ cache/cards-waiting.json
