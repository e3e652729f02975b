"""Acceptance: the 2024 plan loaded, then outcomes recorded from the command line.

Expected figures are computed here from the event rows themselves, not by the feature.
"""

from __future__ import annotations

import json
from collections import Counter
from zoneinfo import ZoneInfo

from sqlalchemy import select

from scheduler.events.models import Event, Series
from scheduler.extensions import db
from scheduler.organisations.models import Organisation

TALLINN = ZoneInfo("Europe/Tallinn")
PLAN_TARGETS = {  # PLAN-2024.md, tables 2, 4, 6, 8 and 14: (2024, 2029)
    "coordinators": (5, 7),
    "journey_model_kovs": (0, 7),
    "info_days": (3, 12),
    "national_trainings": (3, 12),
    "training_participations": (20, 45),
    "local_networks": (5, 7),
    "participation_councils": (2, 7),
}
PARTICIPATION_TYPES = {"training", "study_trip", "network_meeting"}


def report(runner) -> dict[str, dict]:
    result = runner.invoke(args=["indicators", "report", "--year", "2024", "--format", "json"])
    assert result.exit_code == 0, result.output
    return {row["code"]: row for row in json.loads(result.output)}


def events_2024() -> list[tuple[Event, str, str, str]]:
    """(event, type, organiser slug, organiser kind) of every event in local 2024."""
    rows = db.session.execute(
        select(Event, Series.event_type, Organisation.slug, Organisation.kind)
        .join(Series, Series.id == Event.series_id)
        .join(Organisation, Organisation.id == Series.organisation_id)
        .order_by(Event.start, Event.id)
    ).all()
    return [
        (event, etype, slug, str(kind.value))
        for event, etype, slug, kind in rows
        if event.start.astimezone(TALLINN).year == 2024
    ]


def expected_planned() -> dict[str, int]:
    """Planned: what the 2024 events still planned would add if they were held."""
    rows = [(e.status, t, slug, kind) for e, t, slug, kind in events_2024()]
    planned = [(t, slug, kind) for status, t, slug, kind in rows if status == "planned"]
    networks_met = {
        slug
        for status, t, slug, kind in rows
        if status == "held" and t == "network_meeting" and kind == "partner"
    }
    networks_planned = {
        slug for t, slug, kind in planned if t == "network_meeting" and kind == "partner"
    }
    return {
        "info_days": sum(1 for t, _, _ in planned if t == "info_day"),
        "national_trainings": sum(1 for t, org, _ in planned if (t, org) == ("training", "elvl")),
        "training_participations": sum(1 for t, _, _ in planned if t in PARTICIPATION_TYPES),
        "local_networks": len(networks_planned - networks_met),
        "coordinators": 0,
        "journey_model_kovs": 0,
        "participation_councils": 0,
    }


def first_event(event_type: str, org: str | None = None) -> Event:
    return next(
        e
        for e, t, slug, _ in events_2024()
        if t == event_type and (org is None or slug == org) and e.status == "planned"
    )


def test_plan_loaded_nothing_held_shows_targets_zero_actual_and_the_scheduled_plan(
    plan_2024, runner
):
    rows = report(runner)
    planned = expected_planned()

    assert set(rows) == set(PLAN_TARGETS)
    for code, (target_2024, target_2029) in PLAN_TARGETS.items():
        row = rows[code]
        assert (row["target_year"], row["target_2029"]) == (target_2024, target_2029), code
        assert (row["actual"], row["cumulative"]) == (0, 0), code
        assert row["planned"] == planned[code], code
    assert planned["info_days"] >= 2 and planned["local_networks"] >= 1  # the schedule is there


def test_marking_events_held_moves_the_actual_figures_as_the_rules_say(plan_2024, runner):
    before = report(runner)
    info_day = first_event("info_day")
    training = first_event("training", "elvl")
    network = first_event("network_meeting", "tartu")
    club = first_event("club")
    kovs = sorted(db.session.scalars(select(Organisation.slug).where(Organisation.kind == "kov")))

    def invoke(*args):
        result = runner.invoke(args=["events", *map(str, args)])
        assert result.exit_code == 0, result.output

    invoke("held", info_day.id, "--attendance", 25)
    invoke("held", training.id, "--attendance", 40, "--kovs", ",".join(kovs[:3]))
    invoke("held", network.id, "--kovs", f"tartu,{kovs[3]}")
    invoke("held", club.id, "--attendance", 9, "--kovs", kovs[4])  # a club counts nowhere
    db.session.expire_all()
    after = report(runner)
    planned = expected_planned()

    assert after["info_days"]["actual"] == 1
    assert after["national_trainings"]["actual"] == 1
    assert after["training_participations"]["actual"] == 5  # 3 at the training + 2 at the network
    assert after["local_networks"]["actual"] == 1
    assert after["local_networks"]["by_org"]["tartu"]["actual"] == 1
    for code in PLAN_TARGETS:
        assert after[code]["planned"] == planned[code], code
        assert after[code]["cumulative"] == after[code]["actual"], code
    assert after["info_days"]["planned"] == before["info_days"]["planned"] - 1
    counts = Counter(after[c]["actual"] for c in ("coordinators", "participation_councils"))
    assert counts == Counter({0: 2})


def test_a_cancelled_or_not_held_event_leaves_the_actual_and_the_planned_figure(plan_2024, runner):
    before = report(runner)
    first, second = [e for e, t, _, _ in events_2024() if t == "info_day"][:2]

    assert runner.invoke(args=["events", "cancel", str(first.id)]).exit_code == 0
    assert runner.invoke(args=["events", "not-held", str(second.id)]).exit_code == 0
    after = report(runner)

    assert after["info_days"]["actual"] == 0
    assert after["info_days"]["planned"] == before["info_days"]["planned"] - 2
