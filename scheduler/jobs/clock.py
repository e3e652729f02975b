"""The clock: which job runs when, and how a job runs (app context, errors logged)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app

from ..core.time import utcnow
from ..extensions import db
from ..history.recording import acting_as

log = logging.getLogger(__name__)


def dispatch_tick(now: datetime) -> str:
    from ..reminders.dispatch import dispatch_due

    return dispatch_due(now).summary()


def extend_horizons(now: datetime) -> str:
    from ..plans.loader import extend_horizons as extend

    report = extend(now, months=current_app.config.get("HORIZON_MONTHS", 24))
    return f"events: {report.created} new, {report.moved} moved, {report.withdrawn} withdrawn"


def weekly_digest(now: datetime) -> str:
    from ..reminders.digest import plan_weekly_digests
    from ..reminders.dispatch import dispatch_due

    planned = plan_weekly_digests(now)
    return f"planned {planned} digest(s); {dispatch_due(now).summary()}"


def refresh_calendars(now: datetime) -> str:
    from ..calendars.importer import refresh_due_calendars

    results = refresh_due_calendars(now)
    return f"refreshed {len(results)} imported calendar(s)"


JOBS: dict[str, Callable[[datetime], str]] = {
    "dispatch": dispatch_tick,
    "refresh_calendars": refresh_calendars,
    "extend_horizons": extend_horizons,
    "digest": weekly_digest,
}


def run_job(app: Flask, name: str, now: datetime | None = None) -> str | None:
    """Run one job in its own app context; a failure is logged and the clock goes on.

    Each run leaves one log line (job, duration, outcome) and its row in ``job_run``, the
    clock's last tick that ``/healthz`` reports."""
    with app.app_context():
        started_at, started = utcnow(), time.perf_counter()
        outcome: str | None = None
        try:
            with acting_as(f"job: {name}", user_id=None):
                outcome = JOBS[name](now or started_at)
                db.session.flush()
            return outcome
        except Exception:
            log.exception("job %s failed", name)
            db.session.rollback()
            return None
        finally:
            _record(name, started_at, time.perf_counter() - started, outcome)
            db.session.remove()


def _record(name: str, started_at: datetime, seconds: float, detail: str | None) -> None:
    from ..operations.logs import JOB_LOGGER, log_fields
    from .models import record_run

    result = "ok" if detail is not None else "failed"
    duration_ms = round(seconds * 1000, 1)
    log_fields(
        logging.getLogger(JOB_LOGGER),
        f"job {name} {result} in {duration_ms}ms: {detail or '-'}",
        {"event": "job", "job": name, "duration_ms": duration_ms, "outcome": result,
         "detail": detail},
    )  # fmt: skip
    try:
        record_run(name, started_at, started_at + timedelta(seconds=seconds), result, detail)
    except Exception:  # the clock goes on even where job_run is not migrated yet
        log.warning("job %s: its run could not be recorded", name, exc_info=True)
        db.session.rollback()


def add_jobs(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    """Every minute a dispatch tick, every 15 minutes the imported calendars that are due,
    daily the horizon, Monday 08:00 local the digest.

    Each also runs once at start, so whatever fell due while nothing ran is caught up.
    """
    tz = app.config.get("TIMEZONE", "Europe/Tallinn")
    start = datetime.now(scheduler.timezone)
    scheduler.add_job(
        run_job,
        IntervalTrigger(minutes=1, timezone=tz),
        args=[app, "dispatch"],
        id="dispatch",
        next_run_time=start,
    )
    scheduler.add_job(
        run_job,
        IntervalTrigger(minutes=15, timezone=tz),
        args=[app, "refresh_calendars"],
        id="refresh_calendars",
        next_run_time=start,
    )
    scheduler.add_job(
        run_job,
        CronTrigger(hour=3, minute=15, timezone=tz),
        args=[app, "extend_horizons"],
        id="extend_horizons",
        next_run_time=start,
    )
    scheduler.add_job(
        run_job,
        CronTrigger(day_of_week="mon", hour=8, minute=0, timezone=tz),
        args=[app, "digest"],
        id="digest",
        next_run_time=start,
        misfire_grace_time=12 * 3600,
    )
    return scheduler


def make_scheduler(app: Flask, scheduler_class: type[BaseScheduler]) -> BaseScheduler:
    scheduler = scheduler_class(
        timezone=app.config.get("TIMEZONE", "Europe/Tallinn"),
        # one run at a time; runs missed while busy collapse into one
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    return add_jobs(scheduler, app)
