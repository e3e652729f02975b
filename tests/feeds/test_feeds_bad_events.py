"""One bad row never takes a feed down: it is written safely, or left out and logged."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import icalendar
from factories import expand, make_org, make_series
from feeds_helpers import YEAR_2024, read_with_ical, read_with_recurring_ical_events

from scheduler.events.models import Event, EventStatus
from scheduler.extensions import db

# what an upstream calendar had: URL;VALUE=TEXT:http://e.x/\nX-INJ:yes (read back as a real
# line break), and other texts with every kind of line break and control character
INJECTED_URL = "http://e.x/\nX-INJ:yes"
INJECTED_TITLE = "Linnaklubi\r\nX-INJ:yes"
INJECTED_LOCATION = "Raekoda\u2028X-INJ:yes\x01\x1b"  # PostgreSQL refuses NUL
INJECTED_DESCRIPTION = "Esimene rida\rX-INJ:yes\x85X-INJ:yes\x0bX-INJ:yes"


def token_for(runner, email="organiser@example.ee") -> str:
    result = runner.invoke(args=["feeds", "token", "create", email])
    assert result.exit_code == 0, result.output
    return re.search(r"/feeds/([A-Za-z0-9_-]{40,})/mine\.ics", result.output).group(1)


def feed_addresses(secret: str) -> list[tuple[str, dict]]:
    series = {"mode": "series"}
    return [
        ("/feeds/all.ics", {}),
        ("/feeds/all.ics", series),
        ("/feeds/all.ics", {"cancelled": "show"}),
        ("/feeds/org/tallinn.ics", {}),
        ("/feeds/org/tallinn.ics", series),
        ("/feeds/type/club.ics", {}),
        ("/feeds/lang/et.ics", series),
        (f"/feeds/{secret}/all.ics", {}),
        (f"/feeds/{secret}/all.ics", series),
        (f"/feeds/{secret}/org/tallinn.ics", {}),
        (f"/feeds/{secret}/org/tallinn.ics", series),
        (f"/feeds/{secret}/mine.ics", {}),
    ]


def vevent_blocks(body: bytes) -> list[bytes]:
    return re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", body, flags=re.S)


def insert_bad_rows() -> tuple[list[int], int]:
    """Rows written straight to the database, as a careless import left them: a weekly
    series with injected text and URL, and an event in a zone that does not exist."""
    tallinn = make_org("tallinn", name="Tallinna linn")
    injected = make_series(
        "tallinn-imported",
        org=tallinn,
        title=INJECTED_TITLE,
        location=INJECTED_LOCATION,
        description=INJECTED_DESCRIPTION,
        online_url=INJECTED_URL,
        rule="FREQ=WEEKLY;BYDAY=WE",
        start=datetime(2024, 5, 1).date(),
    )
    expand(injected)
    broken = make_series(
        "tallinn-broken",
        org=tallinn,
        title="Katkine ajavöönd",
        rule=None,
        timezone="Mars/Olympus_Mons",
        start=datetime(2024, 5, 6).date(),
    )
    start = datetime(2024, 5, 6, 10, tzinfo=UTC)
    event = Event(
        series=broken,
        original_start=start,
        start=start,
        end=start + timedelta(hours=1),
        status=EventStatus.PLANNED,
    )
    db.session.add(event)
    db.session.commit()
    return [row.id for row in injected.events], event.id


def test_an_injected_or_unwritable_event_never_breaks_any_feed(
    client, runner, club_calendar, caplog
):
    tallinn = make_org("tallinn", name="Tallinna linn")
    expand(make_series("tallinn-club", org=tallinn, title="Tallinna klubi", rule="FREQ=WEEKLY"))
    db.session.commit()
    secret = token_for(runner)
    addresses = feed_addresses(secret)
    clean = {}
    for path, args in addresses:
        response = client.get(path, query_string={**YEAR_2024, **args})
        assert response.status_code == 200, (path, args)
        clean[(path, tuple(args.items()))] = response.data

    injected_ids, broken_id = insert_bad_rows()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        for path, args in addresses:
            response = client.get(path, query_string={**YEAR_2024, **args})
            where = (path, args)
            assert response.status_code == 200, where
            body = response.data
            lines = body.decode().split("\r\n")
            assert not any(line.startswith("X-INJ") for line in lines), where
            assert not any(line.startswith("URL") and "e.x" in line for line in lines), where
            calendar = icalendar.Calendar.from_ical(body)
            assert all("X-INJ" not in component for component in calendar.walk()), where
            assert b"Katkine" not in body, where  # the unwritable event is left out
            # everything that was there before is still there, byte for byte
            blocks = set(vevent_blocks(body))
            assert set(vevent_blocks(clean[(path, tuple(args.items()))])) <= blocks, where
            # and both parsers still read the whole feed
            assert read_with_recurring_ical_events(body) and read_with_ical(body)
            summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
            if "tallinn" in path or "all" in path or "mine" in path:
                assert "Linnaklubi X-INJ:yes" in summaries, where  # written, made harmless

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"event {broken_id} " in message for message in warnings), warnings


def test_injected_texts_read_back_as_text_on_one_event(client, club_calendar):
    injected_ids, _broken_id = insert_bad_rows()
    body = client.get("/feeds/org/tallinn.ics", query_string=YEAR_2024).data
    calendar = icalendar.Calendar.from_ical(body)
    (first, *_rest) = sorted(calendar.walk("VEVENT"), key=lambda e: e["DTSTART"].dt)
    assert str(first["SUMMARY"]) == "Linnaklubi X-INJ:yes"
    assert str(first["LOCATION"]) == "Raekoda X-INJ:yes"
    assert str(first["DESCRIPTION"]).startswith("Esimene rida\nX-INJ:yes\nX-INJ:yes\nX-INJ:yes\n")
    # the injected meeting address is not an http(s) one: URL is the event's own page
    page_id = int(str(first["URL"]).rsplit("/events/", 1)[1])
    assert page_id in injected_ids
