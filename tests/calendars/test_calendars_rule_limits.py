"""An imported calendar meets the rule limits every other way a rule enters meets
(recurrence.limits), and its whole reading is bounded: the parsing of the file is under the
import's deadline, and so is the lookup of the server's name."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime

import pytest
from factories import listed_events, make_org
from test_calendars_import import SINGLE, ics  # noqa: I001  (a sibling test module)

from scheduler.calendars.models import ImportedCalendar
from scheduler.calendars.parse import Budget, CalendarImportError, ImportWindow, parse_calendar
from scheduler.events.expansion import rule_limits
from scheduler.extensions import db

WINDOW = ImportWindow(datetime(2024, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
NEVER_MATCHING = (
    "FREQ=HOURLY;INTERVAL=11;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;INTERVAL=11;BYMONTH=4;BYMONTHDAY=31",
)


@pytest.fixture
def parnu(app, allow_loopback):
    app.config["CALENDARS_DAYS_BACK"] = 5000  # the fixtures are in 2024
    org = make_org("parnu", name="Pärnu linn")
    db.session.commit()
    return org


def with_rule(rule: str, uid: str = "open-day", start: str = "20240510T120000") -> str:
    return (
        SINGLE.replace("open-day", uid)
        .replace("20240510T120000", start)
        .replace("SUMMARY:", f"RRULE:{rule}\nSUMMARY:")
    )


@pytest.mark.timeout(60)  # a hang guard: each of these events cost 5 seconds before
def test_rules_that_never_match_are_read_within_the_budget(runner, parnu, upstream):
    starts = ("20240510T120000", "20240510T120700", "20240511T091300", "20240512T101000")
    events = [
        with_rule(rule, uid=f"never-{index}-{number}", start=start)
        for index, rule in enumerate(NEVER_MATCHING)
        for number, start in enumerate(starts)
    ]
    upstream.body = ics(SINGLE, *events)
    result = runner.invoke(args=["calendars", "add", upstream.url, "--org", "parnu"])
    assert result.exit_code == 0, result.output
    listed = listed_events(runner, "--org", "parnu", end="2030-01-01")
    assert [event["title"] for event in listed] == ["Avatud uste päev"]


def test_the_import_shares_the_editors_limit_on_occurrences_per_series(
    app, runner, parnu, upstream
):
    app.config["RULES_MAX_OCCURRENCES_PER_SERIES"] = 5
    upstream.body = ics(with_rule("FREQ=DAILY;COUNT=6"))
    result = runner.invoke(args=["calendars", "add", upstream.url, "--org", "parnu"])
    assert result.exit_code != 0
    assert "more than 5 occurrences" in result.output
    assert "RULES_MAX_OCCURRENCES_PER_SERIES" in result.output
    assert db.session.scalars(db.select(ImportedCalendar)).all() == []


def test_the_import_shares_the_editors_refused_frequencies(app, runner, parnu, upstream):
    app.config["RULES_REFUSED_FREQUENCIES"] = ("SECONDLY", "MINUTELY", "HOURLY")
    upstream.body = ics(with_rule("FREQ=HOURLY;COUNT=3"))
    result = runner.invoke(args=["calendars", "add", upstream.url, "--org", "parnu"])
    assert result.exit_code != 0
    assert "repeats every hour" in result.output and "RULES_REFUSED_FREQUENCIES" in result.output


def five_megabytes_of_short_lines() -> bytes:
    head = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bomb//EN\r\n"
    tail = b"END:VCALENDAR\r\n"
    return head + b"X:v\r\n" * ((5_242_779 - len(head) - len(tail)) // 5) + tail


@pytest.mark.timeout(60)  # a hang guard: before, 29 seconds went to parsing alone
def test_a_file_of_millions_of_short_lines_is_refused_by_the_import_deadline(app):
    data = five_megabytes_of_short_lines()
    assert 5_000_000 < len(data) <= 5 * 1024 * 1024  # under CALENDARS_MAX_BYTES
    with pytest.raises(CalendarImportError) as refused:
        parse_calendar(
            data, WINDOW, "Europe/Tallinn", limits=rule_limits(), budget=Budget.start(0.5)
        )
    assert "takes longer than 0.5 seconds" in str(refused.value)
    assert "CALENDARS_IMPORT_DEADLINE_SECONDS" in str(refused.value)


@pytest.mark.timeout(60)
def test_a_url_calendar_of_millions_of_short_lines_is_refused_and_changes_nothing(
    app, runner, parnu, upstream
):
    app.config["CALENDARS_IMPORT_DEADLINE_SECONDS"] = 0.5
    upstream.body = ics(SINGLE)
    assert runner.invoke(args=["calendars", "add", upstream.url, "--org", "parnu"]).exit_code == 0
    before = listed_events(runner, "--org", "parnu")
    upstream.body = five_megabytes_of_short_lines()
    result = runner.invoke(args=["calendars", "refresh"])
    assert result.exit_code != 0
    assert "CALENDARS_IMPORT_DEADLINE_SECONDS" in result.output
    assert listed_events(runner, "--org", "parnu") == before


@pytest.fixture
def hanging_resolver(monkeypatch):
    """``socket.getaddrinfo`` that blocks (as a resolver that never answers does) until the
    test ends."""
    released = threading.Event()
    real = socket.getaddrinfo

    def blocking(host, *args, **kwargs):
        if host == "slow-dns.example.org":
            released.wait(30)
            raise socket.gaierror("gave up")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", blocking)
    yield
    released.set()


@pytest.mark.timeout(30)
def test_resolving_the_servers_name_is_under_the_fetch_deadline(
    app, runner, parnu, hanging_resolver
):
    app.config["CALENDARS_TIMEOUT"] = 0.5
    result = runner.invoke(
        args=["calendars", "add", "https://slow-dns.example.org/cal.ics", "--org", "parnu"]
    )
    assert result.exit_code != 0
    assert "could not be resolved within 0.5 seconds" in result.output
    assert "CALENDARS_TIMEOUT" in result.output
    assert db.session.scalars(db.select(ImportedCalendar)).all() == []
