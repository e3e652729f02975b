"""GET /healthz tells a load balancer whether this instance can serve: database reachable,
migrations at head, and how long ago the job clock last ran."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from scheduler import create_app
from scheduler.core.time import utcnow
from scheduler.extensions import db
from scheduler.jobs.clock import JOBS, run_job
from scheduler.jobs.models import JobRun
from scheduler.operations.health import script_heads
from tests.conftest import _config
from tests.jobs.jobs_support import ROOT

# The newest migration: revisions are numbered, and the file names start with the number.
HEAD = max(path.name.split("_")[0] for path in (ROOT / "migrations" / "versions").glob("0*.py"))


@pytest.fixture
def migrated_to(app):
    """Stamp the test database with a revision; the stamp is removed afterwards."""

    def _stamp(revision: str) -> None:
        stamp(revision=revision)

    yield _stamp
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_healthz_is_ok_with_the_database_at_the_migrations_head(app, client, migrated_to):
    migrated_to("heads")
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {
        "status": "ok",
        "database": "ok",
        "migrations": {"current": script_heads(app), "head": script_heads(app)},
        "clock": {"last_tick_age_seconds": None, "max_age_seconds": None},
    }
    assert script_heads(app) == HEAD


def test_healthz_sets_no_cookie_and_is_not_cached(client, migrated_to):
    migrated_to("heads")
    answer = client.get("/healthz", headers={"Accept-Language": "ru"})
    assert "Set-Cookie" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.mimetype == "application/json"


def test_healthz_answers_503_while_migrations_are_behind(client, migrated_to):
    migrated_to("0005")
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json["status"] == "fail"
    assert answer.json["migrations"] == {"current": "0005", "head": HEAD}


def test_healthz_answers_503_for_a_database_that_was_never_migrated(client):
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json["database"] == "ok"
    assert answer.json["migrations"]["current"] is None


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    closed_port = "postgresql+psycopg://postgres@127.0.0.1:9/test?connect_timeout=5"
    app = create_app(_config(closed_port, INSTANCE_PATH=str(tmp_path)))
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json["status"] == "fail"
    assert answer.json["database"] == "unreachable"
    assert answer.headers["Retry-After"]


def test_every_job_run_is_recorded_and_healthz_reports_the_last_tick(app, client, migrated_to):
    migrated_to("heads")
    assert run_job(app, "dispatch") is not None
    row = db.session.get(JobRun, "dispatch")
    assert row.outcome == "ok" and row.finished_at >= row.started_at
    age = client.get("/healthz").json["clock"]["last_tick_age_seconds"]
    assert age is not None and age >= 0


def test_a_failed_job_run_is_recorded_as_failed(app, monkeypatch):
    def broken(now):
        raise RuntimeError("upstream down")

    monkeypatch.setitem(JOBS, "broken", broken)
    assert run_job(app, "broken") is None
    row = db.session.get(JobRun, "broken")
    assert (row.outcome, row.detail) == ("failed", None)


def _last_tick(minutes_ago: int) -> None:
    then = utcnow() - timedelta(minutes=minutes_ago)
    db.session.add(
        JobRun(name="dispatch", started_at=then, finished_at=then, duration_ms=1, outcome="ok")
    )
    db.session.commit()


def test_a_stale_clock_is_reported_and_fails_the_jobs_probe_only_when_a_maximum_age_is_set(
    app, client, migrated_to
):
    migrated_to("heads")
    _last_tick(minutes_ago=120)
    relaxed = client.get("/healthz/jobs")
    assert relaxed.status_code == 200
    assert relaxed.json["clock"]["last_tick_age_seconds"] >= 7200

    app.config["HEALTHZ_MAX_TICK_AGE_SECONDS"] = 300
    strict = client.get("/healthz/jobs")
    assert strict.status_code == 503
    assert strict.json["status"] == "fail"
    assert strict.json["clock"]["max_age_seconds"] == 300


def test_a_clock_that_never_ran_fails_the_jobs_probe_when_one_is_expected(app, client, migrated_to):
    migrated_to("heads")
    app.config["HEALTHZ_MAX_TICK_AGE_SECONDS"] = 300
    assert client.get("/healthz/jobs").status_code == 503
    _last_tick(minutes_ago=1)
    assert client.get("/healthz/jobs").status_code == 200


def test_a_web_node_stays_healthy_while_no_worker_ticks(app, client, migrated_to):
    """Pages work without a worker: only the jobs probe fails on an old clock (issue 15.17)."""
    migrated_to("heads")
    app.config["HEALTHZ_MAX_TICK_AGE_SECONDS"] = 300
    node = client.get("/healthz")
    assert node.status_code == 200
    assert node.json["status"] == "ok"
    assert node.json["clock"] == {"last_tick_age_seconds": None, "max_age_seconds": 300}
    _last_tick(minutes_ago=120)
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/jobs").status_code == 503


@pytest.mark.postgres
@pytest.mark.timeout(60)
def test_healthz_answers_within_two_seconds_while_the_database_is_frozen(
    private_postgres, tmp_path
):
    """A frozen server answers nothing, not even its own statement timeout (issue 15.15)."""
    app = create_app(_config(private_postgres.url, INSTANCE_PATH=str(tmp_path)))
    client = app.test_client()
    assert client.get("/healthz").json["database"] == "ok"
    private_postgres.freeze()
    try:
        for _ in range(3):  # the first probe is still waiting: the next ones do not pile up
            started = time.monotonic()
            answer = client.get("/healthz")
            assert time.monotonic() - started < 2
            assert answer.status_code == 503
            assert answer.json["database"] == "unreachable"
            assert answer.headers["Retry-After"]
    finally:
        private_postgres.thaw()
    with app.app_context():
        db.engine.dispose()
