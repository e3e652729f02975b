# Quick start:   make run    (set up, load the 2024 plan, serve on http://127.0.0.1:5000)
#                make test   (set up and run the whole suite, SQLite + PostgreSQL + browser)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
PORT ?= 5000

.PHONY: run test setup lint worker translations lock bench

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d scheduler/translations >/dev/null 2>&1

run: setup
	$(FLASK) db upgrade
	$(FLASK) plan demo
	SCHEDULER_EMBEDDED=1 $(FLASK) run --port $(PORT)

test: setup
	bash .ci/prepare-services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

worker: setup
	$(FLASK) worker

translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o scheduler/translations/messages.pot .
	$(BIN)/pybabel update -i scheduler/translations/messages.pot -d scheduler/translations
	$(BIN)/pybabel compile --use-fuzzy -d scheduler/translations

lock:
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
