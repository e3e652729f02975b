"""Feeds over HTTP: caching headers, 304s, gzip, HEAD, errors, private links."""

from __future__ import annotations

import gzip
from datetime import datetime

import icalendar
from feeds_helpers import YEAR_2024, occurrence_at

from scheduler.events.service import move_occurrence
from scheduler.extensions import db
from tests.support.time import tallinn

PATH = "/feeds/org/tartu.ics"


def test_feed_is_served_as_utf8_calendar_with_validators(client, club_calendar):
    response = client.get(PATH, query_string=YEAR_2024)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"].startswith('"')
    assert not response.headers["ETag"].startswith("W/")
    assert "Last-Modified" in response.headers


def test_unchanged_data_gives_identical_bytes(client, club_calendar):
    first = client.get(PATH, query_string=YEAR_2024)
    client.application.extensions["feeds.cache"].clear()  # force a rebuild
    second = client.get(PATH, query_string=YEAR_2024)
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]


def test_second_get_with_the_etag_answers_304(client, club_calendar):
    etag = client.get(PATH, query_string=YEAR_2024).headers["ETag"]
    again = client.get(PATH, query_string=YEAR_2024, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_if_modified_since_answers_304_until_an_edit(client, club_calendar):
    last_modified = client.get(PATH, query_string=YEAR_2024).headers["Last-Modified"]
    headers = {"If-Modified-Since": last_modified}
    assert client.get(PATH, query_string=YEAR_2024, headers=headers).status_code == 304


def test_an_edit_changes_the_etag_and_the_feed(client, club_calendar):
    before = client.get(PATH, query_string=YEAR_2024)
    event = occurrence_at(club_calendar["club"], tallinn(2024, 5, 7, 18, 0))
    move_occurrence(event, tallinn(2024, 5, 8, 17, 0))
    db.session.commit()
    after = client.get(
        PATH, query_string=YEAR_2024, headers={"If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"DTSTART;TZID=Europe/Tallinn:20240508T170000" in after.data
    assert b"SEQUENCE:1" in after.data


def test_gzip_when_the_client_accepts_it(client, club_calendar):
    plain = client.get(PATH, query_string=YEAR_2024)
    zipped = client.get(PATH, query_string=YEAR_2024, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Encoding" in zipped.headers["Vary"]


def test_head_gives_the_headers_without_the_body(client, club_calendar):
    get = client.get(PATH, query_string=YEAR_2024)
    head = client.head(PATH, query_string=YEAR_2024)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(get.data))


def test_unknown_feeds_are_404_and_bad_arguments_400(client, club_calendar):
    assert client.get("/feeds/org/nowhere.ics").status_code == 404
    assert client.get("/feeds/type/party.ics").status_code == 404
    assert client.get("/feeds/lang/fi.ics").status_code == 404
    assert client.get(PATH, query_string={"from": "2024-13-01"}).status_code == 400
    assert client.get(PATH, query_string={"mode": "weird"}).status_code == 400
    assert (
        client.get(PATH, query_string={"from": "2024-02-01", "to": "2024-01-01"}).status_code == 400
    )


def test_empty_feed_of_a_known_organisation_is_valid(client, club_calendar):
    response = client.get(
        "/feeds/org/elvl.ics", query_string={"from": "2023-01-01", "to": "2023-02-01"}
    )
    assert response.status_code == 200
    assert b"BEGIN:VCALENDAR" in response.data and b"BEGIN:VEVENT" not in response.data


def test_an_empty_feed_is_the_same_bytes_on_any_day(app, client, club_calendar):
    from datetime import UTC, date

    from factories import make_org
    from werkzeug.datastructures import MultiDict

    from scheduler.feeds.service import feed_request, fingerprint, render

    make_org("narva", name="Narva linn")  # no events at all
    db.session.commit()
    bodies = []
    for today in (date(2024, 6, 1), date(2031, 2, 1), datetime.now(UTC).date()):
        with app.test_request_context():
            request = feed_request("org", "narva", MultiDict(), today=today)
            bodies.append(render(request, fingerprint(request)).body)
    assert bodies[0] == bodies[1] == bodies[2]
    assert b"BEGIN:VEVENT" not in bodies[0]
    # the zone as it is around the programme's years, whatever today is
    (zone,) = icalendar.Calendar.from_ical(bodies[0]).walk("VTIMEZONE")
    starts = {part.name: part["DTSTART"].dt for part in zone.subcomponents}
    assert starts == {
        "DAYLIGHT": datetime(2023, 3, 26, 3, 0),
        "STANDARD": datetime(2023, 10, 29, 4, 0),
    }
    served = client.get(
        "/feeds/org/narva.ics", query_string={"from": "2031-01-01", "to": "2031-06-01"}
    )
    assert served.status_code == 200 and served.data == bodies[0]


def test_default_window_is_rolling(client, app, club_calendar):
    body = client.get(PATH).data  # 90 days back, 18 months ahead of today: not 2024
    assert b"BEGIN:VEVENT" not in body or b"2024" not in body.split(b"BEGIN:VEVENT")[1][:400]


def _same_answer(first, second) -> None:
    assert second.status_code == first.status_code
    assert second.data == first.data
    for name in ("ETag", "Last-Modified", "Cache-Control", "Content-Encoding"):
        assert second.headers.get(name) == first.headers.get(name), name
    # Flask-Login's after_request adds "Cookie" to the view's Vary; a feed never depends on it
    assert (
        "Accept-Encoding" in second.headers["Vary"] and "Accept-Encoding" in first.headers["Vary"]
    )
    for name in ("Content-Type", "Content-Length"):
        assert second.headers.get(name) == first.headers.get(name), name


def test_repeated_requests_answered_from_memory_match_the_first_answer(client, club_calendar):
    """The first request goes through the view; the following ones, while the feed's
    revision is trusted, are answered before Flask — identically."""
    cache = client.application.extensions["feeds.cache"]
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        cache.clear()
        first = client.get(PATH, query_string=YEAR_2024, headers=headers)
        assert cache._hot, "the served public feed is remembered"
        _same_answer(first, client.get(PATH, query_string=YEAR_2024, headers=headers))
        head = client.head(PATH, query_string=YEAR_2024, headers=headers)
        assert head.status_code == 200 and head.data == b""
        assert head.headers["ETag"] == first.headers["ETag"]
        assert head.headers["Content-Length"] == str(len(first.data))
        conditional = {**headers, "If-None-Match": first.headers["ETag"]}
        assert client.get(PATH, query_string=YEAR_2024, headers=conditional).status_code == 304
        since = {**headers, "If-Modified-Since": first.headers["Last-Modified"]}
        assert client.get(PATH, query_string=YEAR_2024, headers=since).status_code == 304


def test_a_change_committed_elsewhere_is_served_once_the_revision_expires(client, club_calendar):
    """A change this process does not see committed (another worker's, or a bulk UPDATE)
    shows as soon as the feed's revision is checked again (FEEDS_FINGERPRINT_TTL)."""
    from sqlalchemy import update

    from scheduler.events.models import Event

    cache = client.application.extensions["feeds.cache"]
    cache.fingerprint_ttl = 0.0  # the revision is checked again at once
    before = client.get(PATH, query_string=YEAR_2024)
    event = occurrence_at(club_calendar["club"], tallinn(2024, 5, 7, 18, 0))
    db.session.execute(
        update(Event)
        .where(Event.id == event.id)
        .values(title="Muudetud mujal", sequence=Event.sequence + 1, updated_at=tallinn(2026, 1, 1))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    after = client.get(PATH, query_string=YEAR_2024)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"Muudetud mujal" in after.data


def test_private_links_are_never_answered_from_memory(client, runner, club_calendar):
    import re

    created = runner.invoke(args=["feeds", "token", "create", "organiser@example.ee"])
    secret = re.search(r"/feeds/([A-Za-z0-9_-]{40,})/mine\.ics", created.output).group(1)
    path = f"/feeds/{secret}/org/tartu.ics"
    assert client.get(path, query_string=YEAR_2024).status_code == 200
    assert client.get(path, query_string=YEAR_2024).status_code == 200
    assert not client.application.extensions["feeds.cache"]._hot
    assert runner.invoke(args=["feeds", "token", "revoke", secret]).exit_code == 0
    assert client.get(path, query_string=YEAR_2024).status_code == 404
