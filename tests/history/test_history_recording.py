"""Every change is recorded — who, when, each field from what to what — whether it came
from the web, the command line, a calendar import, a follow-up link or a plan load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from scheduler.calendars.importer import add_calendar, refresh_calendar
from scheduler.events.models import Event, Series
from scheduler.events.service import edit_occurrence
from scheduler.extensions import db
from scheduler.indicators.models import Indicator, IndicatorTarget
from scheduler.plans.loader import load_plan_file
from scheduler.reminders.tokens import followup_token
from tests.history.conftest import LEADER, first_event, records, user_id
from tests.support.people import signed_in

# 2 January 2024 18:00–19:30 in Tallinn, in UTC
FIRST_START, FIRST_END = "2024-01-02T16:00:00+00:00", "2024-01-02T17:30:00+00:00"


def test_a_move_on_the_web_names_the_person_and_the_times_before_and_after(world, client):
    event = first_event(world["club"])
    signed_in(client, "coord@tartu.ee")
    response = client.post(
        f"/events/{event.id}/move",
        data={"date": "2024-01-03", "start_time": "16:00", "end_time": "17:30"},
    )
    assert response.status_code == 303
    [record] = records("event", event.id)
    assert (record.actor, record.user_id) == ("coord@tartu.ee", user_id("coord@tartu.ee"))
    assert record.action == "changed"
    assert record.changes == {
        "start": [FIRST_START, "2024-01-03T14:00:00+00:00"],
        "end": [FIRST_END, "2024-01-03T15:30:00+00:00"],
    }
    assert record.changed_at.tzinfo is not None
    assert abs(record.changed_at - datetime.now(UTC)) < timedelta(minutes=5)


def test_an_outcome_on_the_web_records_status_attendance_and_participants(world, client):
    event = first_event(world["club"])
    signed_in(client, "admin@elvl.ee")
    response = client.post(
        f"/events/{event.id}/held", data={"attendance": "12", "kovs": ["tartu"], "note": "good"}
    )
    assert response.status_code == 303
    [record] = records("event", event.id)
    assert record.actor == "admin@elvl.ee"
    assert record.changes == {
        "status": ["planned", "held"],
        "attendance": [None, 12],
        "notes": [None, "good"],
        "participants": [[], ["tartu"]],
    }


def test_the_command_line_is_named_by_its_command(world, runner):
    event = first_event(world["club"])
    result = runner.invoke(args=["events", "move", str(event.id), "--start", "2024-01-04T18:00"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["events", "cancel", str(event.id), "--reason", "flu"])
    assert result.exit_code == 0, result.output
    moved, cancelled = records("event", event.id)
    assert (moved.actor, moved.user_id) == ("cli: flask events move", None)
    assert moved.changes["start"] == [FIRST_START, "2024-01-04T16:00:00+00:00"]
    assert cancelled.actor == "cli: flask events cancel"
    assert cancelled.changes == {
        "status": ["planned", "cancelled"],
        "cancel_reason": [None, "flu"],
        "notes": [None, "flu"],
    }


def test_a_follow_up_link_is_named_with_its_recipient(world, client):
    event = first_event(world["club"])
    token = followup_token(event, LEADER)
    response = client.post(
        f"/reminders/followup/{token}", data={"held": "yes", "attendance": "9", "kov": "tartu"}
    )
    assert response.status_code == 200, response.text
    [record] = records("event", event.id)
    assert (record.actor, record.user_id) == (f"follow-up link ({LEADER})", None)
    assert record.changes["status"] == ["planned", "held"]
    assert record.changes["attendance"] == [None, 9]
    assert record.changes["participants"] == [[], ["tartu"]]


CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Partner//EN\r\n"
    "BEGIN:VEVENT\r\nUID:cafe@partner.ee\r\nDTSTAMP:20240101T000000Z\r\n"
    "DTSTART;TZID=Europe/Tallinn:20240305T170000\r\nDTEND;TZID=Europe/Tallinn:20240305T183000\r\n"
    "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_an_import_is_named_by_its_calendar_and_records_what_upstream_changed(world, app):
    app.config["CALENDARS_DAYS_BACK"] = 5000  # the calendar is in 2024
    tartu = world["club"].organisation
    calendar = add_calendar("partner.ics", tartu.id, "club", name="Partner café")
    db.session.commit()
    refresh_calendar(calendar, data=CALENDAR.format(summary="Keelekohvik").encode())
    series = db.session.scalar(select(Series).where(Series.key.like("ical-%")))
    created, planned = records("series", series.id)
    assert (created.actor, created.action) == ("import: Partner café", "created")
    assert created.changes["title"] == [None, "Keelekohvik"]
    assert (planned.action, planned.changes["occurrences"]) == ("occurrences", [None, 3])
    assert planned.actor == "import: Partner café"

    refresh_calendar(calendar, data=CALENDAR.format(summary="Keelekohvik B1").encode())
    renamed = records("series", series.id)[-1]
    assert renamed.actor == "import: Partner café"
    assert renamed.changes == {"title": ["Keelekohvik", "Keelekohvik B1"]}
    # a series keeps its own version (its revision): the record names the one it made
    db.session.refresh(series)
    assert renamed.version == series.revision == 2


def test_a_plan_load_is_named_by_its_year_and_a_second_load_records_nothing(app):
    load_plan_file()
    series = records("series")
    assert series and {r.actor for r in series} == {"plan load 2024"}
    assert {r.action for r in series} == {"created", "occurrences"}
    # occurrences are summarised per series, never one record per row
    assert records("event") == []
    assert {r.actor for r in records("indicator")} == {"plan load 2024"}
    before = len(series) + len(records("indicator")) + len(records("indicator_target"))

    load_plan_file()
    after = len(records("series")) + len(records("indicator")) + len(records("indicator_target"))
    assert after == before


def test_an_event_version_rises_with_each_recorded_change_and_only_then(world):
    event = first_event(world["club"])
    assert event.version == 1
    edit_occurrence(event, notes="bring cake")
    db.session.commit()
    assert first_event(world["club"]).version == 2
    event = first_event(world["club"])
    edit_occurrence(event, notes="bring cake")  # the same again: nothing changes
    db.session.commit()
    assert first_event(world["club"]).version == 2
    assert len(records("event", event.id)) == 1


def test_indicator_targets_and_manual_values_are_recorded_and_raise_its_version(app, client):
    from scheduler.accounts.models import Role, User

    indicator = Indicator(
        code="coordinators", table="2", name="Koordinaatorid", unit="count", rule={"kind": "manual"}
    )
    indicator.targets.append(IndicatorTarget(year=2024, kind="year", value=Decimal(5)))
    admin = User(email="admin@elvl.ee", role=Role.ADMIN)
    admin.set_password("secret-pass")
    db.session.add_all([indicator, admin])
    db.session.commit()
    signed_in(client, "admin@elvl.ee")
    client.post(
        "/indicators/coordinators/target",
        data={"year": "2024", "value": "6", "reason": "a new partner", "version": "1"},
    )
    client.post(
        "/indicators/coordinators/value",
        data={"year": "2024", "value": "4", "evidence": "contracts", "version": "2"},
    )
    created, target = records("indicator_target")
    assert (created.action, created.changes["value"]) == ("created", [None, "5"])
    assert (target.actor, target.action, target.changes) == (
        "admin@elvl.ee",
        "changed",
        {"value": ["5", "6"]},
    )
    [value] = records("indicator_manual_value")
    assert value.action == "created"
    assert value.changes["value"] == [None, "4"]
    assert value.changes["evidence"] == [None, "contracts"]
    assert db.session.scalar(select(Indicator.version)) == 3


def test_nothing_is_recorded_for_rows_the_history_does_not_track(world):
    before = len(records("event")) + len(records("series"))
    event = first_event(world["club"])
    event.sequence += 1  # an iCalendar counter, not a change anyone makes
    db.session.commit()
    assert len(records("event")) + len(records("series")) == before
    assert db.session.get(Event, event.id).version == 1
