"""The .ics attached to reminder mails is the feeds' own VEVENT, with its VTIMEZONE."""

from __future__ import annotations

import re

import icalendar
from factories import make_series
from reminders_support import make_event
from smtp_sink import SmtpSink

from scheduler.events.service import cancel_occurrence
from scheduler.extensions import db
from scheduler.reminders.dispatch import dispatch_due
from scheduler.reminders.planning import planning_as_of
from tests.support.time import tallinn

YEAR_2024 = {"from": "2024-01-01", "to": "2025-01-01"}


def attachment(received) -> bytes:
    parts = {part.get_content_type(): part for part in received.message.walk()}
    return parts["text/calendar"].get_payload(decode=True)


def vevents(body: bytes) -> dict[str, bytes]:
    """Each VEVENT's text by its UID (unfolded first, so long lines compare whole)."""
    text = body.replace(b"\r\n ", b"")
    found = {}
    for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", text, flags=re.S):
        (uid,) = re.findall(rb"\r\nUID:(.*?)\r\n", block)
        found[uid.decode()] = block
    return found


def test_reminder_attachment_is_the_feeds_vevent_with_tzid_and_vtimezone(
    smtp_app, smtp: SmtpSink, client
):
    series = make_series(organisers=["a@x.ee"], title="Klubi", location="Raekoda")
    make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    assert dispatch_due(tallinn(2024, 3, 5, 9)).sent == 1
    (received,) = smtp.received
    ics = attachment(received)

    calendar = icalendar.Calendar.from_ical(ics)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Tallinn"
    assert calendar.get_missing_tzids() == set()
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Tallinn"
    assert event["DTSTART"].dt == tallinn(2024, 3, 12, 18)
    assert "REFRESH-INTERVAL" not in calendar and "X-WR-CALNAME" not in calendar

    feed = client.get("/feeds/all.ics", query_string=YEAR_2024).data
    feed_event = next(
        e for e in icalendar.Calendar.from_ical(feed).walk("VEVENT") if e["UID"] == event["UID"]
    )
    assert event["DTSTART"].to_ical() == feed_event["DTSTART"].to_ical()
    assert event["DTSTART"].params == feed_event["DTSTART"].params
    # not only the time: the very same VEVENT, byte for byte (UID, SEQUENCE, DTSTAMP…)
    assert vevents(ics) == {str(event["UID"]): vevents(feed)[str(event["UID"])]}


def test_cancellation_notice_carries_the_cancelled_vevent_of_the_feed(
    smtp_app, smtp: SmtpSink, client
):
    series = make_series(organisers=["a@x.ee"], title="Keelekohvik", is_public=False)
    event = make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    dispatch_due(tallinn(2024, 3, 11, 9))  # the 1-day reminder goes out
    with planning_as_of(tallinn(2024, 3, 11, 12)):
        cancel_occurrence(event)
    db.session.commit()
    assert dispatch_due(tallinn(2024, 3, 11, 12, 1)).sent == 1
    ics = attachment(smtp.received[-1])
    (vevent,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED" and vevent["SEQUENCE"] == 1
    assert str(vevent["CLASS"]) == "PRIVATE"  # an internal event
    result = client.application.test_cli_runner().invoke(
        args=["feeds", "token", "create", "a@x.ee"]
    )
    secret = re.search(r"/feeds/([A-Za-z0-9_-]{40,})/mine\.ics", result.output).group(1)
    feed = client.get(f"/feeds/{secret}/mine.ics", query_string={**YEAR_2024, "cancelled": "show"})
    assert vevents(ics) == {str(vevent["UID"]): vevents(feed.data)[str(vevent["UID"])]}
