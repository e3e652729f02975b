"""An import's cost in database statements does not grow with the number of events.

Statements are counted, never timed: a write path that queries or flushes once per upstream
event shows up here as hundreds of statements more for 500 events than for 50."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from factories import make_org
from sqlalchemy import event, func, select

from scheduler.calendars.importer import import_new_calendar, refresh_calendar
from scheduler.events.models import Event, EventStatus
from scheduler.extensions import db

SMALL, LARGE = 50, 500
# Room for what does not depend on the size: batches of a few hundred rows, the commits.
ALLOWANCE = 20


def single_events(count: int, prefix: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Partner//EN"]
    first = datetime(2024, 3, 1, 9, tzinfo=UTC)
    for number in range(count):
        start = first + timedelta(days=number // 4, hours=2 * (number % 4))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{prefix}-{number}@partner.ee",
            "DTSTAMP:20240101T000000Z",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + timedelta(minutes=90):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Keelekohvik {number}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@contextmanager
def counted_statements():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def parnu(app):
    app.config["CALENDARS_DAYS_BACK"] = 5000  # the events are in 2024
    app.config["CALENDARS_MAX_OCCURRENCES"] = LARGE
    org = make_org("parnu", name="Pärnu linn")
    db.session.commit()
    return org


def imported(org, size: int) -> tuple[int, int, int]:
    """Statements for a first import of ``size`` new events and for importing them again;
    and how many planned events the calendar then has."""
    data = single_events(size, f"n{size}")
    with counted_statements() as first:
        calendar, report = import_new_calendar(f"upload:{size}.ics", org.id, "club", data=data)
    assert report.created == size
    with counted_statements() as again:
        assert refresh_calendar(calendar, data=data).changes == 0
    planned = db.session.scalar(
        select(func.count(Event.id)).where(Event.status == EventStatus.PLANNED)
    )
    return len(first), len(again), planned


def test_importing_ten_times_more_events_takes_about_as_many_statements(parnu):
    small_first, small_again, _ = imported(parnu, SMALL)
    large_first, large_again, planned = imported(parnu, LARGE)
    assert planned == SMALL + LARGE  # both calendars are there, whole
    assert large_first < small_first + ALLOWANCE, (small_first, large_first)
    assert large_again < small_again + ALLOWANCE, (small_again, large_again)
