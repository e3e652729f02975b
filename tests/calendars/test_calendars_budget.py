"""Imported data is bounded in time, not only in size: one deadline covers connecting,
headers and body; rules are expanded within a time budget; a calendar has at most so many
occurrences. A refused import leaves the existing data untouched."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from factories import listed_events, make_org
from test_calendars_import import SINGLE, WEEKLY, ics  # noqa: I001  (a sibling test module)

from scheduler.calendars.models import ImportedCalendar
from scheduler.extensions import db


@pytest.fixture
def parnu(app, allow_loopback):
    app.config["CALENDARS_DAYS_BACK"] = 5000
    app.config["CALENDARS_TIMEOUT"] = 2.0
    org = make_org("parnu")
    db.session.commit()
    return org


def add(runner, source: str):
    return runner.invoke(args=["calendars", "add", source, "--org", "parnu"])


def refused_refresh(runner, upstream, body: bytes) -> str:
    upstream.body = ics(WEEKLY, SINGLE)
    assert add(runner, upstream.url).exit_code == 0
    before = listed_events(runner, "--org", "parnu")
    upstream.body = body
    result = runner.invoke(args=["calendars", "refresh"])
    assert result.exit_code != 0
    assert listed_events(runner, "--org", "parnu") == before
    calendar = db.session.scalars(db.select(ImportedCalendar)).one()
    db.session.refresh(calendar)
    assert calendar.last_status == "error"
    return result.output


@pytest.fixture
def header_dripper():
    """A server that accepts, sends a status line, then one header line every 0.3 s,
    forever: it never finishes its headers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def drip(conn):
        with conn:
            try:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                while not stop.wait(0.3):
                    conn.sendall(b"X-Slow: yes\r\n")
            except OSError:
                pass

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    stop.set()
    server.close()


def test_a_server_dripping_its_headers_is_cut_off_at_the_deadline(
    runner, parnu, allow_loopback, header_dripper
):
    allow_loopback(header_dripper)
    started = time.monotonic()
    result = add(runner, f"http://127.0.0.1:{header_dripper}/partner.ics")
    elapsed = time.monotonic() - started
    assert result.exit_code != 0
    assert "did not deliver the calendar within 2 seconds" in result.output
    assert elapsed < 10  # a bound on a refusal, not a benchmark: before, no bound at all
    assert db.session.scalars(db.select(ImportedCalendar)).all() == []


@pytest.mark.parametrize("start", ["20250301T100000", "19700101T000000"])
def test_a_rule_repeating_every_second_is_refused_clearly(runner, parnu, upstream, start):
    secondly = SINGLE.replace("20240510T120000", start).replace(
        "SUMMARY:", "RRULE:FREQ=SECONDLY\nSUMMARY:"
    )
    output = refused_refresh(runner, upstream, ics(secondly))
    assert "repeats every second" in output


def test_a_rule_too_costly_to_expand_is_refused_within_the_budget(app, runner, parnu, upstream):
    app.config["CALENDARS_IMPORT_DEADLINE_SECONDS"] = 0.5
    hourly_since_1000 = SINGLE.replace("20240510T120000", "10000101T120000").replace(
        "SUMMARY:", "RRULE:FREQ=HOURLY\nSUMMARY:"
    )
    started = time.monotonic()
    output = refused_refresh(runner, upstream, ics(hourly_since_1000))
    assert "takes longer than 0.5 seconds" in output
    assert time.monotonic() - started < 30  # a bound on a refusal; before: minutes


def test_a_calendar_with_more_occurrences_than_the_cap_is_refused(app, runner, parnu, upstream):
    app.config["CALENDARS_MAX_OCCURRENCES"] = 6
    more = ics(WEEKLY, SINGLE, SINGLE.replace("open-day", "other"))  # 5 + 1 + 1
    output = refused_refresh(runner, upstream, more)
    assert "more than 6 occurrences" in output
