"""`flask worker` runs the clock in its own process and catches up what is due at start."""

from __future__ import annotations

import signal
import subprocess
from datetime import timedelta

from factories import make_series
from jobs_support import FLASK, ROOT, child_env
from polling import wait_until
from smtp_sink import SmtpSink
from sqlalchemy import select

from scheduler.core.time import utcnow
from scheduler.events import signals
from scheduler.events.models import Event
from scheduler.extensions import db
from scheduler.mail.models import Reminder


def test_the_worker_sends_what_is_due_and_stops_cleanly_on_sigterm(app):
    start = utcnow() + timedelta(days=3)  # its 7-day reminder is due already
    series = make_series(organisers=["leader@x.ee"], rule=None)  # one past occurrence
    event = Event(series=series, original_start=start, start=start, end=start + timedelta(hours=1))
    db.session.add(event)
    db.session.flush()
    signals.occurrence_scheduled.send(event)
    db.session.commit()
    (due,) = db.session.scalars(select(Reminder).where(Reminder.slot == "7d")).all()

    sink = SmtpSink().start()
    env = child_env(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(sink.port))
    worker = subprocess.Popen(
        [FLASK, "--app", "wsgi", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: len(sink.received) >= 1, what="the worker sent nothing")
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
        sink.stop()
    assert worker.returncode == 0, err
    assert "worker stopped" in out
    assert sink.message_ids() == [due.message_id]
    db.session.expire_all()
    assert db.session.get(Reminder, due.id).status == "sent"


def test_worker_once_runs_every_job_and_exits(app, runner):
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.output.splitlines()] == [
        "dispatch",
        "refresh_calendars",
        "extend_horizons",
        "digest",
        "erase_registrations",
        "subscriber_digest",
        "erase_unconfirmed_subscribers",
    ]
    assert "None" not in result.output  # no job failed
