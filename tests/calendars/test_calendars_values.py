"""One bad upstream value never breaks a feed or an import: every value is cleaned to what
its column holds and a feed can carry, and what was cleaned or dropped is listed on the
calendar's page. Runs on SQLite and PostgreSQL (which refuses NUL and over-long strings)."""

from __future__ import annotations

import flask_babel
import pytest
from factories import make_org
from test_calendars_import import FOOTER, HEADER  # noqa: I001  (a sibling test module)

from scheduler.accounts.models import Role, User
from scheduler.calendars.models import ImportedCalendar
from scheduler.events.models import Event, Series
from scheduler.extensions import db

INJECTED_URL = """BEGIN:VEVENT
UID:inject@partner.ee
DTSTAMP:20240101T000000Z
DTSTART;TZID=Europe/Tallinn:20240510T120000
DTEND;TZID=Europe/Tallinn:20240510T130000
SUMMARY:Open day
URL;VALUE=TEXT:http://e.x/\\nX-INJ:yes
END:VEVENT
"""


def ics_text(*events: str) -> bytes:
    return (HEADER + "".join(e.replace("\n", "\r\n") for e in events) + FOOTER).encode()


def event(uid: str, **props: str) -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20240101T000000Z",
        "DTSTART;TZID=Europe/Tallinn:20240510T120000",
        "DTEND;TZID=Europe/Tallinn:20240510T130000",
    ]
    lines += [f"{name}:{value}" for name, value in props.items()]
    return "\n".join([*lines, "END:VEVENT", ""])


@pytest.fixture
def parnu(app, allow_loopback):
    app.config["CALENDARS_DAYS_BACK"] = 5000
    org = make_org("parnu")
    user = User(email="coord@parnu.ee", role=Role.COORDINATOR, organisation=org)
    user.set_password("secret-pass")
    db.session.add(user)
    db.session.commit()
    return org


def add(runner, source: str, *extra: str):
    return runner.invoke(args=["calendars", "add", source, "--org", "parnu", *extra])


def the_calendar() -> ImportedCalendar:
    return db.session.scalars(db.select(ImportedCalendar)).one()


def test_a_line_break_in_an_upstream_url_never_reaches_the_feeds(client, runner, parnu, upstream):
    upstream.body = ics_text(INJECTED_URL)
    assert add(runner, upstream.url).exit_code == 0
    series = db.session.scalars(db.select(Series)).one()
    assert series.online_url is None
    window = "from=2024-01-01&to=2025-01-01"
    for path in ("/feeds/all.ics?", "/feeds/all.ics?mode=series&", "/feeds/org/parnu.ics?"):
        response = client.get(path + window)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "SUMMARY:Open day" in body
        assert "\nX-INJ" not in body
    assert any("URL: dropped" in warning for warning in the_calendar().import_warnings)


def test_the_cleaned_values_are_listed_on_the_calendars_page(client, runner, parnu, upstream):
    upstream.body = ics_text(INJECTED_URL)
    add(runner, upstream.url)
    client.post("/account/login", data={"email": "coord@parnu.ee", "password": "secret-pass"})
    flask_babel.refresh()  # the command line chose a locale in the test's app context
    page = client.get("/calendars/?lang=en").get_data(as_text=True)
    assert "1 value was cleaned or dropped" in page
    assert "event inject@partner.ee: URL: dropped (not a usable web address)" in page


def test_over_long_and_control_character_values_are_cut_to_their_columns(runner, parnu, upstream):
    long_uid = "u" * 600 + "@partner.ee"
    upstream.body = ics_text(
        event(
            long_uid,
            SUMMARY="S" * 400 + "\\, \x01end",
            LOCATION="L\x00" * 200,
            DESCRIPTION="line one\\nline two\x00 " + "d" * 20000,
            URL="https://partner.ee/" + "p" * 600,
        )
    )
    upstream.etag = '"' + "e" * 400 + '"'
    result = add(runner, upstream.url, "--name", "N" * 300)
    assert result.exit_code == 0, result.output
    series = db.session.scalars(db.select(Series)).one()
    assert len(series.title) == 300 and set(series.title) == {"S"}
    assert series.location == "L" * 200
    assert series.description.startswith("line one\nline two ddd")
    assert len(series.description) == 10000 and "\x00" not in series.description
    assert series.online_url is None
    calendar = the_calendar()
    assert calendar.name == "N" * 200
    assert calendar.http_etag is None  # too long to keep: not sent back
    assert len(series.import_link.uid) == 400
    warnings = "\n".join(calendar.import_warnings)
    for expected in (
        "UID cleaned",
        "SUMMARY: control characters removed",
        "SUMMARY: shortened to 300 characters",
        "LOCATION: control characters removed",
        "DESCRIPTION: shortened to 10000 characters",
        "URL: dropped",
    ):
        assert expected in warnings
    assert db.session.scalars(db.select(Event)).one().status.value == "planned"


def test_an_address_longer_than_its_column_is_refused_clearly(runner, parnu, upstream):
    result = add(runner, upstream.url + "?" + "q" * 1000)
    assert result.exit_code != 0
    assert "at most 1000 characters" in result.output
    assert db.session.scalars(db.select(ImportedCalendar)).all() == []


def test_an_upstream_time_with_seconds_is_imported_planned_and_stays_so(runner, parnu, upstream):
    upstream.body = ics_text(
        event("seconds@partner.ee", SUMMARY="Talk").replace("T120000", "T120030")
    )
    assert add(runner, upstream.url).exit_code == 0
    assert "0 moved, 0 cancelled" in runner.invoke(args=["calendars", "refresh"]).output
    row = db.session.scalars(db.select(Event)).one()
    assert row.status.value == "planned"


def test_an_error_quoting_upstream_bytes_is_stored_and_shown(runner, parnu, upstream):
    upstream.body = ics_text(event("ok@partner.ee", SUMMARY="Talk"))
    add(runner, upstream.url)
    upstream.body = ics_text(event("bad@partner.ee", SUMMARY="Talk")).replace(
        b"DTSTART;TZID=Europe/Tallinn:20240510T120000", b"DTSTART:2024\x00\x1b[31m-05"
    )
    result = runner.invoke(args=["calendars", "refresh"])
    assert result.exit_code != 0
    calendar = the_calendar()
    db.session.refresh(calendar)
    assert calendar.last_status == "error"
    assert "\x00" not in calendar.last_error and "\x1b" not in calendar.last_error
