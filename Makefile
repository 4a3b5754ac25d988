# s11portal — everyday commands. Needs only python3 (>= 3.11) and make.
#
#   make demo    install, migrate, seed demo data, serve http://127.0.0.1:8000
#   make test    run the test suite (SQLite unless DATABASE_URL is set)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help demo test lint fmt venv worker beat

help: ## list the targets
	@echo "s11portal"
	@echo
	@echo "  make demo    install into .venv, migrate, seed demo data (prints the logins),"
	@echo "               serve http://127.0.0.1:8000"
	@echo "  make test    run the test suite (SQLite by default; set DATABASE_URL for PostgreSQL)"
	@echo "               extra pytest arguments: make test PYTEST_ARGS='-k tenancy -x'"
	@echo
	@echo "  make lint    ruff check, ruff format --check, lint-imports (layers), makemigrations --check"
	@echo "  make fmt     ruff format and ruff check --fix"
	@echo "  make worker  Celery worker (needs CELERY_BROKER_URL)"
	@echo "  make beat    Celery beat (needs CELERY_BROKER_URL)"
	@echo "  make venv    create .venv and install the project with its dev extras"

demo: venv ## install, migrate, seed demo data, serve on 127.0.0.1:8000 (with the periodic jobs)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo
	@echo "Serving http://127.0.0.1:8000 (Ctrl-C to stop). The demo logins are printed above."
	$(MANAGE) demo_serve 127.0.0.1:8000

test: venv ## run the test suite
	$(BIN)/pytest $(PYTEST_ARGS)

lint: venv ## ruff check, ruff format --check, import layers, no missing migrations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run

fmt: venv ## format and auto-fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: venv ## Celery worker
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) here and for the web process; without it tasks run in the web process and no worker is needed."; exit 1; }
	$(BIN)/celery -A s11portal worker -l info

beat: venv ## Celery beat (periodic tasks)
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)."; exit 1; }
	@mkdir -p var
	$(BIN)/celery -A s11portal beat -l info -s var/celerybeat-schedule

venv: $(VENV)/.installed ## create .venv and install dependencies

# Re-installs only when pyproject.toml changes. packages = [] in pyproject, so
# the editable install brings in the dependencies; the code runs from here.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@
