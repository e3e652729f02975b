"""What two independent parsers read from the feeds is exactly what `flask events list` says."""

from __future__ import annotations

import icalendar
import pytest
from feeds_helpers import (
    YEAR_2024,
    events_list,
    expected_occurrences,
    read_with_ical,
    read_with_recurring_ical_events,
    utc,
)

from tests.support.time import tallinn

FEEDS = [
    ("/feeds/all.ics", ("--public-only",)),
    ("/feeds/org/tartu.ics", ("--public-only", "--org", "tartu")),
    ("/feeds/type/club.ics", ("--public-only", "--type", "club")),
    ("/feeds/type/network_meeting.ics", ("--public-only", "--type", "network_meeting")),
]


@pytest.mark.parametrize("mode", ["occurrences", "series"])
@pytest.mark.parametrize(("path", "list_args"), FEEDS)
def test_both_parsers_read_exactly_the_listed_occurrences(
    client, runner, club_calendar, mode, path, list_args
):
    body = client.get(path, query_string={**YEAR_2024, "mode": mode}).data
    expected = expected_occurrences(events_list(runner, *list_args))
    assert expected, "the fixture must give the feed something to show"
    assert read_with_recurring_ical_events(body) == expected
    assert read_with_ical(body) == expected


@pytest.mark.parametrize("mode", ["occurrences", "series"])
def test_cancelled_occurrences_are_listed_as_cancelled_on_request(
    client, runner, club_calendar, mode
):
    body = client.get(
        "/feeds/org/tartu.ics", query_string={**YEAR_2024, "mode": mode, "cancelled": "show"}
    ).data
    rows = events_list(runner, "--public-only", "--org", "tartu")
    assert read_with_recurring_ical_events(body) == expected_occurrences(rows, show_cancelled=True)
    cancelled = [
        event
        for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(event.get("STATUS")) == "CANCELLED"
    ]
    assert [utc(event["DTSTART"].dt) for event in cancelled] == [utc(tallinn(2024, 2, 13, 18, 0))]


def test_default_feed_leaves_out_the_cancelled_occurrence_and_the_paused_quarter(
    client, club_calendar
):
    found = read_with_ical(client.get("/feeds/type/club.ics", query_string=YEAR_2024).data)
    starts = {start for start, _end, _title in found}
    assert utc(tallinn(2024, 2, 13, 18, 0)) not in starts  # cancelled
    assert not any(utc(tallinn(2024, 7, 1)) <= s < utc(tallinn(2024, 10, 1)) for s in starts)  # Q3
    assert utc(tallinn(2024, 12, 24, 18, 0)) not in starts  # Christmas Eve, a public holiday
    assert utc(tallinn(2024, 4, 3, 18, 0)) in starts  # the moved one, at its new time


def test_wall_clock_time_holds_across_the_dst_change(client, club_calendar):
    found = read_with_recurring_ical_events(
        client.get("/feeds/type/club.ics", query_string=YEAR_2024).data
    )
    local_times = {
        start.astimezone(tallinn(2024, 1, 1).tzinfo).strftime("%H:%M") for start, *_ in found
    }
    assert local_times == {"18:00"}
    utc_hours = {start.hour for start, *_ in found}
    assert utc_hours == {15, 16}  # summer and winter


def test_occurrence_uids_are_those_of_events_list(client, runner, club_calendar):
    body = client.get("/feeds/org/tartu.ics", query_string=YEAR_2024).data
    uids = sorted(str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))
    rows = events_list(runner, "--public-only", "--org", "tartu")
    assert uids == sorted(row["uid"] for row in rows if row["status"] != "cancelled")
    assert len(set(uids)) == len(uids)


def test_series_mode_publishes_masters_with_overrides_in_the_masters_zone(client, club_calendar):
    body = client.get(
        "/feeds/type/club.ics", query_string={**YEAR_2024, "mode": "series"}
    ).data.decode()
    calendar = icalendar.Calendar.from_ical(body)
    masters = [e for e in calendar.walk("VEVENT") if e.get("RRULE")]
    overrides = [e for e in calendar.walk("VEVENT") if e.get("RECURRENCE-ID")]
    assert len(masters) == 1
    assert len(overrides) == 1
    assert str(overrides[0]["UID"]) == str(masters[0]["UID"])
    assert "RECURRENCE-ID;TZID=Europe/Tallinn:20240326T180000" in body
    assert "DTSTART;TZID=Europe/Tallinn:20240403T180000" in body
    assert "UNTIL=" in body and "Z" in body.split("UNTIL=")[1].split("\r\n")[0]
    assert "20241224T180000" in body.split("EXDATE")[1]  # holiday skipped: an EXDATE


def test_series_mode_falls_back_to_occurrences_for_rules_outlook_skips(client, club_calendar):
    body = client.get(
        "/feeds/org/tartu.ics", query_string={**YEAR_2024, "mode": "series"}
    ).data.decode()
    events = body.split("END:VTIMEZONE")[1]
    assert "BYMONTH" not in events
    assert "RDATE" not in events
    assert "Paaritu reegel" in body


def test_vtimezone_alone_gives_the_right_instants(client, runner, club_calendar):
    """Rename the zone so that parsers cannot fall back on their own tz database: what
    they compute from our VTIMEZONE must still be right on both sides of DST."""
    body = client.get("/feeds/org/tartu.ics", query_string={**YEAR_2024, "mode": "series"}).data
    renamed = body.replace(b"TZID=Europe/Tallinn", b"TZID=Custom/Somewhere").replace(
        b"TZID:Europe/Tallinn", b"TZID:Custom/Somewhere"
    )
    expected = expected_occurrences(events_list(runner, "--public-only", "--org", "tartu"))
    assert read_with_recurring_ical_events(renamed) == expected
    assert read_with_ical(renamed) == expected


def test_calendar_has_the_properties_clients_need(client, club_calendar):
    body = client.get("/feeds/org/tartu.ics", query_string=YEAR_2024).data.decode()
    head = body.split("BEGIN:VEVENT")[0]
    for line in (
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:ELVL: Tartu linn",
        "NAME:ELVL: Tartu linn",
        "X-WR-TIMEZONE:Europe/Tallinn",
        "REFRESH-INTERVAL;VALUE=DURATION:",
        "X-PUBLISHED-TTL:",
        "BEGIN:VTIMEZONE",
    ):
        assert line in head
    event = body.split("BEGIN:VEVENT")[1]
    for prefix in (
        "UID:",
        "DTSTAMP:",
        "LAST-MODIFIED:",
        "SEQUENCE:",
        "SUMMARY:",
        "DESCRIPTION:",
        "LOCATION:",
        "URL",
        "CATEGORIES:",
        "ORGANIZER",
        "DTSTART;TZID=",
    ):
        assert f"\r\n{prefix}" in event
    assert "DTSTART:" not in body.split("END:VTIMEZONE")[1]  # never floating, never bare Z
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_private_series_are_not_in_public_feeds(client, club_calendar):
    body = client.get("/feeds/org/tartu.ics", query_string=YEAR_2024).data.decode()
    assert "Sisekoosolek" not in body


def test_language_feed_carries_titles_in_that_language(client, club_calendar):
    body = client.get("/feeds/lang/en.ics", query_string=YEAR_2024).data.decode()
    assert "SUMMARY:Estonian club" in body
    assert "Võrgustiku" not in body  # not an English-language event
