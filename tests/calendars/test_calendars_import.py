"""Importing a partner's .ics: matched by UID and RECURRENCE-ID, bad input refused whole."""

from __future__ import annotations

import socket

import pytest
from factories import listed_events, make_org, make_series

from scheduler.calendars.models import ImportedCalendar
from scheduler.events.models import Series
from scheduler.events.service import record_outcome
from scheduler.extensions import db

HEADER = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Partner//EN\r\nX-WR-TIMEZONE:Europe/Tallinn\r\n"
)
FOOTER = "END:VCALENDAR\r\n"

WEEKLY = """BEGIN:VEVENT
UID:cafe@partner.ee
DTSTAMP:20240101T000000Z
DTSTART;TZID=Europe/Tallinn:20240305T170000
DTEND;TZID=Europe/Tallinn:20240305T183000
RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=6
EXDATE;TZID=Europe/Tallinn:20240319T170000
SUMMARY:Keelekohvik
LOCATION:Pärnu Keskraamatukogu
END:VEVENT
"""
MOVED = """BEGIN:VEVENT
UID:cafe@partner.ee
DTSTAMP:20240101T000000Z
RECURRENCE-ID:20240402T140000Z
DTSTART:20240403T140000Z
DTEND:20240403T153000Z
SUMMARY:Keelekohvik (kolmapäeval)
END:VEVENT
"""
SINGLE = """BEGIN:VEVENT
UID:open-day@partner.ee
DTSTAMP:20240101T000000Z
DTSTART;TZID=Europe/Tallinn:20240510T120000
DTEND;TZID=Europe/Tallinn:20240510T150000
SUMMARY:Avatud uste päev
END:VEVENT
"""


def ics(*events: str) -> bytes:
    return (HEADER + "".join(e.replace("\n", "\r\n") for e in events) + FOOTER).encode()


@pytest.fixture
def parnu(app, allow_loopback):
    app.config["CALENDARS_DAYS_BACK"] = 5000  # the fixtures are in 2024
    app.config["CALENDARS_TIMEOUT"] = 1.0
    org = make_org("parnu", name="Pärnu linn")
    db.session.commit()
    return org


def listed(runner) -> list[dict]:
    return listed_events(runner, "--org", "parnu")


def add(runner, source: str, *extra):
    return runner.invoke(args=["calendars", "add", source, "--org", "parnu", *extra])


def refresh(runner):
    return runner.invoke(args=["calendars", "refresh"])


def active(rows):
    return [(r["start"], r["title"]) for r in rows if r["status"] != "cancelled"]


def test_import_from_a_real_http_server(runner, parnu, upstream):
    upstream.body = ics(WEEKLY, MOVED, SINGLE)
    result = add(runner, upstream.url, "--type", "club")
    assert result.exit_code == 0, result.output
    rows = listed(runner)
    assert active(rows) == [
        ("2024-03-05T17:00:00+02:00", "Keelekohvik"),
        ("2024-03-12T17:00:00+02:00", "Keelekohvik"),
        ("2024-03-26T17:00:00+02:00", "Keelekohvik"),
        ("2024-04-03T17:00:00+03:00", "Keelekohvik (kolmapäeval)"),
        ("2024-04-09T17:00:00+03:00", "Keelekohvik"),
        ("2024-05-10T12:00:00+03:00", "Avatud uste päev"),
    ]
    assert {r["type"] for r in rows} == {"club"}
    assert "open-day@partner.ee" in {r["uid"] for r in rows}
    assert "cafe@partner.ee-20240402T140000Z" in {r["uid"] for r in rows}


def test_imported_series_say_they_are_imported_and_local_ones_do_not(runner, parnu, upstream):
    upstream.body = ics(WEEKLY, SINGLE)
    assert add(runner, upstream.url).exit_code == 0
    local = make_series("parnu-local", org=parnu)
    db.session.commit()
    imported = {s.key: s.is_imported for s in db.session.scalars(db.select(Series))}
    assert imported.pop(local.key) is False
    assert imported and all(imported.values())


def test_reimport_changes_nothing(runner, parnu, upstream):
    upstream.body = ics(WEEKLY, MOVED, SINGLE)
    add(runner, upstream.url)
    before = listed(runner)
    result = refresh(runner)
    assert "0 new and 0 changed" in result.output
    assert "0 new, 0 moved, 0 cancelled, 0 restored, 0 retitled" in result.output
    assert listed(runner) == before


def test_upstream_304_is_unchanged(runner, parnu, upstream):
    upstream.body, upstream.etag = ics(SINGLE), '"v1"'
    add(runner, upstream.url)
    assert "unchanged" in refresh(runner).output
    assert upstream.requests == 2


def test_upstream_edits_update_and_deletions_cancel(runner, parnu, upstream):
    upstream.body = ics(WEEKLY, MOVED, SINGLE)
    add(runner, upstream.url)
    uids_before = {r["start"]: r["uid"] for r in listed(runner)}
    edited = WEEKLY.replace("SUMMARY:Keelekohvik", "SUMMARY:Keelekohvik B1").replace(
        "COUNT=6", "COUNT=5"
    )
    upstream.body = ics(edited, MOVED)  # open day deleted, last café occurrence gone
    assert refresh(runner).exit_code == 0
    rows = {r["start"]: r for r in listed(runner)}
    assert rows["2024-05-10T12:00:00+03:00"]["status"] == "cancelled"
    assert rows["2024-04-09T17:00:00+03:00"]["status"] == "cancelled"
    assert rows["2024-03-05T17:00:00+02:00"]["title"] == "Keelekohvik B1"
    assert rows["2024-04-03T17:00:00+03:00"]["title"] == "Keelekohvik (kolmapäeval)"
    assert {start: r["uid"] for start, r in rows.items()} == uids_before  # UIDs survive
    upstream.body = ics(WEEKLY, MOVED, SINGLE)  # the open day comes back
    refresh(runner)
    rows = {r["start"]: r for r in listed(runner)}
    assert rows["2024-05-10T12:00:00+03:00"]["status"] == "planned"


def test_upstream_move_of_an_occurrence_moves_it_here(runner, parnu, upstream):
    upstream.body = ics(WEEKLY)
    add(runner, upstream.url)
    upstream.body = ics(WEEKLY, MOVED)
    refresh(runner)
    starts = [r["start"] for r in listed(runner) if r["status"] != "cancelled"]
    assert "2024-04-03T17:00:00+03:00" in starts and "2024-04-02T17:00:00+03:00" not in starts


def test_held_occurrence_is_kept_when_upstream_deletes_it(app, runner, parnu, upstream):
    upstream.body = ics(SINGLE)
    add(runner, upstream.url)
    from scheduler.events.models import Event

    event = db.session.scalars(db.select(Event)).one()
    record_outcome(event, held=True, attendance=12)
    db.session.commit()
    upstream.body = ics(WEEKLY)
    refresh(runner)
    row = next(r for r in listed(runner) if r["title"] == "Avatud uste päev")
    assert (row["status"], row["attendance"]) == ("held", 12)


def test_import_from_a_file(runner, parnu, tmp_path):
    path = tmp_path / "partner.ics"
    path.write_bytes(ics(SINGLE))
    result = add(runner, str(path))
    assert result.exit_code == 0, result.output
    assert [r["title"] for r in listed(runner)] == ["Avatud uste päev"]


def _refused(runner, upstream, body: bytes | None = None, **settings):
    """Import good data, then make the upstream bad: the error is clear, data untouched."""
    upstream.body = ics(WEEKLY, SINGLE)
    add(runner, upstream.url)
    before = listed(runner)
    if body is not None:
        upstream.body = body
    for name, value in settings.items():
        setattr(upstream, name, value)
    result = refresh(runner)
    assert result.exit_code != 0
    assert listed(runner) == before
    calendar = db.session.scalars(db.select(ImportedCalendar)).one()
    db.session.refresh(calendar)
    assert calendar.last_status == "error"
    return result.output


def test_malformed_text_is_refused(runner, parnu, upstream):
    output = _refused(runner, upstream, b"<html><body>Not found</body></html>")
    assert "not an iCalendar file" in output


def test_broken_calendar_is_refused(runner, parnu, upstream):
    broken = ics(SINGLE).replace(
        b"DTSTART;TZID=Europe/Tallinn:20240510T120000", b"DTSTART:2024-05-10"
    )
    output = _refused(runner, upstream, broken)
    assert "malformed" in output or "no DTSTART" in output


def test_huge_body_is_refused(runner, parnu, upstream):
    output = _refused(runner, upstream, extra_bytes=50 * 1024 * 1024)
    assert "larger than the limit" in output


def test_slow_server_is_refused(runner, parnu, upstream):
    output = _refused(runner, upstream, drip=True)
    assert "within 1 seconds" in output


def test_unreachable_server_is_refused(runner, parnu, upstream, allow_loopback):
    upstream.body = ics(SINGLE)
    add(runner, upstream.url)
    before = listed(runner)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    allow_loopback(closed_port)
    calendar = db.session.scalars(db.select(ImportedCalendar)).one()
    calendar.source = f"http://127.0.0.1:{closed_port}/gone.ics"
    db.session.commit()
    result = refresh(runner)
    assert result.exit_code != 0 and "cannot be reached" in result.output
    assert listed(runner) == before


def test_rule_that_never_ends_is_refused(runner, parnu, upstream):
    endless = SINGLE.replace("SUMMARY:", "RRULE:FREQ=HOURLY\nSUMMARY:")
    output = _refused(runner, upstream, ics(endless))
    assert "produces more than" in output


def test_failed_add_imports_nothing(runner, parnu, upstream):
    upstream.body = b"garbage"
    result = add(runner, upstream.url)
    assert result.exit_code != 0 and "nothing was imported" in result.output
    assert db.session.scalars(db.select(ImportedCalendar)).all() == []
    assert listed(runner) == []


def test_imported_events_appear_in_feeds(client, runner, parnu, upstream):
    upstream.body = ics(WEEKLY, MOVED)
    add(runner, upstream.url, "--type", "club")
    body = client.get(
        "/feeds/org/parnu.ics", query_string={"from": "2024-01-01", "to": "2025-01-01"}
    ).data.decode()
    assert "UID:cafe@partner.ee-20240402T140000Z" in body
    assert "SUMMARY:Keelekohvik (kolmapäeval)" in body
    assert body.count("BEGIN:VEVENT") == 5


def test_refresh_job_reads_only_due_calendars(app, runner, parnu, upstream):
    from scheduler.calendars.importer import refresh_due_calendars

    upstream.body = ics(SINGLE)
    add(runner, upstream.url)
    assert refresh_due_calendars() == {}
    app.config["CALENDARS_REFRESH_MINUTES"] = 0
    outcome = refresh_due_calendars()
    assert list(outcome.values()) == [
        "0 new and 0 changed upstream events, 0 removed; "
        "occurrences: 0 new, 0 moved, 0 cancelled, 0 restored, 0 retitled"
    ]


def test_the_clock_refreshes_imported_calendars_when_their_turn_comes(app, runner, parnu, upstream):
    from datetime import UTC, datetime, timedelta

    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler.jobs.clock import make_scheduler, run_job

    assert make_scheduler(app, BackgroundScheduler).get_job("refresh_calendars") is not None
    upstream.body = ics(SINGLE)
    assert add(runner, upstream.url).exit_code == 0
    upstream.body = ics(SINGLE.replace("Avatud uste päev", "Avatud uste päev ja laat"))
    soon = datetime.now(UTC) + timedelta(minutes=1)
    assert run_job(app, "refresh_calendars", now=soon) == "refreshed 0 imported calendar(s)"
    later = datetime.now(UTC) + timedelta(minutes=app.config["CALENDARS_REFRESH_MINUTES"] + 1)
    assert run_job(app, "refresh_calendars", now=later) == "refreshed 1 imported calendar(s)"
    assert active(listed(runner)) == [("2024-05-10T12:00:00+03:00", "Avatud uste päev ja laat")]
