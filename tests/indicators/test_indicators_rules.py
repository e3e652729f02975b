"""The pure core: rule validation and figures from aggregated rows (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.indicators.figures import (
    HELD,
    OVERDUE,
    PLANNED,
    EventCountRow,
    ParticipationRow,
    cumulative_through,
    yearly_figures,
)
from scheduler.indicators.rules import parse_counting_rule, validate_counting_rule
from scheduler.indicators.svg import cumulative_chart

YEARS = range(2023, 2030)


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "held_events", "types": ["info_day"]},
        {"kind": "held_events", "types": ["training"], "orgs": ["elvl"]},
        {"kind": "kov_participations", "types": ["training", "study_trip", "network_meeting"]},
        {"kind": "kov_participations", "types": ["training"], "expected_per_event": 3},
        {"kind": "distinct_orgs", "types": ["network_meeting"], "org_kinds": ["partner"]},
        {"kind": "manual"},
        {"kind": "manual", "accumulate": "latest"},
    ],
)
def test_the_plans_rules_are_valid(rule):
    validate_counting_rule(rule)
    assert parse_counting_rule(rule).as_dict()["kind"] == rule["kind"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (None, "expected a mapping"),
        ({"kind": "held"}, "'held' is not one of held_events"),
        ({"kind": "held_events"}, "'types' is required"),
        ({"kind": "held_events", "types": []}, "the list is empty"),
        ({"kind": "held_events", "types": "info_day"}, "expected a list of names"),
        ({"kind": "held_events", "types": ["infoday"]}, "unknown type 'infoday'"),
        ({"kind": "held_events", "types": ["info_day", "info_day"]}, "duplicate names"),
        ({"kind": "held_events", "types": ["info_day"], "org": ["elvl"]}, "unknown key(s) org"),
        ({"kind": "distinct_orgs", "types": ["club"], "org_kinds": ["city"]}, "unknown org_kind"),
        ({"kind": "manual", "types": ["club"]}, "unknown key(s) types"),
        ({"kind": "manual", "accumulate": "max"}, "'max' is not one of sum, latest"),
        (
            {"kind": "kov_participations", "types": ["training"], "expected_per_event": -1},
            "expected a whole number >= 0",
        ),
    ],
)
def test_invalid_rules_are_refused_with_a_precise_message(rule, message):
    with pytest.raises(ValueError) as error:
        validate_counting_rule(rule)
    assert message in str(error.value)


event_rows = st.lists(
    st.builds(
        EventCountRow,
        year=st.sampled_from(list(YEARS)),
        state=st.sampled_from([HELD, PLANNED, OVERDUE]),
        event_type=st.sampled_from(["info_day", "training", "network_meeting", "club"]),
        org=st.sampled_from(["elvl", "tartu", "tallinn", "parnu"]),
        org_kind=st.sampled_from(["implementer", "partner"]),
        count=st.integers(1, 50),
    ),
    max_size=40,
)
participation_rows = st.lists(
    st.builds(
        ParticipationRow,
        year=st.sampled_from(list(YEARS)),
        event_type=st.sampled_from(["training", "club"]),
        org=st.sampled_from(["elvl", "tartu"]),
        org_kind=st.sampled_from(["implementer", "partner"]),
        participant=st.sampled_from(["narva", "valga", "tartu"]),
        participant_kind=st.just("kov"),
        count=st.integers(1, 20),
    ),
    max_size=20,
)
rules = st.sampled_from(
    [
        parse_counting_rule({"kind": "held_events", "types": ["info_day", "training"]}),
        parse_counting_rule({"kind": "held_events", "types": ["training"], "orgs": ["elvl"]}),
        parse_counting_rule({"kind": "kov_participations", "types": ["training"]}),
        parse_counting_rule(
            {"kind": "distinct_orgs", "types": ["network_meeting"], "org_kinds": ["partner"]}
        ),
    ]
)


@given(rules, event_rows, participation_rows)
def test_projected_is_actual_plus_planned_and_by_org_adds_up(rule, rows, participations):
    figures = yearly_figures(rule, YEARS, rows, participations)

    for year in figures.values():
        assert year.projected == year.actual + year.planned
        assert year.actual >= 0 and year.planned >= 0
        assert sum(o.actual for o in year.by_org.values()) == year.actual
        if rule.kind != "kov_participations":
            assert sum(o.planned for o in year.by_org.values()) == year.planned


@given(rules, event_rows, participation_rows)
def test_cumulative_never_decreases_and_never_exceeds_the_sum_of_years(rule, rows, participations):
    figures = yearly_figures(rule, YEARS, rows, participations)

    previous = 0
    for year in YEARS:
        cumulative = cumulative_through(rule, figures, year)
        assert cumulative.actual >= previous
        assert cumulative.actual <= sum(figures[y].actual for y in YEARS if y <= year)
        assert cumulative.projected >= cumulative.actual
        previous = cumulative.actual


@given(event_rows)
def test_held_event_count_equals_the_held_rows_of_the_rules_types(rows):
    rule = parse_counting_rule({"kind": "held_events", "types": ["info_day"]})
    figures = yearly_figures(rule, YEARS, rows)

    for year in YEARS:
        expected = sum(
            r.count for r in rows if (r.year, r.state, r.event_type) == (year, HELD, "info_day")
        )
        assert figures[year].actual == expected


def test_the_chart_marks_the_final_target_and_stops_the_actual_line_at_the_report_year():
    by_year = [
        {"year": y, "cumulative": 2, "cumulative_projected": 3, "target": None} for y in YEARS
    ]

    svg = cumulative_chart(
        by_year,
        final_target=7,
        milestones=False,
        through_year=2024,
        title="<x>",
        labels={"actual": "a", "target": "t"},
    )

    assert svg.startswith("<svg") and "&lt;x&gt;" in svg
    assert 'class="target"' in svg
    actual_points = svg.split('class="actual" points="')[1].split('"')[0].split()
    assert len(actual_points) == 2
