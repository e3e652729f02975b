"""`flask plan export YEAR` writes the plan as it is now, and loading that file into an empty
database gives the same events; a load never silently overwrites changes made on the web."""

from __future__ import annotations

from datetime import datetime

import pytest
import yaml
from sqlalchemy import select

from scheduler.core.time import zone
from scheduler.events.models import Event, Series
from scheduler.events.service import cancel_occurrence, edit_occurrence, move_occurrence
from scheduler.extensions import db
from scheduler.plans.export import current_definition
from scheduler.plans.loader import builtin_plan_path
from scheduler.plans.models import Plan
from tests.conftest import _empty_all_tables
from tests.factories import make_series

TALLINN = zone("Europe/Tallinn")


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TALLINN)


def _occurrence(key: str, original: str) -> Event:
    return db.session.scalar(
        select(Event)
        .join(Series)
        .where(Series.key == key, Event.original_start == _local(original))
    )


def _events_of_2024() -> list[tuple]:
    """Every event of the 2024 plan's series, field by field."""
    rows = db.session.scalars(
        select(Event)
        .join(Series)
        .join(Plan, Series.plan_id == Plan.id)
        .where(Plan.year == 2024)
        .order_by(Series.key, Event.original_start)
    ).all()
    return [
        (
            e.series.key,
            e.original_start,
            e.start,
            e.end,
            e.status.value,
            e.notes,
            e.title,
            e.location,
            e.description,
            e.in_rule,
            e.is_overridden,
        )
        for e in rows
    ]


def _series_of_2024() -> dict[str, dict]:
    rows = db.session.scalars(
        select(Series).join(Plan, Series.plan_id == Plan.id).where(Plan.year == 2024)
    ).all()
    return {s.key: current_definition(s, "Europe/Tallinn") for s in rows}


def _export(runner, path) -> bytes:
    result = runner.invoke(args=["plan", "export", "2024", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def _load(runner, *args):
    return runner.invoke(args=["plan", "load", *[str(a) for a in args]])


@pytest.fixture
def changed_plan(app, runner):
    """The 2024 plan with one club meeting moved, one cancelled and one edited by hand."""
    assert _load(runner).exit_code == 0
    moved = _occurrence("2024-tartu-club-et", "2024-03-12T17:30")
    move_occurrence(moved, _local("2024-03-14T18:00"), _local("2024-03-14T19:45"))
    cancel_occurrence(_occurrence("2024-tartu-club-et", "2024-04-02T17:30"), "Room unavailable")
    edit_occurrence(
        _occurrence("2024-rakvere-library-events", "2024-05-30T17:00"),
        title="Raamatukogu suvepidu",
        location="Rakvere Vallimägi",
    )
    db.session.commit()


def test_the_exported_plan_loads_into_an_empty_database_as_the_same_events(
    changed_plan, runner, tmp_path
):
    first = _export(runner, tmp_path / "plan-2024.yaml")
    events, series = _events_of_2024(), _series_of_2024()
    assert len(events) > 250 and len(series) == 28

    db.session.remove()
    _empty_all_tables()
    assert db.session.scalar(select(Event.id).limit(1)) is None
    loaded = _load(runner, tmp_path / "plan-2024.yaml")
    assert loaded.exit_code == 0, loaded.output

    assert _events_of_2024() == events
    assert _series_of_2024() == series
    assert _export(runner, tmp_path / "again.yaml") == first


def test_moved_cancelled_and_edited_occurrences_are_written_as_overrides(
    changed_plan, runner, tmp_path
):
    document = yaml.safe_load(_export(runner, tmp_path / "plan.yaml"))
    series = {entry["key"]: entry for entry in document["series"]}
    assert series["2024-tartu-club-et"]["overrides"] == {
        "2024-03-12T17:30": {"start": "2024-03-14T18:00", "end": "2024-03-14T19:45"},
        "2024-04-02T17:30": {
            "start": "2024-04-02T17:30",
            "end": "2024-04-02T19:00",
            "status": "cancelled",
            "reason": "Room unavailable",
        },
    }
    assert series["2024-rakvere-library-events"]["overrides"]["2024-05-30T17:00"] == {
        "start": "2024-05-30T17:00",
        "end": "2024-05-30T19:00",
        "title": "Raamatukogu suvepidu",
        "location": "Rakvere Vallimägi",
    }
    assert "overrides" not in series["2024-tartu-club-en"]


def test_export_without_output_prints_the_same_file(changed_plan, runner, tmp_path):
    printed = runner.invoke(args=["plan", "export", "2024"])
    assert printed.exit_code == 0
    assert printed.stdout.encode() == _export(runner, tmp_path / "plan.yaml")


def test_exporting_a_year_without_a_plan_fails_with_a_message(app, runner):
    result = runner.invoke(args=["plan", "export", "2031"])
    assert result.exit_code == 1
    assert "no plan for 2031 is loaded" in result.output


def test_the_exported_built_in_plan_says_what_the_original_says(app, runner, tmp_path):
    assert _load(runner).exit_code == 0
    exported = yaml.safe_load(_export(runner, tmp_path / "plan.yaml"))
    original = yaml.safe_load(builtin_plan_path().read_text(encoding="utf-8"))
    assert sorted(s["key"] for s in exported["series"]) == sorted(
        s["key"] for s in original["series"]
    )
    club = next(s for s in exported["series"] if s["key"] == "2024-tartu-club-et")
    assert club["rule"] == "FREQ=WEEKLY;BYDAY=TU" and club["pauses"] == ["2024-07-01/2024-09-30"]
    assert [i["code"] for i in exported["indicators"]] == sorted(
        i["code"] for i in original["indicators"]
    )
    info_days = next(i for i in exported["indicators"] if i["code"] == "info_days")
    assert (info_days["targets"], info_days["target_2029"]) == ({2024: 3}, 12)


# --- loading over changes made on the web --------------------------------------------------


def _web_edit(key: str, **values) -> None:
    """A change to a series as the series editor saves it."""
    series = db.session.scalar(select(Series).where(Series.key == key))
    for name, value in values.items():
        setattr(series, name, value)
    series.revision += 1
    db.session.commit()


def test_loading_an_older_file_over_a_series_changed_on_the_web_stops_and_lists_it(app, runner):
    assert _load(runner).exit_code == 0
    _web_edit("2024-tartu-club-et", location="Tartu Raamatukogu", duration_minutes=120)

    refused = _load(runner)
    assert refused.exit_code == 1
    assert "2024-tartu-club-et: location changed on the web from" in refused.output
    assert '"Tartu Raamatukogu"' in refused.output and "duration changed" in refused.output
    assert "nothing was loaded" in refused.output and "--force" in refused.output
    club = db.session.scalar(select(Series).where(Series.key == "2024-tartu-club-et"))
    db.session.refresh(club)
    assert club.location == "Tartu Raamatukogu"

    forced = _load(runner, "--force")
    assert forced.exit_code == 0, forced.output
    db.session.refresh(club)
    assert (club.location, club.duration_minutes) == ("Tartu Rahvusvaheline Maja, Tartu", 90)
    assert _load(runner).exit_code == 0, "after --force the file is what was loaded last"


def test_a_file_exported_after_the_web_change_loads_without_a_conflict(app, runner, tmp_path):
    assert _load(runner).exit_code == 0
    _web_edit("2024-tartu-club-et", location="Tartu Raamatukogu")
    _export(runner, tmp_path / "now.yaml")
    result = _load(runner, tmp_path / "now.yaml")
    assert result.exit_code == 0, result.output
    assert "series updated" not in result.output and "0 new, 0 moved" in result.output
    club = db.session.scalar(select(Series).where(Series.key == "2024-tartu-club-et"))
    assert club.location == "Tartu Raamatukogu"


def test_an_occurrence_changed_on_the_web_after_the_export_stops_the_older_file(
    changed_plan, runner, tmp_path
):
    _export(runner, tmp_path / "older.yaml")
    moved = _occurrence("2024-tartu-club-et", "2024-03-12T17:30")
    move_occurrence(moved, _local("2024-03-15T10:00"))
    db.session.commit()

    refused = _load(runner, tmp_path / "older.yaml")
    assert refused.exit_code == 1
    assert "2024-tartu-club-et: the occurrence of 2024-03-12 17:30 changed on the web" in (
        refused.output
    )
    db.session.refresh(moved)
    assert moved.start == _local("2024-03-15T10:00")

    assert _load(runner, tmp_path / "older.yaml", "--force").exit_code == 0
    db.session.refresh(moved)
    assert moved.start == _local("2024-03-14T18:00")


def test_occurrences_changed_on_the_web_that_the_file_does_not_name_are_kept(changed_plan, runner):
    result = _load(runner)
    assert result.exit_code == 0, result.output
    moved = _occurrence("2024-tartu-club-et", "2024-03-12T17:30")
    assert moved.start == _local("2024-03-14T18:00") and moved.is_overridden


def test_a_series_created_on_the_web_is_not_withdrawn_by_a_file_that_leaves_it_out(app, runner):
    assert _load(runner).exit_code == 0
    plan = db.session.scalar(select(Plan).where(Plan.year == 2024))
    from tests.factories import expand

    expand(make_series("2024-tartu-new-club", plan=plan))
    db.session.commit()

    refused = _load(runner)
    assert refused.exit_code == 1
    assert "2024-tartu-new-club: created on the web" in refused.output


def test_the_demo_goes_on_without_overwriting_web_changes_to_the_built_in_plan(app, runner):
    assert _load(runner).exit_code == 0
    _web_edit("2024-tartu-club-et", location="Tartu Raamatukogu")
    result = runner.invoke(args=["plan", "demo", "--no-replay"])
    assert result.exit_code == 0, result.output
    assert "the built-in plan was not loaded again: 1 series changed on the web" in result.output
    club = db.session.scalar(select(Series).where(Series.key == "2024-tartu-club-et"))
    db.session.refresh(club)
    assert club.location == "Tartu Raamatukogu"
