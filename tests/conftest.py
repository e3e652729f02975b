"""Fixtures shared by the whole suite.

Database tests run twice, on SQLite and on PostgreSQL (127.0.0.1:5432, database ``test``,
one schema per test worker). PostgreSQL being unreachable is an error, never a skip.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import settings

from config import TestConfig
from scheduler import create_app
from scheduler.extensions import db

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")

# CI explores the same examples every run, so a landing never hinges on a lucky draw; locally
# every run draws new ones (HYPOTHESIS_PROFILE=thorough draws many more).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)


# pytest-timeout: pyproject sets the default per test; a browser test starts Chromium and a
# live server, so it gets longer unless it names its own.
BROWSER_TIMEOUT_SECONDS = 300


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(BROWSER_TIMEOUT_SECONDS))


def _config(url: str, **extra) -> dict:
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=url, **extra)
    return config


def _postgres_schema_url(schema: str) -> str:
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A database with the current schema, shared by the tests of one worker and backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        cleanup = None
    else:
        schema = f"test_{uuid.uuid4().hex[:12]}"
        engine = sa.create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        url = _postgres_schema_url(schema)

        def cleanup():
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            engine.dispose()

    app = create_app(_config(url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    if cleanup:
        cleanup()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        _config(
            database_url,
            INSTANCE_PATH=str(tmp_path / "instance"),
            MAIL_CAPTURE_DIR=str(tmp_path / "mail"),
            SCHEDULER_LOCK_FILE=str(tmp_path / "scheduler.lock"),
        )
    )
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def backend(app) -> str:
    return db.engine.dialect.name


# --- live server and browser -------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app):
    """The app served on a free loopback port in a thread; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Tallinn")
    page = context.new_page()
    yield page
    context.close()
