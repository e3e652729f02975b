"""Input that cannot be right is refused with a clear answer: never a 500, never a DataError."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from scheduler.accounts.models import User
from scheduler.core.time import zone
from scheduler.events.models import Event, EventStatus
from scheduler.extensions import db
from scheduler.feeds.models import FeedToken
from tests.factories import expand, make_org, make_series

HUGE_IDS = ["99999999999999999999", str(2**63), str(2**31)]


def _event(series, index=0) -> Event:
    db.session.expire_all()
    return db.session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.start)
    ).all()[index]


def _flash(client) -> str:
    return client.get("/?lang=en").get_data(as_text=True)


# --- ids beyond the database's integer range -----------------------------------------------


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/events/{}"),
        ("POST", "/events/{}/cancel"),
        ("POST", "/events/{}/held"),
        ("POST", "/reminders/{}/retry"),
        ("POST", "/feeds/tokens/{}/revoke"),
        ("POST", "/calendars/{}/refresh"),
    ],
)
def test_an_id_beyond_the_database_range_is_not_found(admin_client, method, path, huge):
    response = admin_client.open(path.format(huge) + "?lang=en", method=method)

    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("command", ["held", "not-held", "cancel", "restore", "edit"])
def test_the_command_line_refuses_an_id_beyond_the_database_range(runner, series, command):
    result = runner.invoke(args=["events", command, "99999999999999999999"])

    assert result.exit_code == 2
    assert "is not in the range 0<=x<=2147483647" in result.output


# --- attendance ----------------------------------------------------------------------------


def test_an_impossible_attendance_is_refused_on_the_page(series, admin_client):
    event = _event(series)
    response = admin_client.post(
        f"/events/{event.id}/held?lang=en", data={"attendance": str(2**63)}
    )

    assert response.status_code == 303
    assert "Number must be between 0 and 100000" in _flash(admin_client)
    assert _event(series).status == EventStatus.PLANNED


def test_an_impossible_attendance_is_refused_on_the_command_line(series, runner):
    event = _event(series)
    result = runner.invoke(args=["events", "held", str(event.id), "--attendance", str(2**63)])

    assert result.exit_code == 2
    assert "--attendance" in result.output and "0<=x<=100000" in result.output


# --- moves ---------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["0001-01-01T00:00", "9999-12-31T23:59", "2025-03-04T18:00"])
def test_a_move_outside_the_activitys_timeframe_is_refused_on_the_page(series, admin_client, start):
    event = _event(series)
    before = event.start
    day, at = start.split("T")
    response = admin_client.post(
        f"/events/{event.id}/move?lang=en", data={"date": day, "start_time": at}
    )

    assert response.status_code == 303
    assert "the new start must fall between 2024-01-01 and 2024-12-31" in _flash(admin_client)
    assert _event(series).start == before


@pytest.mark.parametrize("start", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_move_to_an_impossible_year_is_refused_on_the_command_line(series, runner, start):
    event = _event(series)
    result = runner.invoke(args=["events", "move", str(event.id), "--start", start])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "must fall between" in result.output or "out of range" in result.output


def test_without_a_timeframe_a_move_reaches_at_most_a_year(app, runner):
    make_org("elva", name="Elva vald")
    series = make_series("open", bounds=None, rule=None)
    expand(series)
    db.session.commit()
    event = _event(series)

    far = runner.invoke(args=["events", "move", str(event.id), "--start", "2025-01-03T18:00"])
    near = runner.invoke(args=["events", "move", str(event.id), "--start", "2025-01-02T18:00"])

    assert far.exit_code == 1 and "must fall between 2023-01-01 and 2025-01-02" in far.output
    assert near.exit_code == 0, near.output


def test_a_move_across_the_spring_forward_gap_keeps_the_duration(series, runner):
    """Tallinn skips 03:00-04:00 on 31 March 2024: 02:30 + 90 minutes is 05:00 local."""
    event = _event(series)
    result = runner.invoke(args=["events", "move", str(event.id), "--start", "2024-03-31T02:30"])
    assert result.exit_code == 0, result.output

    moved = (
        _event(series, 0) if _event(series, 0).id == event.id else db.session.get(Event, event.id)
    )
    assert moved.end - moved.start == timedelta(minutes=90)
    local = zone("Europe/Tallinn")
    assert moved.start.astimezone(local).replace(tzinfo=None) == datetime(2024, 3, 31, 2, 30)
    assert moved.end.astimezone(local).replace(tzinfo=None) == datetime(2024, 3, 31, 5, 0)


def test_a_move_to_a_start_inside_the_gap_keeps_the_duration(series, admin_client):
    event = _event(series)
    response = admin_client.post(
        f"/events/{event.id}/move", data={"date": "2024-03-31", "start_time": "03:30"}
    )
    assert response.status_code == 303

    moved = db.session.get(Event, event.id)
    db.session.refresh(moved)
    assert moved.end - moved.start == timedelta(minutes=90)


# --- text longer than its column -----------------------------------------------------------


def test_an_over_long_title_is_refused_on_the_command_line(series, runner):
    event = _event(series)
    result = runner.invoke(args=["events", "edit", str(event.id), "--title", "T" * 301])

    assert result.exit_code == 1
    assert "the title is too long (301 characters, at most 300)" in result.output
    assert _event(series).title is None


def test_an_over_long_location_and_notes_are_refused(series, runner):
    event = _event(series)
    place = runner.invoke(args=["events", "edit", str(event.id), "--location", "L" * 301])
    notes = runner.invoke(args=["events", "edit", str(event.id), "--notes", "N" * 5001])

    assert place.exit_code == 1 and "the location is too long" in place.output
    assert notes.exit_code == 1 and "the notes is too long" in notes.output


def test_an_over_long_cancel_reason_is_refused_on_the_page(series, admin_client):
    event = _event(series)
    response = admin_client.post(f"/events/{event.id}/cancel?lang=en", data={"reason": "R" * 5001})

    assert response.status_code == 303
    assert "cannot be longer than 5000 characters" in _flash(admin_client)
    assert _event(series).status == EventStatus.PLANNED


def test_an_over_long_outcome_note_is_refused(series, runner):
    event = _event(series)
    result = runner.invoke(args=["events", "not-held", str(event.id), "--note", "N" * 5001])

    assert result.exit_code == 1 and "the note is too long" in result.output
    assert _event(series).status == EventStatus.PLANNED


def test_an_over_long_user_name_is_refused(runner):
    result = runner.invoke(
        args=["users", "create", "someone@elvl.ee", "--role", "viewer", "--name", "N" * 201]
    )

    assert result.exit_code == 2
    assert "--name is too long (201 characters, at most 200)" in result.output
    assert db.session.scalars(select(User)).first() is None


def test_an_over_long_feed_link_label_is_refused(runner):
    result = runner.invoke(args=["feeds", "token", "create", "a@elvl.ee", "--label", "L" * 201])

    assert result.exit_code == 2
    assert "--label is too long" in result.output
    assert db.session.scalars(select(FeedToken)).first() is None


def test_an_over_long_feed_link_label_from_the_page_is_cut_to_fit(admin_client):
    response = admin_client.post("/feeds/tokens", data={"label": "L" * 5000})

    assert response.status_code == 200
    assert db.session.scalars(select(FeedToken.label)).one() == "L" * 200


# --- feeds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01",
        "from=0001-01-01&to=0001-03-01",
        "to=9999-12-31",
        "from=9999-10-01&to=9999-12-31",
        "from=1899-12-31",
    ],
)
def test_a_feed_window_in_an_impossible_year_is_a_400(series, client, query):
    response = client.get(f"/feeds/all.ics?{query}")

    assert response.status_code == 400
    assert response.mimetype == "text/plain"


@pytest.mark.parametrize("value", ["xx", "tartu", "e", "9999", "x" * 300])
def test_a_language_feed_for_something_not_a_language_is_not_found(series, client, value):
    assert client.get(f"/feeds/lang/{value}.ics").status_code == 404


@pytest.mark.parametrize("window", [("0001-01-01", "0001-02-01"), ("9999-12-01", "9999-12-31")])
def test_listing_events_in_an_impossible_year_is_refused_clearly(series, runner, window):
    result = runner.invoke(args=["events", "list", "--from", window[0], "--to", window[1]])

    assert result.exit_code == 2
    assert "is outside 2000-2100" in result.output


def test_listing_events_in_json_still_works_after_a_refused_move(series, runner):
    event = _event(series)
    runner.invoke(args=["events", "move", str(event.id), "--start", "0001-01-01T00:00"])
    listed = runner.invoke(
        args=["events", "list", "--from", "2024-01-01", "--to", "2024-02-01", "--format", "json"]
    )
    assert listed.exit_code == 0
    assert json.loads(listed.output)[0]["id"] == event.id
