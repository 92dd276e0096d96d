# The two commands: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test lint e2e bench install superuser migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed_site --if-empty

run: seed
	@echo ""
	@echo "  Serving http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  No admin login yet? In another terminal: make superuser"
	@echo ""
	@# The background worker (emails, search indexing) runs beside the server
	@# and stops with it.
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python manage.py db_worker --queue-name '*' --interval 2 & \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

superuser: migrate
	$(BIN)/python manage.py createsuperuser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest

# The browser journeys (Playwright driving Debian's Chromium); .ci/run runs them.
e2e: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -m e2e tests/e2e

# The site under load (gunicorn, PostgreSQL, wrk; page cache on and off): minutes,
# never part of `make test`. Options: make bench BENCH_ARGS="--duration 5 --runs 3"
bench: install
	$(BIN)/python bench/site.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
