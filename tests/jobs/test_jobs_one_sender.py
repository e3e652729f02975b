"""One sender per process: the digest job's dispatch waits for a running dispatch tick, so a
worker killed while sending leaves at most one message the SMTP server accepted but the
outbox never recorded (issue 15.18)."""

from __future__ import annotations

import threading
import time

from scheduler.jobs import clock
from scheduler.reminders import dispatch
from scheduler.reminders.dispatch import DispatchReport


def test_the_dispatch_and_digest_jobs_never_send_at_the_same_time(app, monkeypatch):
    running, most = [0], [0]
    lock = threading.Lock()

    def slow_dispatch(now, **_kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        return DispatchReport()

    monkeypatch.setattr(dispatch, "dispatch_due", slow_dispatch)
    monkeypatch.setattr("scheduler.reminders.digest.plan_weekly_digests", lambda now: 0)
    jobs = [
        threading.Thread(target=clock.run_job, args=(app, name))
        for name in ("dispatch", "digest", "dispatch", "digest")
    ]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join(timeout=10)
    assert most[0] == 1
