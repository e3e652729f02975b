"""The clock: which job runs when, and how a job runs (app context, errors logged)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app

from ..core.database import is_database_unavailable, one_line
from ..core.time import utcnow
from ..extensions import db
from ..history.recording import acting_as

log = logging.getLogger(__name__)


#: One sender per process: the digest job's dispatch waits for a running dispatch tick, so a
#: worker that dies leaves at most one message accepted by the SMTP server but unrecorded.
_SENDING = threading.Lock()


def dispatch_tick(now: datetime) -> str:
    from ..reminders.dispatch import dispatch_due

    with _SENDING:
        return dispatch_due(now).summary()


def extend_horizons(now: datetime) -> str:
    from ..plans.loader import extend_horizons as extend

    report = extend(now, months=current_app.config["HORIZON_MONTHS"])
    return f"events: {report.created} new, {report.moved} moved, {report.withdrawn} withdrawn"


def weekly_digest(now: datetime) -> str:
    from ..reminders.digest import plan_weekly_digests
    from ..reminders.dispatch import dispatch_due

    planned = plan_weekly_digests(now)
    with _SENDING:
        return f"planned {planned} digest(s); {dispatch_due(now).summary()}"


def refresh_calendars(now: datetime) -> str:
    from ..calendars.importer import refresh_due_calendars

    results = refresh_due_calendars(now)
    return f"refreshed {len(results)} imported calendar(s)"


def erase_registrations(now: datetime) -> str:
    from ..registrations.service import erase_expired

    erased = erase_expired(now, int(current_app.config["REGISTRATION_RETENTION_DAYS"]))
    return f"erased {erased} registration(s)"


def subscriber_digest(now: datetime) -> str:
    from ..subscriptions.service import send_digests

    with _SENDING:
        return send_digests(now)


def erase_unconfirmed_subscribers(now: datetime) -> str:
    from ..subscriptions.service import erase_unconfirmed

    return f"erased {erase_unconfirmed(now)} unconfirmed subscription(s)"


JOBS: dict[str, Callable[[datetime], str]] = {
    "dispatch": dispatch_tick,
    "refresh_calendars": refresh_calendars,
    "extend_horizons": extend_horizons,
    "digest": weekly_digest,
    "erase_registrations": erase_registrations,
    "subscriber_digest": subscriber_digest,
    "erase_unconfirmed_subscribers": erase_unconfirmed_subscribers,
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
        except Exception as error:
            if is_database_unavailable(error):  # one line per tick, not a traceback
                log.warning("job %s failed: database unavailable: %s", name, one_line(error))
            else:
                log.exception("job %s failed", name)
            _rollback()
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
    except Exception as error:  # the clock goes on even where job_run is not migrated yet
        if is_database_unavailable(error):
            log.warning("job %s: its run could not be recorded: %s", name, one_line(error))
        else:
            log.warning("job %s: its run could not be recorded", name, exc_info=True)
        _rollback()


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception as error:  # the connection is gone; the next use takes a new one
        log.warning("rollback failed: %s", one_line(error))


def add_jobs(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    """Every DISPATCH_INTERVAL_SECONDS a dispatch tick, every 15 minutes the imported
    calendars that are due, daily the horizon, the registrations' erasure and that of
    subscriptions never confirmed, Monday 08:00 local the digest and 08:30 the subscribers'.

    Each also runs once at start, so whatever fell due while nothing ran is caught up.
    """
    tz = app.config["TIMEZONE"]
    start = datetime.now(scheduler.timezone)
    triggers = {
        "dispatch": IntervalTrigger(seconds=app.config["DISPATCH_INTERVAL_SECONDS"], timezone=tz),
        "refresh_calendars": IntervalTrigger(minutes=15, timezone=tz),
        "extend_horizons": CronTrigger(hour=3, minute=15, timezone=tz),
        "digest": CronTrigger(day_of_week="mon", hour=8, minute=0, timezone=tz),
        "erase_registrations": CronTrigger(hour=3, minute=45, timezone=tz),
        "subscriber_digest": CronTrigger(day_of_week="mon", hour=8, minute=30, timezone=tz),
        "erase_unconfirmed_subscribers": CronTrigger(hour=4, minute=0, timezone=tz),
    }
    # the digest may still run 12 hours late; the others keep the job_defaults
    options = {
        "digest": {"misfire_grace_time": 12 * 3600},
        "subscriber_digest": {"misfire_grace_time": 12 * 3600},
    }
    for name, trigger in triggers.items():
        scheduler.add_job(
            run_job,
            trigger,
            args=[app, name],
            id=name,
            next_run_time=start,
            **options.get(name, {}),
        )
    return scheduler


def make_scheduler(app: Flask, scheduler_class: type[BaseScheduler]) -> BaseScheduler:
    scheduler = scheduler_class(
        timezone=app.config["TIMEZONE"],
        # one run at a time; runs missed while busy collapse into one
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    return add_jobs(scheduler, app)
