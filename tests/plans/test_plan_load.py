"""Loading the built-in 2024 plan turns its cadences into dated events."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta

import holidays
import pytest
from sqlalchemy import func, select

from scheduler.events.models import Event, EventStatus, Series
from scheduler.extensions import db
from scheduler.indicators.models import Indicator
from scheduler.organisations.models import Organisation, OrganisationKind
from scheduler.plans.loader import builtin_plan_path

# these tests are about the loader: every load here runs it (tests/support/snapshots.py)
pytestmark = pytest.mark.real_plan_load

ESTONIAN_HOLIDAYS = holidays.country_holidays("EE", years=2024)


@pytest.fixture
def plan_events(runner):
    result = runner.invoke(args=["plan", "load"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(
        args=["events", "list", "--from", "2024-01-01", "--to", "2025-01-01", "--format", "json"]
    )
    assert listed.exit_code == 0, listed.output
    return json.loads(listed.output)


def _local_dates(events, key_part):
    return [
        datetime.fromisoformat(e["start"]).date() for e in events if key_part in e["series_key"]
    ]


def _weekdays_of_2024(weekday: int, skip_months=(), skip_holidays=True):
    day, result = date(2024, 1, 1), []
    while day.year == 2024:
        is_holiday = skip_holidays and day in ESTONIAN_HOLIDAYS
        if day.weekday() == weekday and day.month not in skip_months and not is_holiday:
            result.append(day)
        day += timedelta(days=1)
    return result


def test_every_listed_event_carries_the_contract_fields(plan_events):
    required = {
        "id",
        "series_id",
        "activity_code",
        "org",
        "type",
        "title",
        "start",
        "end",
        "status",
    }
    assert plan_events, "the 2024 plan yields events"
    for event in plan_events:
        assert required <= event.keys()
        assert datetime.fromisoformat(event["start"]).utcoffset() is not None
        assert event["status"] == "planned"


def test_tartu_clubs_are_weekly_and_paused_in_q3(plan_events):
    assert _local_dates(plan_events, "tartu-club-et") == _weekdays_of_2024(1, skip_months=(7, 8, 9))
    assert _local_dates(plan_events, "tartu-club-en") == _weekdays_of_2024(3, skip_months=(7, 8, 9))


def test_tartu_specialists_network_meets_monthly_except_q3(plan_events):
    months = [d.month for d in _local_dates(plan_events, "tartu-specialists-network")]
    assert months == [1, 2, 3, 4, 5, 6, 10, 11, 12]


def test_tallinn_agency_network_meets_once_a_quarter(plan_events):
    dates = _local_dates(plan_events, "tallinn-agency-network")
    assert len(dates) == 4
    assert sorted({(d.month - 1) // 3 for d in dates}) == [0, 1, 2, 3]


def test_rakvere_library_events_skip_the_two_summer_months(plan_events):
    dates = _local_dates(plan_events, "rakvere-library-events")
    assert len(dates) >= 10
    assert not [d for d in dates if d.month in (7, 8)]


def test_two_info_days_one_per_half_year(plan_events):
    info_days = [e for e in plan_events if e["type"] == "info_day"]
    halves = Counter(datetime.fromisoformat(e["start"]).month <= 6 for e in info_days)
    assert halves == {True: 1, False: 1}


def test_national_trainings_and_the_study_trip(plan_events):
    counts = Counter(e["type"] for e in plan_events if e["org"] == "elvl")
    assert counts["training"] >= 2
    assert counts["study_trip"] == 1


def test_saaremaa_maps_the_situation_every_month_and_travels_two_or_three_times(plan_events):
    months = {d.month for d in _local_dates(plan_events, "saaremaa-situation-mapping")}
    assert months == set(range(1, 13))
    assert 2 <= len(_local_dates(plan_events, "saaremaa-culture-trips")) <= 3


def test_wall_clock_time_is_kept_across_daylight_saving(plan_events):
    club = [e for e in plan_events if e["series_key"] == "2024-tartu-club-et"]
    assert {e["start"][11:16] for e in club} == {"17:30"}
    assert {e["start"][-6:] for e in club} == {"+02:00", "+03:00"}


def test_no_event_falls_on_a_skipped_holiday(app, plan_events):
    skipping = {s.key for s in db.session.scalars(select(Series)) if s.holiday_policy == "skip"}
    for event in plan_events:
        if event["series_key"] in skipping:
            assert datetime.fromisoformat(event["start"]).date() not in ESTONIAN_HOLIDAYS


def test_every_event_is_tied_to_its_activity_organisation_and_organisers(plan_events):
    for event in plan_events:
        assert event["activity_code"].startswith("3.5.")
        assert event["org"] in {"elvl", "tartu", "tallinn", "rakvere", "saaremaa", "parnu"}
        assert event["organisers"]


def test_all_79_local_governments_and_the_partners_exist(app, plan_events):
    kovs = db.session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.ehak_code.is_not(None))
    )
    assert kovs == 79
    partners = db.session.scalars(
        select(Organisation.slug).where(Organisation.kind == OrganisationKind.PARTNER)
    ).all()
    assert sorted(partners) == ["parnu", "rakvere", "saaremaa", "tallinn", "tartu"]
    saaremaa = db.session.scalar(select(Organisation).where(Organisation.slug == "saaremaa"))
    assert saaremaa.is_partner_on(date(2023, 11, 1))
    assert not saaremaa.is_partner_on(date(2023, 10, 31))


def test_all_seven_indicators_carry_both_targets(app, plan_events):
    indicators = {i.code: i for i in db.session.scalars(select(Indicator))}
    assert len(indicators) == 7
    assert indicators["info_days"].target_for(2024) == 3
    assert indicators["info_days"].target_for(2029, "final") == 12
    assert indicators["training_participations"].target_for(2024) == 20
    assert indicators["training_participations"].target_for(2029, "final") == 45


def _snapshot():
    events = db.session.execute(
        select(Event.id, Event.start, Event.status, Event.updated_at, Event.sequence)
    ).all()
    series = db.session.execute(select(Series.id, Series.revision, Series.updated_at)).all()
    return sorted(events), sorted(series)


def test_loading_twice_changes_nothing(app, runner):
    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    before = _snapshot()
    again = runner.invoke(args=["plan", "load"])
    assert again.exit_code == 0
    assert "nothing changed" in again.output
    db.session.expire_all()
    assert _snapshot() == before


def test_an_edited_plan_updates_in_place_and_keeps_outcomes(app, runner, tmp_path):
    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    club = db.session.scalar(select(Series).where(Series.key == "2024-tartu-club-et"))
    first, second = club.events[0], club.events[1]
    held = runner.invoke(
        args=["events", "held", str(first.id), "--attendance", "12", "--kovs", "tartu,elva"]
    )
    assert held.exit_code == 0, held.output
    first_start, event_count = first.start, len(club.events)

    edited = (
        builtin_plan_path()
        .read_text()
        .replace("start: 2024-01-02T17:30", "start: 2024-01-02T18:00")
    )
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(edited)
    result = runner.invoke(args=["plan", "load", str(plan_file)])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    club = db.session.get(Series, club.id)
    assert club.revision == 2
    assert len(club.events) == event_count, "the same occurrences, updated in place"
    kept = db.session.get(Event, first.id)
    assert kept.status == EventStatus.HELD and kept.attendance == 12
    assert [o.slug for o in kept.participants] == ["elva", "tartu"]
    assert kept.start == first_start, "an event with an outcome is not moved"
    moved = db.session.get(Event, second.id)
    assert moved.start.astimezone(moved.start.tzinfo).hour in (16,)  # 18:00 EET is 16:00 UTC


def test_a_broken_plan_names_file_line_and_field_and_loads_nothing(app, runner, tmp_path):
    broken = (
        builtin_plan_path()
        .read_text()
        .replace("rule: FREQ=WEEKLY;BYDAY=TU", "rule: FREQ=WEEKLI;BYDAY=TU")
        .replace("type: conference", "type: party")
    )
    plan_file = tmp_path / "broken.yaml"
    plan_file.write_text(broken)
    result = runner.invoke(args=["plan", "load", str(plan_file)])
    assert result.exit_code != 0
    lines = broken.splitlines()
    party_line = next(i for i, text in enumerate(lines, 1) if "type: party" in text)
    assert f"{plan_file}:{party_line}: series[" in result.output
    assert ".type:" in result.output
    assert "nothing was loaded" in result.output
    assert db.session.scalar(select(func.count()).select_from(Series)) == 0


def test_a_rule_error_points_at_the_rule_line(app, runner, tmp_path):
    broken = (
        builtin_plan_path()
        .read_text()
        .replace("rule: FREQ=WEEKLY;BYDAY=TU", "rule: FREQ=WEEKLI;BYDAY=TU")
    )
    plan_file = tmp_path / "broken.yaml"
    plan_file.write_text(broken)
    result = runner.invoke(args=["plan", "load", str(plan_file)])
    rule_line = next(i for i, t in enumerate(broken.splitlines(), 1) if "FREQ=WEEKLI" in t)
    assert f"{plan_file}:{rule_line}: series[" in result.output
    assert "WEEKLI" in result.output


def test_invalid_yaml_is_refused_with_its_line(app, runner, tmp_path):
    plan_file = tmp_path / "bad.yaml"
    plan_file.write_text("plan:\n  year: 2024\n  title: [unclosed\n")
    result = runner.invoke(args=["plan", "load", str(plan_file)])
    assert result.exit_code != 0
    assert f"{plan_file}:" in result.output and "not valid YAML" in result.output


def test_a_missing_file_is_a_clear_error(app, runner, tmp_path):
    result = runner.invoke(args=["plan", "load", str(tmp_path / "nope.yaml")])
    assert result.exit_code != 0
    assert "no such file" in result.output


def test_a_series_removed_from_the_plan_is_cancelled_but_its_outcomes_stay(app, runner, tmp_path):
    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    series = db.session.scalar(select(Series).where(Series.key == "2024-parnu-trips"))
    first = series.events[0]
    assert runner.invoke(args=["events", "held", str(first.id), "--attendance", "8"]).exit_code == 0
    text = builtin_plan_path().read_text()
    start = text.index("  - key: 2024-parnu-trips")
    end = text.index("\nindicators:")
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(text[:start] + text[end + 1 :])
    result = runner.invoke(args=["plan", "load", str(plan_file)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    statuses = [e.status for e in db.session.get(Series, series.id).events]
    assert statuses == [EventStatus.HELD, EventStatus.CANCELLED]
    again = runner.invoke(args=["plan", "load", str(plan_file)])
    assert "nothing changed" in again.output


def test_a_changed_target_in_the_plan_file_keeps_its_history(app, runner, tmp_path):
    from scheduler.indicators.models import IndicatorTargetRevision

    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    info_days_target = (
        "targets: {2024: 3}\n    target_2029: 12\n"
        "    counting: {kind: held_events, types: [info_day]}"
    )
    text = builtin_plan_path().read_text()
    assert text.count(info_days_target) == 1
    text = text.replace(info_days_target, info_days_target.replace("2024: 3", "2024: 2"))
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(text)
    assert runner.invoke(args=["plan", "load", str(plan_file)]).exit_code == 0
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == "info_days"))
    assert indicator.target_for(2024) == 2
    revisions = db.session.scalars(select(IndicatorTargetRevision)).all()
    assert [(r.previous_value, r.value, r.author) for r in revisions] == [(3, 2, "plan load")]


def test_an_organiser_added_in_the_plan_file_gets_reminders_for_planned_events(
    app, runner, tmp_path
):
    from scheduler.mail.models import Reminder

    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    before = db.session.scalars(
        select(Reminder).where(Reminder.recipient == "helper@tartu.ee")
    ).all()
    assert before == []
    text = builtin_plan_path().read_text()
    assert text.count("organisers: [vorgustik@tartu.ee]") == 1
    text = text.replace(
        "organisers: [vorgustik@tartu.ee]", "organisers: [vorgustik@tartu.ee, helper@tartu.ee]"
    )
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(text)
    assert runner.invoke(args=["plan", "load", str(plan_file)]).exit_code == 0
    added = db.session.scalars(select(Reminder).where(Reminder.recipient == "helper@tartu.ee"))
    network = db.session.scalar(
        select(Series).where(Series.key == "2024-tartu-specialists-network")
    )
    assert {r.event_id for r in added} == {e.id for e in network.events}


def test_validate_checks_a_file_without_loading_it(app, runner, tmp_path):
    result = runner.invoke(args=["plan", "validate"])
    assert result.exit_code == 0, result.output
    assert "plan 2024 is valid: 6 organisations, 34 activities, 28 series, 7 indicators" in (
        result.output
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text(builtin_plan_path().read_text().replace("duration: 360", "duration: -5", 1))
    result = runner.invoke(args=["plan", "validate", str(broken)])
    assert result.exit_code != 0 and ".duration:" in result.output
    assert db.session.scalar(select(func.count()).select_from(Series)) == 0


EVERY_MINUTE = "FREQ=HOURLY;BYMINUTE=" + ",".join(str(minute) for minute in range(60))


@pytest.mark.parametrize(
    ("rule", "expected", "deadline"),
    [
        # refused for its frequency whatever the time: the deadline stays the served one, so
        # that a loaded machine does not reach it on a series before this one
        ("FREQ=SECONDLY", "repeats every second (FREQ=SECONDLY)", 30),
        (EVERY_MINUTE, "takes longer than 0.5 seconds (limit PLAN_EXPAND_DEADLINE_SECONDS)", 0.5),
    ],
)
def test_a_plan_rule_too_costly_to_expand_is_refused_within_the_budget(
    app, runner, tmp_path, rule, expected, deadline
):
    app.config["PLAN_EXPAND_DEADLINE_SECONDS"] = deadline
    app.config["RULES_MAX_OCCURRENCES_PER_SERIES"] = 10**7  # the deadline, not a cap
    app.config["RULES_MAX_OCCURRENCES_PER_SAVE"] = 10**8
    costly = (
        builtin_plan_path().read_text().replace("rule: FREQ=WEEKLY;BYDAY=TU", f"rule: {rule}", 1)
    )
    plan_file = tmp_path / "costly.yaml"
    plan_file.write_text(costly)
    result = runner.invoke(args=["plan", "load", str(plan_file)])
    assert result.exit_code != 0
    assert expected in result.output
    assert "nothing was loaded" in result.output
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
