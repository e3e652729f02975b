"""Real dispatcher processes: two at once, and one killed with SIGKILL in mid-batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from factories import make_series
from reminders_support import make_event
from sqlalchemy import select

from scheduler.extensions import db
from scheduler.mail.models import Reminder
from tests.support.time import tallinn

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def dispatcher(app, smtp_port: int, now: str, batch_size: int = 5) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_port),
        SECRET_KEY="test-secret",
        SCHEDULER_EMBEDDED="0",
    )
    return subprocess.Popen(
        [
            FLASK,
            "--app",
            "wsgi",
            "reminders",
            "dispatch",
            "--now",
            now,
            "--batch-size",
            str(batch_size),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def plan_due_reminders(organisers: int, events: int) -> list[Reminder]:
    """``organisers × events`` 7-day reminders all due on 2024-03-08 12:00."""
    series = make_series(organisers=[f"org{i:03d}@x.ee" for i in range(organisers)])
    for day in range(events):
        make_event(series, tallinn(2024, 3, 12 + day, 18))
    db.session.commit()
    return list(db.session.scalars(select(Reminder).where(Reminder.slot == "7d")))


def outbox_state() -> Counter:
    db.session.expire_all()
    return Counter(
        (r.status, r.attempts)
        for r in db.session.scalars(select(Reminder).where(Reminder.slot == "7d"))
    )


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out.strip()


def test_two_dispatchers_at_once_deliver_each_reminder_exactly_once(app, smtp):
    due = plan_due_reminders(organisers=30, events=4)
    smtp.handler.wait_for_sessions = 2  # neither finishes before the other has sent too
    smtp.handler.delay = 0.005
    first = dispatcher(app, smtp.port, "2024-03-08T12:00")
    second = dispatcher(app, smtp.port, "2024-03-08T12:00")
    reports = [finish(first), finish(second)]

    received = Counter(smtp.message_ids())
    assert len(smtp.handler.sessions) >= 2
    assert received == Counter({r.message_id: 1 for r in due})
    assert outbox_state() == Counter({("sent", 1): len(due)})
    sent_by = [int(report.split("sent=")[1].split()[0]) for report in reports]
    assert sum(sent_by) == len(due) and min(sent_by) > 0, reports


def test_a_dispatcher_killed_mid_batch_loses_nothing_and_repeats_only_the_unconfirmed_one(
    app, smtp
):
    due = plan_due_reminders(organisers=20, events=2)
    victim: list[subprocess.Popen] = []

    def kill_before_confirming(count: int) -> None:
        # The server has the 12th message but the sender never hears "250": the one window
        # in which a duplicate is possible.
        if count == 12:
            os.kill(victim[0].pid, signal.SIGKILL)

    smtp.handler.on_accept = kill_before_confirming
    victim.append(dispatcher(app, smtp.port, "2024-03-08T12:00"))
    victim[0].wait(timeout=120)
    assert victim[0].returncode == -signal.SIGKILL
    smtp.handler.on_accept = None
    in_doubt = smtp.received[11].message_id
    state = outbox_state()
    assert state[("sent", 1)] == 11 and state[("sending", 1)] >= 1

    # Restarted before the lease (DISPATCH_LEASE_SECONDS, 30) ends: claimed rows are left alone.
    finish(dispatcher(app, smtp.port, "2024-03-08T12:00:10"))
    assert outbox_state()[("sending", 1)] == state[("sending", 1)]

    # Once it has ended (nobody renews it) they are taken again, with the same Message-ID.
    finish(dispatcher(app, smtp.port, "2024-03-08T12:01"))
    received = Counter(smtp.message_ids())
    duplicates = {mid: n - 1 for mid, n in received.items() if n > 1}
    print(
        f"\nSIGKILL mid-batch: {len(due)} reminders, {sum(received.values())} messages, "
        f"duplicates={sum(duplicates.values())}"
    )
    assert set(received) == {r.message_id for r in due}  # nothing lost
    assert duplicates == {in_doubt: 1}  # only the message the server had but the sender never knew
    assert sum(outbox_state().values()) == len(due)
    assert {status for status, _ in outbox_state()} == {"sent"}
