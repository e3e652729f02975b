"""What ``GET /healthz`` and ``GET /healthz/jobs`` report.

``/healthz`` is the web node's: the database answers and its migrations are at the code's
head. The job clock's last tick is reported there but never fails it (web nodes serve pages
whether or not a worker runs). ``/healthz/jobs`` is the clock's: it fails when the last tick
is older than HEALTHZ_MAX_TICK_AGE_SECONDS. Both answer within HEALTHZ_TIMEOUT_SECONDS
whatever the database does: the probe runs in a thread of its own, one at a time per process,
and a probe that has not finished by then counts as "unreachable"."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..core.database import one_line
from ..core.time import utcnow
from ..extensions import db
from ..jobs.models import JobRun

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@dataclass(frozen=True)
class Health:
    database: str  # "ok" | "unreachable"
    current: str | None  # the database's Alembic revision(s), comma-separated
    head: str  # the code's Alembic head(s)
    tick_age_seconds: float | None
    max_tick_age_seconds: int

    @property
    def migrations_at_head(self) -> bool:
        return self.current == self.head

    @property
    def clock_ok(self) -> bool:
        if not self.max_tick_age_seconds:
            return True
        return self.tick_age_seconds is not None and (
            self.tick_age_seconds <= self.max_tick_age_seconds
        )

    @property
    def ok(self) -> bool:
        """The web node can serve (the clock does not count: see ``jobs_ok``)."""
        return self.database == "ok" and self.migrations_at_head

    @property
    def jobs_ok(self) -> bool:
        return self.database == "ok" and self.clock_ok

    def as_json(self) -> dict:
        return {
            "status": "ok" if self.ok else "fail",
            "database": self.database,
            "migrations": {"current": self.current, "head": self.head},
            "clock": self.clock_json(),
        }

    def clock_json(self) -> dict:
        return {
            "last_tick_age_seconds": self.tick_age_seconds,
            "max_age_seconds": self.max_tick_age_seconds or None,
        }

    def jobs_json(self) -> dict:
        return {
            "status": "ok" if self.jobs_ok else "fail",
            "database": self.database,
            "clock": self.clock_json(),
        }


def script_heads(app: Flask) -> str:
    """The migration scripts' head revision(s), read once per app."""
    heads = app.extensions.get("operations.migration_heads")
    if heads is None:
        heads = _joined(ScriptDirectory(str(MIGRATIONS)).get_heads())
        app.extensions["operations.migration_heads"] = heads
    return heads


def _joined(revisions) -> str | None:
    return ",".join(sorted(revisions)) or None


def timely_health(app: Flask) -> Health:
    """:func:`check_health` within HEALTHZ_TIMEOUT_SECONDS, else "unreachable"."""
    probe = app.extensions.get("operations.health_probe")
    if probe is None:
        probe = app.extensions.setdefault("operations.health_probe", _Probe())
    found = probe.result(app, float(app.config["HEALTHZ_TIMEOUT_SECONDS"]))
    if found is None:
        log.warning("healthz: the database did not answer in time")
        return _unreachable(app)
    return found


class _Probe:
    """One health check at a time per process, in a daemon thread: a request that comes
    while one runs waits for that one (a frozen database never piles up threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: tuple[threading.Event, list] | None = None

    def result(self, app: Flask, timeout: float) -> Health | None:
        with self._lock:
            if self._running is None or self._running[0].is_set():
                self._running = (threading.Event(), [])
                done, box = self._running
                threading.Thread(
                    target=self._check, args=(app, done, box), name="healthz", daemon=True
                ).start()
            done, box = self._running
        done.wait(timeout)
        return box[0] if box else None

    @staticmethod
    def _check(app: Flask, done: threading.Event, box: list) -> None:
        try:
            with app.app_context():
                box.append(check_health(app))
        finally:
            done.set()


def _unreachable(app: Flask) -> Health:
    max_age = int(app.config["HEALTHZ_MAX_TICK_AGE_SECONDS"])
    return Health("unreachable", None, script_heads(app), None, max_age)


def check_health(app: Flask) -> Health:
    head = script_heads(app)
    max_age = int(app.config["HEALTHZ_MAX_TICK_AGE_SECONDS"])
    try:
        with db.engine.connect() as connection:
            current = _current_revisions(connection)
            tick_age = _tick_age(connection)
    except SQLAlchemyError as error:
        log.warning("healthz: database unreachable: %s", one_line(error))
        return Health("unreachable", None, head, None, max_age)
    return Health("ok", current, head, tick_age, max_age)


def _current_revisions(connection) -> str | None:
    try:
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return _joined(rows.scalars())
    except SQLAlchemyError:  # no alembic_version table: never migrated
        connection.rollback()
        connection.execute(text("SELECT 1"))  # but the database does answer
        return None


def _tick_age(connection) -> float | None:
    try:
        last = connection.execute(select(func.max(JobRun.finished_at))).scalar()
    except SQLAlchemyError:  # job_run not migrated yet: the migrations report says why
        connection.rollback()
        return None
    return None if last is None else round(max((utcnow() - last).total_seconds(), 0.0), 1)
