"""/events/<id>.ics: one public event as a calendar file, read back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
from api_helpers import YEAR_2024, all_pages

from scheduler.events.models import Event
from scheduler.events.service import cancel_occurrence
from scheduler.extensions import db


def _calendar(client, event_id: int, **params):
    response = client.get(f"/events/{event_id}.ics", query_string=params)
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="event-{event_id}.ics"'
    )
    return response, icalendar.Calendar.from_ical(response.data)


def test_each_event_file_has_one_event_at_the_same_instant_as_the_api(client, plan_2024, openapi):
    items, _pages = all_pages(client, openapi, **YEAR_2024, limit=200)
    # around both daylight-saving changes, and a sample of the rest
    chosen = [i for i in items if i["start"][:7] in ("2024-03", "2024-04", "2024-10", "2024-11")]
    chosen += items[::25]
    for item in chosen:
        _response, calendar = _calendar(client, item["id"])
        events = calendar.walk("VEVENT")
        assert len(events) == 1
        vevent = events[0]
        start, end = vevent["DTSTART"].dt, vevent["DTEND"].dt
        assert start.astimezone(UTC) == datetime.fromisoformat(item["start"]).astimezone(UTC)
        assert end.astimezone(UTC) == datetime.fromisoformat(item["end"]).astimezone(UTC)
        assert vevent["DTSTART"].params["TZID"] == "Europe/Tallinn"
        assert str(vevent["UID"]) == item["uid"]
        timezones = calendar.walk("VTIMEZONE")
        assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Tallinn"]


def test_the_file_speaks_the_requested_language_and_marks_a_cancellation(
    client, plan_2024, openapi
):
    items, _pages = all_pages(client, openapi, **YEAR_2024, org="tartu", type="club", limit=5)
    item = items[0]
    _response, calendar = _calendar(client, item["id"], hl="ru")
    vevent = calendar.walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == item["titles"]["ru"]
    assert str(vevent["STATUS"]) == "CONFIRMED"

    cancel_occurrence(db.session.get(Event, item["id"]))
    db.session.commit()
    _response, calendar = _calendar(client, item["id"])
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_an_unchanged_file_answers_304(client, plan_2024, openapi):
    item = all_pages(client, openapi, **YEAR_2024, limit=200)[0][0]
    response, _calendar_ = _calendar(client, item["id"])
    again = client.get(
        f"/events/{item['id']}.ics", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
