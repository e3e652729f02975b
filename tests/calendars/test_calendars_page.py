"""The imported-calendars page: coordinators import their own partner calendars only."""

from __future__ import annotations

import io

import pytest
from factories import make_org
from sqlalchemy import func, select

from scheduler.accounts.models import Role, User
from scheduler.calendars.models import ImportedCalendar
from scheduler.events.models import Event
from scheduler.extensions import db
from tests.support.people import signed_in

LIBRARY_ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Library//EN\r
BEGIN:VEVENT\r
UID:story-hour@library.example\r
DTSTAMP:20240101T000000Z\r
DTSTART;TZID=Europe/Tallinn:20240510T120000\r
DTEND;TZID=Europe/Tallinn:20240510T130000\r
SUMMARY:Story hour\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def orgs(app):
    app.config["CALENDARS_DAYS_BACK"] = 5000  # the calendar is in 2024
    parnu, tallinn = make_org("parnu"), make_org("tallinn")
    for email, org in (("coord@parnu.ee", parnu), ("coord@tallinn.ee", tallinn)):
        user = User(email=email, role=Role.COORDINATOR, organisation=org)
        user.set_password("secret-pass")
        db.session.add(user)
    db.session.commit()


def _upload(client, body: bytes, org="parnu"):
    return client.post(
        "/calendars/?lang=en",
        data={"org": org, "type": "club", "file": (io.BytesIO(body), "library.ics")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_coordinator_imports_a_file_for_their_organisation(orgs, client):
    signed_in(client, "coord@parnu.ee")
    page = _upload(client, LIBRARY_ICS).get_data(as_text=True)
    assert "Calendar imported" in page
    event = db.session.scalars(select(Event)).one()
    assert (event.series.title, event.series.event_type) == ("Story hour", "club")
    assert event.series.organisation.slug == "parnu"


def test_another_organisations_calendar_is_refused(orgs, client):
    signed_in(client, "coord@tallinn.ee")
    assert _upload(client, LIBRARY_ICS).status_code == 403
    assert (_count(ImportedCalendar), _count(Event)) == (0, 0)


def test_the_page_is_closed_to_anonymous_visitors(orgs, client):
    answer = client.get("/calendars/")  # asked to sign in, as on every workspace page
    assert answer.status_code == 302 and "/account/login" in answer.location


def test_a_malformed_file_is_explained_and_nothing_is_kept(orgs, client):
    signed_in(client, "coord@parnu.ee")
    page = _upload(client, b"BEGIN:VCALENDAR\r\nthis is not a calendar").get_data(as_text=True)
    assert "Nothing was imported" in page
    assert (_count(ImportedCalendar), _count(Event)) == (0, 0)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Give the calendar's address or choose an .ics file."),
        ("et", "Sisesta kalendri aadress või vali .ics-fail."),
    ],
)
def test_an_import_without_a_source_is_explained_next_to_the_address_field(
    orgs, client, lang, message
):
    import re
    from html import unescape

    signed_in(client, "coord@parnu.ee")
    response = client.post(f"/calendars/?lang={lang}", data={"org": "parnu", "name": "Library"})
    page = unescape(response.get_data(as_text=True))

    assert response.status_code == 400
    address = re.search(r'<input[^>]*id="url"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in address and 'aria-describedby="url-error"' in address
    assert re.search(r'id="url-error">([^<]*)<', page).group(1) == message
    assert 'value="Library"' in page, "what was typed stays"
    assert _count(ImportedCalendar) == 0


@pytest.mark.parametrize(
    "line",
    [b"DTSTART;TZID=" + b"A" * 5000 + b":20240510T120000", b"X-WR-TIMEZONE:" + b"B" * 5000],
)
def test_an_import_error_names_no_server_path_and_the_log_keeps_the_details(
    orgs, client, caplog, line
):
    import logging
    import sys

    caplog.set_level(logging.WARNING)
    signed_in(client, "coord@parnu.ee")
    body = LIBRARY_ICS.replace(b"DTSTART;TZID=Europe/Tallinn:20240510T120000", line)
    if line.startswith(b"X-WR"):
        body = LIBRARY_ICS.replace(b"PRODID", line + b"\r\nPRODID")
    page = _upload(client, body).get_data(as_text=True)
    assert "Nothing was imported" in page or "Calendar imported" in page
    for secret in (sys.prefix, "site-packages", "zoneinfo", "Errno"):
        assert secret not in page
    if "Nothing was imported" in page:
        assert "time zone (TZID) that does not exist" in page
        assert "File name too long" in caplog.text  # the details stay in the server's log
    stored = db.session.scalars(select(ImportedCalendar.last_error)).all()
    assert not any(sys.prefix in (error or "") for error in stored)
