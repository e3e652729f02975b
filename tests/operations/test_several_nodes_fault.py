"""The documented production layout through a frozen database and a killed worker (issue 15).

Two gunicorn web nodes and two ``flask worker`` processes share one PostgreSQL server of the
test's own and send through a real SMTP sink. With reminders being sent, the server is
frozen (SIGSTOP, as a paused VM or a stalled disk would) and one worker is killed (SIGKILL).
Meanwhile ``/healthz`` answers within 2 s on both nodes, other requests get 503 or a stale
answer from memory and never wait beyond the statement timeout; after the server resumes
every due reminder goes out, the killed worker's claimed rows included, with at most the one
duplicate a kill between the SMTP server's acceptance and the commit may leave.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

import pytest
import sqlalchemy as sa
from factories import expand, make_org, make_series
from flask_migrate import stamp
from polling import server_answers, wait_until
from smtp_sink import SmtpSink

from scheduler import create_app
from scheduler.core.time import zone
from scheduler.extensions import db
from scheduler.mail.models import Reminder
from tests.conftest import _config
from tests.operations.private_postgres import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STATEMENT_TIMEOUT = 2  # seconds; the client-side bound is half a second more
FROZEN_FOR = 8  # seconds
ORGANISERS = 60  # one due reminder each
HEALTH_BOUND = 2.0  # the contract of /healthz
REQUEST_BOUND = STATEMENT_TIMEOUT + 0.5 + 2.0  # the bound, and slack for a loaded machine

SETTINGS = {
    "SECRET_KEY": "one-key-shared-by-every-node-" + "x" * 20,
    "SCHEDULER_EMBEDDED": "0",
    "DATABASE_STATEMENT_TIMEOUT_SECONDS": str(STATEMENT_TIMEOUT),
    "DATABASE_LOCK_TIMEOUT_SECONDS": "1",
    "DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
    "DATABASE_POOL_TIMEOUT_SECONDS": "1",
    "DATABASE_RETRY_AFTER_SECONDS": "2",
    "HEALTHZ_TIMEOUT_SECONDS": "1",
    "DISPATCH_INTERVAL_SECONDS": "2",
    "DISPATCH_LEASE_SECONDS": "4",
    "DISPATCH_HEARTBEAT_SECONDS": "1",
    "DISPATCH_BATCH_SIZE": "5",
    "DISPATCH_MARK_RETRY_SECONDS": "120",
    "MAIL_TIMEOUT_SECONDS": "5",
}


@pytest.fixture
def database(private_postgres):
    """A fresh database on the private server, at the migrations' head."""
    name = f"fault_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(private_postgres.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    url = private_postgres.url.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


class Layout:
    """The processes of the documented layout, their logs in ``folder``."""

    def __init__(self, url: str, smtp_port: int, folder: Path) -> None:
        self.env = dict(
            os.environ,
            DATABASE_URL=url,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(smtp_port),
            SCHEDULER_INSTANCE=str(folder / "instance"),
            **SETTINGS,
        )
        self.folder = folder
        self.processes: dict[str, subprocess.Popen] = {}
        self.web_ports: list[int] = []

    def start_web(self, name: str) -> None:
        port = free_port()
        self.web_ports.append(port)
        self._start(
            name,
            [str(BIN / "gunicorn"), "-w", "1", "-k", "gthread", "--threads", "4",
             "-b", f"127.0.0.1:{port}", "--graceful-timeout", "2", "wsgi:app"],
        )  # fmt: skip

    def start_worker(self, name: str) -> None:
        self._start(name, [str(BIN / "flask"), "--app", "wsgi", "worker"])

    def _start(self, name: str, command: list[str]) -> None:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def get(port: int, path: str) -> tuple[int, dict, float]:
    """Status, headers and how long the answer took (an error status is an answer too)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
            answer.read()
            status, headers = answer.status, dict(answer.headers)
    except urllib.error.HTTPError as error:
        status, headers = error.code, dict(error.headers)
    return status, headers, time.monotonic() - started


def wait_for(condition, timeout: float, what: str) -> float:
    """Seconds until ``condition()`` held (``tests/polling.py``'s wait, timed)."""
    started = time.monotonic()
    wait_until(condition, timeout=timeout, interval=0.2, what=what)
    return time.monotonic() - started


def plan_due_reminders(url: str, tmp_path: Path) -> list[str]:
    """A schema at head, one public event in three days, its 7-day reminders due now."""
    app = create_app(_config(url, INSTANCE_PATH=str(tmp_path / "setup")))
    with app.app_context():
        db.create_all()
        stamp(revision="heads")
        start = datetime.now(zone("Europe/Tallinn")) + timedelta(days=3)
        series = make_series(  # one occurrence, which the workers' horizon job leaves alone
            org=make_org("tartu"),
            rule=None,
            start=start.date(),
            at=time_of_day(start.hour, start.minute),
            bounds=None,
            organisers=[f"org{i:03d}@x.ee" for i in range(ORGANISERS)],
        )
        expand(series)
        db.session.commit()
        ids = list(db.session.scalars(sa.select(Reminder.message_id).where(Reminder.slot == "7d")))
        db.engine.dispose()
    return ids


def statuses(url: str) -> Counter:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT status, count(*) FROM reminder WHERE slot = '7d' GROUP BY status")
            )
            return Counter(dict(rows.all()))
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_a_frozen_database_and_a_killed_worker_lose_nothing_and_hang_nothing(
    database, private_postgres, tmp_path
):
    began = time.monotonic()
    smtp = SmtpSink().start()
    layout = Layout(database, smtp.port, tmp_path)
    try:
        for name in ("web1", "web2"):
            layout.start_web(name)
        for port in layout.web_ports:  # the schema is not there yet: 503, never a hang
            wait_until(
                lambda p=port: server_answers(f"http://127.0.0.1:{p}/healthz"),
                timeout=30,
                what=f"gunicorn on {port} answers",
            )
        due = plan_due_reminders(database, tmp_path)
        for port in layout.web_ports:
            assert get(port, "/healthz")[0] == 200
            assert get(port, "/feeds/all.ics")[0] == 200  # now in this node's memory
            assert get(port, "/api/events")[0] == 200

        smtp.handler.delay = 0.1  # sending takes a while: the freeze comes in the middle
        for name in ("worker1", "worker2"):
            layout.start_worker(name)
        wait_for(lambda: len(set(smtp.message_ids()) & set(due)) >= 10, 60, "sending began")

        private_postgres.freeze()
        layout.processes["worker1"].send_signal(signal.SIGKILL)
        frozen_at = time.monotonic()
        received_before = len(smtp.message_ids())
        answers: list[tuple[str, int, dict, float]] = []
        try:
            while time.monotonic() - frozen_at < FROZEN_FOR:
                for port in layout.web_ports:
                    for path in ("/healthz", "/feeds/all.ics", "/api/events", "/?lang=en"):
                        answers.append((path, *get(port, path)))
        finally:
            private_postgres.thaw()
        thawed_at = time.monotonic()

        health = [(status, took) for path, status, _h, took in answers if path == "/healthz"]
        assert health and all(took < HEALTH_BOUND for _status, took in health), health
        assert {status for status, _took in health} == {503}
        others = [a for a in answers if a[0] != "/healthz"]
        assert all(took < REQUEST_BOUND for *_rest, took in others), max(a[3] for a in others)
        assert all(status in (200, 503) for _p, status, _h, _t in others)
        refused = [headers for _p, status, headers, _t in others if status == 503]
        assert refused and all("Retry-After" in headers for headers in refused)
        stale = [path for path, status, headers, _t in others if "Warning" in headers]
        assert "/feeds/all.ics" in stale and "/api/events" in stale

        recovered = wait_for(
            lambda: set(due) <= set(smtp.message_ids()), 90, "every due reminder delivered"
        )
        wait_for(
            lambda: statuses(database) == Counter({"sent": len(due)}), 30, "all recorded as sent"
        )
        received = Counter(mid for mid in smtp.message_ids() if mid in set(due))
        duplicates = sum(count - 1 for count in received.values())
        assert duplicates <= 1, _duplicates_explained(smtp.message_ids(), received_before)
        for name in ("web1", "web2", "worker2"):  # one line per failure, never a traceback
            assert "Traceback" not in layout.log(name), layout.log(name)[-3000:]
        assert "database unavailable" in layout.log("web1") + layout.log("web2")
        assert get(layout.web_ports[0], "/healthz")[0] == 200
        print(
            f"\nfault test: frozen {thawed_at - frozen_at:.1f} s, {len(answers)} requests, "
            f"max /healthz {max(t for _s, t in health):.2f} s, all {len(due)} delivered "
            f"{recovered:.1f} s after recovery, duplicates={duplicates}, "
            f"whole test {time.monotonic() - began:.1f} s"
        )
    finally:
        private_postgres.thaw()
        layout.stop()
        smtp.stop()


def _duplicates_explained(message_ids: list[str], received_before: int) -> str:
    """Where each duplicate came in: before the freeze (the killed worker) or after."""
    positions: dict[str, list[int]] = {}
    for position, message_id in enumerate(message_ids):
        positions.setdefault(message_id, []).append(position)
    twice = {mid: where for mid, where in positions.items() if len(where) > 1}
    return f"{received_before} received when frozen; duplicates at positions {twice}"
