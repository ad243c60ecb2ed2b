# CBEC Supervision. `make run` serves the app with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PIP_FLAGS ?= --disable-pip-version-check --quiet

.PHONY: run test test-browser lint contracts typecheck format bench messages clean venv dev-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -r requirements.txt -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime-installed
dev-venv: $(VENV)/.dev-installed

## run: migrate, load reference and demo data, print the demo accounts, serve on HOST:PORT
run: venv
	@mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_reference_data
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/"
	@if [ "$${DEBUG:-1}" = "0" ]; then \
		exec $(BIN)/gunicorn cbec_supervision.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -; \
	else \
		DEBUG=1 exec $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	fi

## test: lint, import contracts, type check, migrations check and the whole pytest suite (browser tests included)
test: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory contracts typecheck
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run --verbosity 1
	@# pytest exits 5 when it collected no test: an empty run proves nothing, so it fails.
	$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

## test-browser: only the end-to-end browser tests
test-browser: dev-venv
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## contracts: the architecture (.importlinter): layers, and what one app may use of another
contracts: dev-venv
	@mkdir -p var
	$(BIN)/lint-imports --no-logo --cache-dir var/import_linter_cache

## typecheck: mypy over the services, the pure domain modules and the selectors ([tool.mypy] in pyproject.toml)
typecheck: dev-venv
	@mkdir -p var
	DEBUG=1 $(BIN)/mypy

format: dev-venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh and compile the zh-hans translations (needs gettext)
messages: dev-venv
	DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=static --ignore=tests
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

## bench: the benchmarks; each figure printed as name=value and written to var/bench.json
bench: dev-venv
	@mkdir -p var
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache
