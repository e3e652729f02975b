"""Series mode: every change to a master's EXDATEs, rule or overrides raises its SEQUENCE,
and its DTSTAMP/LAST-MODIFIED never go backwards, read by two independent parsers."""

from __future__ import annotations

from datetime import UTC

import icalendar
from factories import expand
from feeds_helpers import (
    YEAR_2024,
    events_list,
    expected_occurrences,
    occurrence_at,
    read_with_ical,
    read_with_recurring_ical_events,
)
from ical.calendar_stream import IcsCalendarStream
from werkzeug.http import parse_date

from scheduler.core.time import utcnow
from scheduler.events.service import (
    cancel_occurrence,
    edit_occurrence,
    move_occurrence,
    restore_occurrence,
)
from scheduler.extensions import db
from tests.support.time import tallinn

CLUB_UID = "tartu-club-et@elvl-scheduler.ee"
SERIES_FEED = ("/feeds/type/club.ics", {**YEAR_2024, "mode": "series"})


def club_master(body: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(body)
    (master,) = [
        event
        for event in calendar.walk("VEVENT")
        if str(event["UID"]) == CLUB_UID and "RECURRENCE-ID" not in event
    ]
    return master


def master_stamps(body: bytes) -> tuple[int, object, object]:
    """SEQUENCE, DTSTAMP and LAST-MODIFIED of the club's master, as both parsers read them."""
    master = club_master(body)
    found = (int(master["SEQUENCE"]), master["DTSTAMP"].dt, master["LAST-MODIFIED"].dt)
    strict = IcsCalendarStream.calendar_from_ics(body.decode())
    (other,) = [e for e in strict.events if e.uid == CLUB_UID and e.recurrence_id is None]
    assert (other.sequence, other.dtstamp.astimezone(UTC), other.last_modified.astimezone(UTC)) == (
        found[0],
        found[1].astimezone(UTC),
        found[2].astimezone(UTC),
    )
    return found


def test_master_sequence_rises_and_stamps_never_fall_across_changes_to_one_occurrence(
    client, runner, club_calendar
):
    club = club_calendar["club"]
    listed = ("--public-only", "--type", "club")
    path, args = SERIES_FEED
    target = tallinn(2024, 5, 7, 18, 0)

    def cancel():
        cancel_occurrence(occurrence_at(club, target), reason="ill")

    def restore():
        restore_occurrence(occurrence_at(club, target))

    def move():
        move_occurrence(occurrence_at(club, target), tallinn(2024, 5, 8, 18, 0))

    def edit():
        edit_occurrence(occurrence_at(club, target), title="Eesti keele klubi: eksam")

    def plan_change():  # what a plan reload adding an EXDATE does to the series
        club.exdates = ["2024-05-21T18:00"]
        club.revision += 1
        club.updated_at = utcnow()
        expand(club)

    history = []
    for step in (None, cancel, restore, move, edit, plan_change):
        if step is not None:
            step()
            db.session.commit()
        body = client.get(path, query_string=args).data
        expected = expected_occurrences(events_list(runner, *listed))
        assert read_with_recurring_ical_events(body) == expected, step
        assert read_with_ical(body) == expected, step
        history.append(master_stamps(body))

    sequences = [sequence for sequence, _stamp, _modified in history]
    assert all(a < b for a, b in zip(sequences, sequences[1:], strict=False)), sequences
    for column in (1, 2):
        moments = [row[column] for row in history]
        assert moments == sorted(moments), moments


def test_restoring_shows_the_occurrence_again_with_a_higher_sequence_than_the_cancel(
    client, club_calendar
):
    club = club_calendar["club"]
    path, args = SERIES_FEED
    event = occurrence_at(club, tallinn(2024, 5, 7, 18, 0))
    before = client.get(path, query_string=args).data
    cancel_occurrence(event)
    db.session.commit()
    cancelled = client.get(path, query_string=args).data
    restore_occurrence(event)
    db.session.commit()
    restored = client.get(path, query_string=args).data
    exdates = [moment.dt for moment in club_master(cancelled)["EXDATE"].dts]
    assert tallinn(2024, 5, 7, 18, 0) in exdates
    assert master_stamps(before)[0] < master_stamps(cancelled)[0] < master_stamps(restored)[0]
    assert read_with_recurring_ical_events(restored) == read_with_recurring_ical_events(before)


def test_a_change_before_the_window_still_raises_the_served_masters_sequence(client, club_calendar):
    """The master is derived from all rows of its series, so the feed's cache key covers
    them too: a cancellation before the window is not hidden behind a cached feed."""
    club = club_calendar["club"]
    args = {"from": "2024-04-01", "to": "2025-01-01", "mode": "series"}
    first = client.get("/feeds/type/club.ics", query_string=args)
    cancel_occurrence(occurrence_at(club, tallinn(2024, 3, 5, 18, 0)))
    db.session.commit()
    again = client.get(
        "/feeds/type/club.ics",
        query_string=args,
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 200
    assert master_stamps(again.data)[0] > master_stamps(first.data)[0]
    assert again.headers["ETag"] != first.headers["ETag"]
    assert parse_date(again.headers["Last-Modified"]) >= parse_date(first.headers["Last-Modified"])
