"""What ``GET /healthz`` reports: database, migrations, the job clock's last tick."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

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
        return self.database == "ok" and self.migrations_at_head and self.clock_ok

    def as_json(self) -> dict:
        return {
            "status": "ok" if self.ok else "fail",
            "database": self.database,
            "migrations": {"current": self.current, "head": self.head},
            "clock": {
                "last_tick_age_seconds": self.tick_age_seconds,
                "max_age_seconds": self.max_tick_age_seconds or None,
            },
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


def check_health(app: Flask) -> Health:
    head = script_heads(app)
    max_age = int(app.config.get("HEALTHZ_MAX_TICK_AGE_SECONDS") or 0)
    try:
        with db.engine.connect() as connection:
            current = _current_revisions(connection)
            tick_age = _tick_age(connection)
    except SQLAlchemyError as error:
        log.warning("healthz: database unreachable: %s", type(error).__name__)
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
