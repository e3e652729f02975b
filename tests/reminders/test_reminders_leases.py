"""Short leases renewed by a heartbeat, and every accepted mail recorded even through a
database hiccup: a dead worker's rows go out within a minute, an outage adds no duplicate
(issue 15.18)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from factories import make_series
from polling import wait_until
from reminders_support import make_event
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from config import Config
from scheduler.extensions import db
from scheduler.mail.models import Reminder
from scheduler.reminders.dispatch import claim_due, dispatch_due, mark_sent
from tests.support.time import tallinn

DUE = tallinn(2024, 3, 8, 12)


def due_reminders(count: int) -> list[Reminder]:
    series = make_series(organisers=[f"org{i:02d}@x.ee" for i in range(count)])
    make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    return list(db.session.scalars(select(Reminder).where(Reminder.slot == "7d")))


def statuses() -> Counter:
    db.session.expire_all()
    return Counter(
        r.status for r in db.session.scalars(select(Reminder).where(Reminder.slot == "7d"))
    )


def test_by_default_a_dead_workers_rows_are_taken_again_within_a_minute():
    assert Config.DISPATCH_LEASE_SECONDS + Config.DISPATCH_INTERVAL_SECONDS <= 60
    assert Config.DISPATCH_HEARTBEAT_SECONDS < Config.DISPATCH_LEASE_SECONDS / 2


def test_the_lease_is_renewed_while_a_slow_batch_is_sent(smtp_app, smtp):
    """A batch that takes longer than the lease is never taken over by another dispatcher."""
    smtp_app.config.update(DISPATCH_LEASE_SECONDS=2, DISPATCH_HEARTBEAT_SECONDS=0.2)
    due = due_reminders(8)
    smtp.handler.delay = 0.6  # 8 mails: about 4.8 s, more than twice the lease
    started = time.monotonic()
    sending = threading.Thread(target=_dispatch_in_its_own_context, args=(smtp_app, DUE))
    sending.start()
    wait_until(lambda: smtp.message_ids(), what="the first mail")
    time.sleep(2.5)  # past the first lease, whatever the machine's load before the first mail
    assert sending.is_alive(), "the batch must still be sending for this to test anything"
    # another dispatcher, at the same moment of its own clock, finds nothing to take
    elapsed = timedelta(seconds=time.monotonic() - started)
    assert claim_due(DUE + elapsed, limit=50).ids == []
    sending.join(timeout=30)
    assert Counter(smtp.message_ids()) == Counter({r.message_id: 1 for r in due})
    assert statuses() == Counter({"sent": len(due)})


def _dispatch_in_its_own_context(app, now) -> None:
    with app.app_context():
        dispatch_due(now)
        db.session.remove()


def test_an_accepted_mail_is_recorded_once_the_database_answers_again(smtp_app, smtp):
    """Recording "sent" fails twice (the database went away); the worker retries instead
    of leaving the row to be sent again when its lease ends."""
    smtp_app.config.update(DISPATCH_MARK_RETRY_SECONDS=30)
    due = due_reminders(3)
    failures = {"left": 2}

    def lose_the_connection(_conn, _cursor, statement, *_args):
        recording = statement.lstrip().upper().startswith("UPDATE REMINDER")
        if recording and "sent_at" in statement and failures["left"]:
            failures["left"] -= 1
            raise OperationalError(statement, {}, Exception("server closed the connection"))

    event.listen(db.engine, "before_cursor_execute", lose_the_connection)
    try:
        report = dispatch_due(DUE)
    finally:
        event.remove(db.engine, "before_cursor_execute", lose_the_connection)
    assert failures["left"] == 0 and report.sent == len(due)
    assert statuses() == Counter({"sent": len(due)})
    later = dispatch_due(DUE + timedelta(hours=1))  # every lease long over
    assert later.claimed == 0
    assert Counter(smtp.message_ids()) == Counter({r.message_id: 1 for r in due})


def test_a_mail_sent_under_a_lease_that_ran_out_is_recorded_and_not_sent_again(smtp_app, smtp):
    """The database answered too late for the lease: another dispatcher claimed the row
    but has not sent it yet. The first one's "sent" wins and the second skips the row."""
    smtp_app.config.update(DISPATCH_LEASE_SECONDS=1)
    (reminder,) = due_reminders(1)
    first = claim_due(DUE, limit=1)
    second = claim_due(DUE + timedelta(seconds=5), limit=1)  # the lease ended
    assert first.ids == second.ids == [reminder.id]
    mark_sent(first, reminder.id, DUE)
    assert statuses() == Counter({"sent": 1})
    assert dispatch_due(DUE + timedelta(seconds=5)).sent == 0


def test_a_database_failure_while_a_mail_is_built_is_not_a_broken_message(
    smtp_app, smtp, monkeypatch
):
    """The database went away in the middle of a batch: its rows wait for their lease to
    end, with no error recorded against them and no attempt spent on a "broken" message."""
    smtp_app.config.update(DISPATCH_LEASE_SECONDS=1)
    due = due_reminders(2)

    def lose_the_connection(row):
        raise OperationalError("SELECT …", {}, Exception("server closed the connection"))

    monkeypatch.setattr("scheduler.reminders.dispatch.build_mail", lose_the_connection)
    with pytest.raises(OperationalError):
        dispatch_due(DUE)
    monkeypatch.undo()
    db.session.rollback()
    db.session.expire_all()
    rows = list(db.session.scalars(select(Reminder).where(Reminder.slot == "7d")))
    assert {(r.status, r.last_error) for r in rows} == {("sending", None)}
    assert smtp.received == []
    assert dispatch_due(DUE + timedelta(seconds=5)).sent == len(due)
