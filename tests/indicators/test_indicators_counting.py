"""Each counting rule, counted in the database, against events a test states explicitly."""

from __future__ import annotations

from scheduler.extensions import db
from scheduler.indicators.report import build_report


def figures(code, year=2024, now=None):
    return build_report(year, now=now).row(code).as_dict()


def test_held_events_count_only_held_events_of_the_rules_types(build, now):
    build.indicator("info_days", {"kind": "held_events", "types": ["info_day"]}, targets={2024: 3})
    build.event("2024-02-01 10:00", "info_day", status="held")
    build.event("2024-03-01 10:00", "info_day", status="held")
    build.event("2024-04-01 10:00", "info_day", status="cancelled")
    build.event("2024-05-01 10:00", "info_day", status="not_held")
    build.event("2024-05-02 10:00", "training", status="held")  # another type
    build.event("2024-10-01 10:00", "info_day")  # planned, ahead
    build.event("2024-11-01 10:00", "info_day")  # planned, ahead

    row = figures("info_days", now=now)

    assert (row["target_year"], row["actual"], row["planned"], row["projected"]) == (3, 2, 2, 4)
    assert row["counted_events"] == 2
    assert row["on_track"] is True
    assert row["progress"] == 66.7


def test_year_boundaries_are_tallinn_local_time(build, now):
    build.indicator("info_days", {"kind": "held_events", "types": ["info_day"]})
    build.event("2023-12-31 23:30", status="held")  # 21:30 UTC: still 2023
    build.event("2024-01-01 00:30", status="held")  # 2023-12-31 22:30 UTC: already 2024
    build.event("2024-12-31 23:30", status="planned")  # 2024 in Tallinn
    build.event("2025-01-01 00:15", status="planned")  # 2025 in Tallinn

    row = figures("info_days", now=now)

    assert row["actual"] == 1
    assert row["planned"] == 1
    assert row["cumulative"] == 2  # 2023 and 2024
    by_year = {y["year"]: y for y in row["by_year"]}
    assert (by_year[2023]["actual"], by_year[2025]["planned"]) == (1, 1)


def test_events_outside_the_programme_window_never_count(build, now):
    build.indicator("info_days", {"kind": "held_events", "types": ["info_day"]})
    build.event("2022-12-31 10:00", status="held")
    build.event("2030-01-05 10:00", status="planned")

    row = figures("info_days", now=now)

    assert (row["actual"], row["planned"], row["cumulative"]) == (0, 0, 0)
    assert sum(y["planned"] for y in row["by_year"]) == 0


def test_held_events_restricted_to_an_organisation(build, now):
    build.indicator(
        "national_trainings", {"kind": "held_events", "types": ["training"], "orgs": ["elvl"]}
    )
    build.event("2024-02-01 10:00", "training", org="elvl", status="held")
    build.event("2024-02-02 10:00", "training", org="tartu", status="held")
    build.event("2024-09-02 10:00", "training", org="elvl")

    row = figures("national_trainings", now=now)

    assert (row["actual"], row["planned"]) == (1, 1)
    assert list(row["by_org"]) == ["elvl"]
    assert row["by_org"]["elvl"]["name"] == "Elvl org"
    assert (row["by_org"]["elvl"]["actual"], row["by_org"]["elvl"]["planned"]) == (1, 1)


def test_kov_participations_sum_the_participating_kovs_of_held_events(build, now):
    rule = {"kind": "kov_participations", "types": ["training", "study_trip", "network_meeting"]}
    build.indicator("training_participations", rule, targets={2024: 20}, table="8")
    build.event("2024-02-01 10:00", "training", status="held", kovs=("tartu", "narva", "valga"))
    build.event("2024-03-01 10:00", "study_trip", status="held", kovs=("narva",))
    build.event("2024-03-05 10:00", "network_meeting", "tallinn", status="held", kovs=("valga",))
    build.event("2024-03-09 10:00", "info_day", status="held", kovs=("tartu", "narva"))  # type
    build.event("2024-04-01 10:00", "training", status="not_held")
    build.event("2024-04-02 10:00", "training", status="cancelled")
    build.event("2024-09-01 10:00", "training")  # planned
    build.event("2024-10-01 10:00", "network_meeting", org="tallinn")  # planned

    row = figures("training_participations", now=now)

    assert row["actual"] == 5
    assert row["counted_events"] == 3
    assert row["planned_events"] == 2
    assert row["planned"] == 2  # one participation expected per planned event by default
    assert {slug: org["actual"] for slug, org in row["by_org"].items()} == {
        "narva": 2,
        "tartu": 1,
        "valga": 2,
    }


def test_kov_participations_planned_uses_the_expected_participations_per_event(build, now):
    rule = {"kind": "kov_participations", "types": ["training"], "expected_per_event": 4}
    build.indicator("participations", rule)
    build.event("2024-09-01 10:00", "training")
    build.event("2024-10-01 10:00", "training")

    assert figures("participations", now=now)["planned"] == 8


def test_distinct_orgs_count_each_partner_whose_network_met_once(build, now):
    rule = {"kind": "distinct_orgs", "types": ["network_meeting"], "org_kinds": ["partner"]}
    build.indicator("local_networks", rule, targets={2024: 5}, final=7, table="14")
    build.event("2023-05-01 10:00", "network_meeting", org="parnu", status="held")
    build.event("2024-02-01 10:00", "network_meeting", org="tartu", status="held")
    build.event("2024-03-01 10:00", "network_meeting", org="tartu", status="held")
    build.event("2024-03-02 10:00", "network_meeting", org="tallinn", status="held")
    build.event("2024-03-03 10:00", "network_meeting", org="elvl", status="held")  # implementer
    build.event("2024-04-03 10:00", "network_meeting", org="rakvere", status="cancelled")
    build.event("2024-09-03 10:00", "network_meeting", org="tartu")  # already counted
    build.event("2024-09-04 10:00", "network_meeting", org="saaremaa")  # would add one
    build.event("2024-09-05 10:00", "club", org="rakvere")  # another type

    row = figures("local_networks", now=now)

    assert (row["actual"], row["planned"], row["projected"]) == (2, 1, 3)
    assert row["cumulative"] == 3  # parnu (2023), tartu, tallinn
    assert row["by_org"]["tartu"]["actual"] == 1
    assert (row["by_org"]["saaremaa"]["actual"], row["by_org"]["saaremaa"]["planned"]) == (0, 1)
    assert "elvl" not in row["by_org"]


def test_cancelled_and_not_held_events_never_count_in_any_rule(build, now):
    build.indicator("a", {"kind": "held_events", "types": ["training"]})
    build.indicator("b", {"kind": "kov_participations", "types": ["training"]})
    build.indicator("c", {"kind": "distinct_orgs", "types": ["training"]})
    build.event("2024-02-01 10:00", "training", status="cancelled")
    build.event("2024-02-02 10:00", "training", status="not_held")

    report = build_report(2024, now=now)

    for code in "abc":
        row = report.row(code).as_dict()
        assert (row["actual"], row["planned"], row["cumulative"]) == (0, 0, 0), code


def test_planned_events_that_began_without_an_outcome_are_flagged(build, now):
    build.indicator("info_days", {"kind": "held_events", "types": ["info_day"]})
    build.event("2024-03-01 10:00")  # before "now", still planned
    build.event("2024-09-01 10:00")

    row = figures("info_days", now=now)

    assert (row["planned"], row["awaiting_outcome"]) == (2, 1)


def test_cumulative_scope_compares_the_year_target_with_the_figure_since_the_start(build, now):
    rule = {"kind": "held_events", "types": ["info_day"]}
    build.indicator("cumul", rule, targets={2024: 3}, final=12, scope="cumulative")
    build.indicator("yearly", rule, targets={2024: 3}, final=12, scope="year")
    build.event("2023-05-01 10:00", status="held")
    build.event("2023-06-01 10:00", status="held")
    build.event("2024-02-01 10:00", status="held")

    report = build_report(2024, now=now)
    cumul, yearly = report.row("cumul").as_dict(), report.row("yearly").as_dict()

    assert (cumul["actual"], cumul["cumulative"]) == (1, 3)
    assert (cumul["progress"], cumul["on_track"]) == (100.0, True)
    assert (yearly["progress"], yearly["on_track"]) == (33.3, False)
    assert yearly["progress_2029"] == cumul["progress_2029"] == 25.0


def test_manual_values_are_the_newest_entry_and_accumulate_as_declared(build, now):
    from scheduler.indicators.service import set_manual_value

    build.indicator("coordinators", {"kind": "manual"}, targets={2024: 5}, final=7, table="2")
    build.indicator("councils", {"kind": "manual", "accumulate": "sum"}, final=7, table="14")
    build.indicator("stock", {"kind": "manual", "accumulate": "latest"})
    for code in ("coordinators", "councils", "stock"):
        set_manual_value(code, 2023, 2, evidence="contracts", author="a@elvl.ee", now=now)
        set_manual_value(code, 2024, 4, evidence="contracts", author="a@elvl.ee", now=now)
    set_manual_value("coordinators", 2024, 5, evidence="5th hired", author="b@elvl.ee", now=now)
    db.session.flush()

    report = build_report(2024, now=now)
    coordinators = report.row("coordinators").as_dict()

    assert coordinators["actual"] == 5
    assert (coordinators["planned"], coordinators["cumulative"]) == (0, 7)
    assert coordinators["manual"]["author"] == "b@elvl.ee"
    assert coordinators["on_track"] is True
    assert report.row("stock").as_dict()["cumulative"] == 4
    assert report.row("councils").as_dict()["cumulative"] == 6


def test_an_indicator_without_events_or_values_shows_its_targets_and_zero(build, now):
    build.indicator("journey", {"kind": "manual"}, targets={2024: 0}, final=7, table="4")

    row = figures("journey", now=now)

    assert (row["target_year"], row["target_2029"]) == (0, 7)
    assert (row["actual"], row["cumulative"]) == (0, 0)
    assert row["manual"] is None
    assert row["on_track"] is True
