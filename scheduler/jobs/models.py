"""The clock's trace in the database: one row per job with its last run.

The worker runs in its own process (production), so whoever asks how the clock is doing
(``GET /healthz``) reads it here rather than from memory.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.types import UTCDateTime
from ..extensions import db

DETAIL_LENGTH = 500


class JobRun(db.Model):
    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    duration_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)  # ok | failed
    detail: Mapped[str | None] = mapped_column(String(DETAIL_LENGTH))


def record_run(
    name: str, started_at: datetime, finished_at: datetime, outcome: str, detail: str | None
) -> None:
    """Upsert the job's row in its own transaction (two clocks may race: last one wins)."""
    values = {
        "name": name,
        "started_at": started_at,
        "finished_at": finished_at,
        "duration_ms": round((finished_at - started_at).total_seconds() * 1000),
        "outcome": outcome,
        "detail": (detail or None) and detail[:DETAIL_LENGTH],
    }
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(JobRun).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[JobRun.name], set_={k: v for k, v in values.items() if k != "name"}
    )
    db.session.execute(statement)
    db.session.commit()


def last_tick_at() -> datetime | None:
    """When the clock last finished any job, or None if it never ran."""
    return db.session.scalar(db.select(db.func.max(JobRun.finished_at)))
