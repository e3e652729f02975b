"""Fixtures shared by the whole suite.

Database tests run twice, on SQLite and on PostgreSQL (127.0.0.1:5432, database ``test``,
one schema per test worker). PostgreSQL being unreachable is an error, never a skip.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from config import TestConfig
from scheduler import create_app
from scheduler.extensions import db
from tests.operations.private_postgres import private_postgres  # noqa: F401 (a fixture)
from tests.support.routing import compile_each_rule_shape_once
from tests.support.world import Recipe, World, build_world, load_plan, org, staff

compile_each_rule_shape_once()

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")

# CI explores the same examples every run, so a landing never hinges on a lucky draw; locally
# every run draws new ones (HYPOTHESIS_PROFILE=thorough draws many more).
# Neither profile judges a test by the machine's speed: on two cores shared by two workers,
# PostgreSQL and Chromium, "data generation is slow" says nothing about the code under test.
LOAD_INDEPENDENT = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", derandomize=True, print_blob=True, **LOAD_INDEPENDENT)
settings.register_profile("thorough", max_examples=2000, **LOAD_INDEPENDENT)
settings.register_profile("default", **LOAD_INDEPENDENT)
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
    # Longest first: xdist hands out one test at a time, so a minute-long sweep started last
    # would keep one worker busy while the other has finished. A test's declared timeout says
    # how long it may take (the page sweeps and the route fuzz declare 600 s or more, browser
    # tests 300 s); the order within each class is the collection order.
    items.sort(key=_longest_first)


def _longest_first(item) -> int:
    marker = item.get_closest_marker("timeout")
    seconds = marker.args[0] if marker and marker.args else 0
    return 0 if seconds >= 600 else 1 if seconds >= BROWSER_TIMEOUT_SECONDS - 60 else 2


# Seconds spent per test package (setup, call and teardown, summed over every worker), printed
# at the end of the run so that a package that grows slow is seen before the suite does.
_PACKAGE_SECONDS: dict[str, float] = {}


def _package_of(nodeid: str) -> str:
    parts = nodeid.split("::", 1)[0].split("/")
    return parts[1] if len(parts) > 2 else "(top level)"


def pytest_runtest_logreport(report) -> None:
    package = _package_of(report.nodeid)
    _PACKAGE_SECONDS[package] = _PACKAGE_SECONDS.get(package, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter) -> None:
    if not _PACKAGE_SECONDS or hasattr(terminalreporter.config, "workerinput"):
        return
    terminalreporter.section("seconds per test package (summed over workers)")
    ranked = sorted(_PACKAGE_SECONDS.items(), key=lambda item: -item[1])
    for package, seconds in ranked:
        terminalreporter.write_line(f"{seconds:8.1f}  {package}")
    terminalreporter.write_line(f"{sum(_PACKAGE_SECONDS.values()):8.1f}  all")


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
def app_settings() -> dict:
    """Settings a test module gives its app besides TestConfig's (override the fixture)."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_settings):
    app = create_app(
        _config(
            database_url,
            INSTANCE_PATH=str(tmp_path / "instance"),
            MAIL_CAPTURE_DIR=str(tmp_path / "mail"),
            SCHEDULER_LOCK_FILE=str(tmp_path / "scheduler.lock"),
            **app_settings,
        )
    )
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


def _empty_all_tables() -> None:
    """Empty the tables a test wrote to, ids starting again from 1.

    Only the tables that hold rows are touched: on PostgreSQL a TRUNCATE of every table costs
    a few hundred milliseconds whatever they hold, and most tests write to a handful.
    """
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        filled = _tables_with_rows(conn, tables)
        for table in filled:
            conn.execute(table.delete())
        if filled and conn.dialect.name == "postgresql":
            restarts = ", ".join(
                f"setval(pg_get_serial_sequence('\"{t.name}\"', '{c.name}'), 1, false)"
                for t in filled
                for c in t.primary_key.columns
                if c.autoincrement is True or (c.autoincrement == "auto" and _is_integer(c))
            )
            if restarts:
                conn.execute(sa.text(f"SELECT {restarts}"))


def _tables_with_rows(conn, tables: list[sa.Table]) -> list[sa.Table]:
    """The tables (in the order given) that hold at least one row, asked in one query."""
    probes = " UNION ALL ".join(
        f'SELECT {index} WHERE EXISTS (SELECT 1 FROM "{table.name}")'
        for index, table in enumerate(tables)
    )
    filled = {row[0] for row in conn.execute(sa.text(probes))}
    return [table for index, table in enumerate(tables) if index in filled]


def _is_integer(column: sa.Column) -> bool:
    return isinstance(column.type, sa.Integer) and len(column.table.primary_key.columns) == 1


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app, request):
    """The CLI; `flask plan load` and `plan demo` restore their first result (tests/support)."""
    if request.node.get_closest_marker("real_plan_load"):
        return app.test_cli_runner()
    from tests.support.snapshots import SnapshotRunner

    return SnapshotRunner(app)


@pytest.fixture
def backend(app) -> str:
    return db.engine.dialect.name


# --- the world a test starts from (tests/support/world.py) ----------------------------------


@pytest.fixture
def world_recipe() -> Recipe:
    """What ``world`` builds; a package or module overrides it with its own recipe."""
    return Recipe(orgs=(org("tartu"), org("tallinn")), people=staff("tartu", "tallinn"))


@pytest.fixture
def world(app, runner, world_recipe) -> World:
    return build_world(world_recipe, runner)


@pytest.fixture
def plan_2024(app, runner) -> None:
    """The built-in 2024 plan, loaded (restored after the worker's first load)."""
    load_plan(runner)


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

    from tests.accessibility import serving_axe

    # axe-core from the pages' own origin, for tests.accessibility (not an app route)
    server = make_server("127.0.0.1", 0, serving_axe(app), threaded=True)
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
