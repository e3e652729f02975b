"""Single occurrences can be moved, cancelled, edited and given an outcome."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.events.models import Event, EventStatus
from scheduler.events.service import (
    OccurrenceError,
    cancel_occurrence,
    edit_occurrence,
    move_occurrence,
    record_outcome,
)
from scheduler.extensions import db
from tests.factories import make_org


def test_moving_one_occurrence_leaves_the_rest_of_the_series(series):
    first, second = series.events[0], series.events[1]
    move_occurrence(first, datetime(2024, 1, 3, 16, 0, tzinfo=UTC))
    assert first.is_overridden and first.sequence == 1
    assert second.start == datetime(2024, 1, 9, 16, 0, tzinfo=UTC) and not second.is_overridden


def test_naive_times_are_refused(series):
    with pytest.raises(ValueError, match="naive"):
        move_occurrence(series.events[0], datetime(2024, 1, 3, 18, 0))


def test_an_end_before_the_start_is_refused(series):
    start = datetime(2024, 1, 3, 16, 0, tzinfo=UTC)
    with pytest.raises(OccurrenceError, match="end must be after"):
        move_occurrence(series.events[0], start, start)


def test_an_edit_of_title_or_place_marks_the_occurrence_overridden(series):
    event = series.events[2]
    edit_occurrence(event, title="Special edition", location="Library hall")
    assert event.display_title == "Special edition" and event.display_location == "Library hall"
    assert event.is_overridden and event.sequence == 1


def test_held_records_attendance_and_participating_local_governments(series):
    event = series.events[0]
    record_outcome(event, held=True, attendance=14, kov_slugs=["tartu", "elva"])
    assert event.status == EventStatus.HELD
    assert [o.slug for o in event.participants] == ["elva", "tartu"]


def test_unknown_local_governments_are_named(series):
    with pytest.raises(OccurrenceError, match="unknown organisation.*atlantis"):
        record_outcome(series.events[0], held=True, kov_slugs=["tartu", "atlantis"])


def test_a_future_event_cannot_be_recorded_as_held(series):
    event = series.events[-1]
    with pytest.raises(OccurrenceError, match="once it begins"):
        record_outcome(event, held=True, now=datetime(2024, 1, 1, tzinfo=UTC))


def test_a_cancelled_event_cannot_be_held_and_a_held_one_cannot_be_cancelled(series):
    cancel_occurrence(series.events[0])
    with pytest.raises(OccurrenceError, match="cancelled"):
        record_outcome(series.events[0], held=True)
    record_outcome(series.events[1], held=True)
    with pytest.raises(OccurrenceError, match="already has an outcome"):
        cancel_occurrence(series.events[1])


def test_cli_records_held_and_not_held(series, runner):
    first, second = series.events[0].id, series.events[1].id
    result = runner.invoke(
        args=["events", "held", str(first), "--attendance", "11", "--kovs", "tartu,elva"]
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["events", "not-held", str(second)]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Event, first).attendance == 11
    assert db.session.get(Event, second).status == EventStatus.NOT_HELD


def test_cli_refuses_clearly_and_changes_nothing(series, runner):
    result = runner.invoke(args=["events", "held", "999999"])
    assert result.exit_code != 0 and "no event with id 999999" in result.output
    event_id = series.events[0].id
    result = runner.invoke(args=["events", "held", str(event_id), "--kovs", "nowhere"])
    assert result.exit_code != 0 and "unknown organisation(s): nowhere" in result.output
    db.session.expire_all()
    assert db.session.get(Event, event_id).status == EventStatus.PLANNED


def test_cli_moves_and_cancels_in_local_time(series, runner):
    event_id = series.events[0].id
    moved = runner.invoke(args=["events", "move", str(event_id), "--start", "2024-01-03T19:00"])
    assert moved.exit_code == 0, moved.output
    cancelled = runner.invoke(args=["events", "cancel", str(series.events[1].id)])
    assert cancelled.exit_code == 0
    listed = runner.invoke(
        args=["events", "list", "--from", "2024-01-01", "--to", "2024-01-15", "--format", "json"]
    )
    rows = {row["id"]: row for row in json.loads(listed.output)}
    assert rows[event_id]["start"] == "2024-01-03T19:00:00+02:00"
    assert rows[series.events[1].id]["status"] == "cancelled"


def test_events_list_filters_by_org_and_activity_and_refuses_unknown_ones(series, runner):
    result = runner.invoke(
        args=["events", "list", "--from", "2024-01-01", "--to", "2024-02-01", "--org", "nowhere"]
    )
    assert result.exit_code != 0 and "unknown organisation 'nowhere'" in result.output
    result = runner.invoke(
        args=[
            "events",
            "list",
            "--from",
            "2024-01-10",
            "--to",
            "2024-01-17",
            "--org",
            "tartu",
            "--format",
            "json",
        ]
    )
    assert [row["start"][:10] for row in json.loads(result.output)] == ["2024-01-16"]


def test_events_list_shows_control_characters_of_a_title_escaped(series, runner):
    event = series.events[0]
    event.title = "Club\x1b]0;owned\x07 \x1b[2J"
    db.session.commit()

    result = runner.invoke(args=["events", "list", "--from", "2024-01-01", "--to", "2024-02-01"])

    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Club\\x1b]0;owned\\x07 \\x1b[2J" in result.output


IMPORTED_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Partner//Library//EN
BEGIN:VEVENT
UID:reading-club-1@library.example
DTSTAMP:20240101T000000Z
DTSTART;TZID=Europe/Tallinn:{day}T170000
DTEND;TZID=Europe/Tallinn:{day}T183000
SUMMARY:Reading club
END:VEVENT
END:VCALENDAR
"""


def test_imported_events_take_an_outcome_but_are_changed_only_at_their_source(
    app, runner, tmp_path
):
    make_org("tartu")
    db.session.commit()
    source = tmp_path / "library.ics"
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y%m%d")
    source.write_text(IMPORTED_ICS.format(day=two_days_ago))
    added = runner.invoke(args=["calendars", "add", str(source), "--org", "tartu"])
    assert added.exit_code == 0, added.output
    event = db.session.scalars(db.select(Event)).one()
    for args in (["cancel", str(event.id)], ["move", str(event.id), "--start", "2030-01-11T17:00"]):
        refused = runner.invoke(args=["events", *args])
        assert refused.exit_code != 0 and "imported calendar" in refused.output
    held = runner.invoke(args=["events", "held", str(event.id), "--attendance", "6"])
    assert held.exit_code == 0, held.output
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.status, event.attendance) == (EventStatus.HELD, 6)


def test_cli_edits_one_occurrence_and_can_restore_the_series_title(series, runner):
    event_id, other_id = series.events[0].id, series.events[1].id
    result = runner.invoke(
        args=["events", "edit", str(event_id), "--title", "Christmas special", "--location", "Hall"]
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(
        args=["events", "list", "--from", "2024-01-01", "--to", "2024-01-15", "--format", "json"]
    )
    rows = {row["id"]: row for row in json.loads(listed.output)}
    assert (rows[event_id]["title"], rows[event_id]["location"]) == ("Christmas special", "Hall")
    assert rows[other_id]["title"] == "Series s1"
    assert runner.invoke(args=["events", "edit", str(event_id), "--title", ""]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Event, event_id).display_title == "Series s1"
