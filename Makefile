# The project's commands. README.md names them; .ci/run calls `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/iro
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-sqlite test-postgres lint bench bench-load demo messages clean

## setup: create .venv, install pinned Python packages, npm assets and system packages
setup: $(VENV)/.installed node_modules/.installed
	@scripts/system-packages.sh
	@$(BIN)/python -c "import sys; from iro.census.compiled import main; sys.exit(main())"

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## run: set up, migrate, load the demo authority when the database is empty, serve with
## the background worker beside gunicorn (mail is kept in var/mail, never sent)
run: setup
	$(BIN)/iro migrate --no-input -v 0
	$(BIN)/iro demo --if-empty
	@echo "Serving iro at http://$(HOST):$(PORT)/ with its worker (Ctrl-C stops both)"
	@echo "Mail is kept on this machine in var/mail, not sent"
	@BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

## lint: ruff (style and errors)
lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

## test: set up, lint, check migrations, run every test on SQLite and on PostgreSQL side
## by side (scripts/test-both.sh); SQLite alone when no PostgreSQL answers (not under CI)
test: lint
	IRO_ENV=test $(BIN)/iro makemigrations --check --dry-run
	@scripts/postgres-available.sh; available=$$?; \
	if [ $$available -eq 0 ]; then \
		BIN=$(BIN) PG_URL=$(PG_URL) scripts/test-both.sh; \
	elif [ $$available -eq 2 ]; then \
		exit 2; \
	else \
		echo "PostgreSQL is not reachable at 127.0.0.1:5432: SQLite only"; \
		$(MAKE) --no-print-directory test-sqlite; \
	fi

test-sqlite: setup
	IRO_ENV=test $(BIN)/python -m pytest

test-postgres: setup
	IRO_ENV=test DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest

## bench: benchmarks that print figures (not timed tests): the report one, then the census
## one (no import), which installs the community validator csc-validator-be-cin from PyPI
## into var/bench-community-venv and compares iro with it
bench: setup
	$(BIN)/python -m benchmarks
	$(BIN)/python benchmarks/census_bench.py --skip-import

## bench-load: the served demo under simulated signed-in users, on the loopback only
## (docs/performance.md, "Under load"); e.g. make bench-load LOAD_ARGS="--users 10 --think 0"
bench-load: setup
	$(BIN)/python -m benchmarks load $(LOAD_ARGS)

## messages: update the family documents' catalogues (src/iro/locale) from the marked
## strings, then compile them (needs gettext's msgfmt); docs/languages.md says the rest
LOCALES := ar bn zh_Hans fr de hi ms pl pa es tr ur cy
messages: setup
	cd src/iro && $(abspath $(BIN))/iro makemessages $(foreach l,$(LOCALES),-l $(l)) \
		--add-location=file --ignore "static/*" --ignore "templates/simple_history/*"
	cd src/iro && $(abspath $(BIN))/iro compilemessages

clean:
	rm -rf $(VENV) node_modules var
