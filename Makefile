# Quick start:   make run    (set up, load the 2024 plan, serve on http://127.0.0.1:5000)
#                make test   (set up and run the whole suite, SQLite + PostgreSQL + browser)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
NODE_STAMP := node_modules/.installed
LIGHTHOUSE_STAMP := tools/lighthouse/node_modules/.installed
PIP := $(BIN)/pip install --quiet --disable-pip-version-check
PORT ?= 5000

.PHONY: run test setup test-setup bench-setup lint worker translations lock bench lighthouse

# Runtime only (what production installs); test and bench tools have their own locks.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.lock
	$(PIP) --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) requirements-test.lock
	$(PIP) -r requirements-test.lock
	touch $(TEST_STAMP)

$(BENCH_STAMP): $(STAMP) requirements-bench.lock
	$(PIP) -r requirements-bench.lock
	touch $(BENCH_STAMP)

setup: $(STAMP)
	$(BIN)/pybabel compile --statistics -d scheduler/translations >/dev/null 2>&1

# Links in mails, feeds and the first-admin link point at the port served, unless BASE_URL says.
RUN_ENV = BASE_URL=$(or $(BASE_URL),http://127.0.0.1:$(PORT))

run: setup
	$(RUN_ENV) $(FLASK) db upgrade
	$(RUN_ENV) $(FLASK) plan demo
	$(RUN_ENV) $(FLASK) users first-admin-link
	$(RUN_ENV) SCHEDULER_EMBEDDED=1 $(FLASK) run --port $(PORT)

# axe-core and ical.js, which the browser and feed tests load (package-lock.json pins them).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

test-setup: setup $(TEST_STAMP) $(NODE_STAMP)

# Per-test timeout: pyproject's [tool.pytest.ini_options] (pytest-timeout); the 20 slowest
# tests are listed at the end. CI (.ci/run) also selects the deterministic Hypothesis profile.
test: test-setup
	bash .ci/prepare-services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q --durations=20

# gunicorn, waitress, Radicale, recurring-ical-events, aiosmtpd for bench/*.py
bench-setup: setup $(BENCH_STAMP)

worker: setup
	$(FLASK) worker

translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o scheduler/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i scheduler/translations/messages.pot -d scheduler/translations
	$(BIN)/pybabel compile --statistics -d scheduler/translations

# Lighthouse on the public pages (tools/lighthouse.py): its own package and lock in
# tools/lighthouse/, installed here only, never by test-setup. LIGHTHOUSE_ARGS="--paths / {event}"
$(LIGHTHOUSE_STAMP): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	cd tools/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	touch $(LIGHTHOUSE_STAMP)

lighthouse: setup $(LIGHTHOUSE_STAMP)
	$(BIN)/python tools/lighthouse.py $(LIGHTHOUSE_ARGS)

# Re-pin the three locks from this environment (runtime, runtime+test, runtime+bench).
lock: test-setup bench-setup
	$(BIN)/python tools/lock.py
