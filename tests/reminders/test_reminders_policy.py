"""The policy's pure rules: when reminders fall due and when a due one is not worth sending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.core.time import zone
from scheduler.reminders.policy import (
    EventState,
    PolicyError,
    ReminderPolicy,
    backoff,
    before_due,
    plan_reminders,
    skip_reason,
)
from tests.support.time import tallinn

TALLINN = "Europe/Tallinn"


def test_before_reminders_fall_at_nine_local_time_n_days_before_across_dst():
    # 2024-03-31 is the switch to summer time in Tallinn: 09:00 is 07:00Z before, 06:00Z after
    start = tallinn(2024, 4, 2, 18, 0)
    assert before_due(start, 7, 9, TALLINN) == tallinn(2024, 3, 26, 9, 0)
    assert before_due(start, 1, 9, TALLINN) == tallinn(2024, 4, 1, 9, 0)
    assert before_due(start, 7, 9, TALLINN).astimezone(UTC).hour == 7
    assert before_due(start, 1, 9, TALLINN).astimezone(UTC).hour == 6


def test_default_policy_plans_two_reminders_and_a_follow_up_per_organiser():
    start = tallinn(2024, 3, 5, 18, 0)
    planned = plan_reminders(
        start,
        start + timedelta(hours=2),
        TALLINN,
        ["A@x.ee", "a@x.ee ", "b@x.ee"],
        ReminderPolicy(),
    )
    assert [(p.kind, p.slot, p.recipient) for p in planned] == [
        ("before", "7d", "a@x.ee"),
        ("before", "1d", "a@x.ee"),
        ("followup", "after", "a@x.ee"),
        ("before", "7d", "b@x.ee"),
        ("before", "1d", "b@x.ee"),
        ("followup", "after", "b@x.ee"),
    ]
    assert planned[2].due == tallinn(2024, 3, 5, 22, 0)


def test_series_override_changes_offsets_hour_and_follow_up():
    policy = ReminderPolicy().overridden_by({"offsets_days": [3, 0], "hour": 8, "followup": False})
    start = tallinn(2024, 3, 5, 18, 0)
    planned = plan_reminders(start, start, TALLINN, ["a@x.ee"], policy)
    assert [(p.slot, p.due) for p in planned] == [
        ("3d", tallinn(2024, 3, 2, 8)),
        ("0d", tallinn(2024, 3, 5, 8)),
    ]


def test_a_same_day_reminder_after_the_start_is_not_planned():
    policy = ReminderPolicy(offsets_days=(0,), hour=9, followup=False)
    assert (
        plan_reminders(
            tallinn(2024, 3, 5, 8, 0), tallinn(2024, 3, 5, 9), TALLINN, ["a@x.ee"], policy
        )
        == []
    )


def test_disabled_policy_plans_nothing():
    policy = ReminderPolicy().overridden_by({"enabled": False})
    assert (
        plan_reminders(
            tallinn(2024, 3, 5, 18), tallinn(2024, 3, 5, 19), TALLINN, ["a@x.ee"], policy
        )
        == []
    )


@pytest.mark.parametrize(
    "override",
    [{"offset_days": [1]}, {"offsets_days": 7}, {"offsets_days": [-1]}, {"hour": 25}],
)
def test_broken_overrides_are_refused_with_a_message(override):
    with pytest.raises(PolicyError):
        ReminderPolicy().overridden_by(override)


@given(
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)).map(
        lambda d: d.replace(tzinfo=zone(TALLINN))
    ),
    offsets=st.lists(st.integers(0, 60), max_size=4),
    hour=st.integers(0, 23),
)
def test_planned_before_reminders_always_precede_the_start_latest_offset_last(start, offsets, hour):
    policy = ReminderPolicy(offsets_days=tuple(offsets), hour=hour, followup=False)
    planned = plan_reminders(start, start + timedelta(hours=1), TALLINN, ["a@x.ee"], policy)
    assert all(p.due < start for p in planned)
    assert [p.due for p in planned] == sorted(p.due for p in planned)


NOW = datetime(2024, 3, 1, 12, tzinfo=UTC)
FUTURE = EventState(start=NOW + timedelta(days=1), is_cancelled=False, has_outcome=False)
PAST = EventState(start=NOW - timedelta(hours=3), is_cancelled=False, has_outcome=False)


@pytest.mark.parametrize(
    ("kind", "event", "extra", "expected"),
    [
        ("before", FUTURE, {}, None),
        ("before", PAST, {}, "event already started"),
        ("before", FUTURE, {"superseded": True}, "superseded by a later reminder"),
        ("before", FUTURE, {"opted_out": True}, "recipient opted out"),
        ("followup", PAST, {}, None),
        ("followup", EventState(PAST.start, False, True), {}, "outcome already recorded"),
        ("cancelled", EventState(FUTURE.start, True, False), {}, None),
        ("cancelled", FUTURE, {}, "event was restored"),
        ("updated", PAST, {}, "event start has passed"),
        ("before", EventState(FUTURE.start, True, False), {}, "event cancelled"),
    ],
)
def test_skip_reasons(kind, event, extra, expected):
    extra = {"opted_out": False, **extra}
    assert skip_reason(kind, NOW - timedelta(hours=1), NOW, event, **extra) == expected


def test_a_follow_up_weeks_late_is_not_sent():
    due = NOW - timedelta(days=15)
    assert skip_reason("followup", due, NOW, PAST, opted_out=False) == "too late for a follow-up"


def test_backoff_doubles_and_is_capped():
    assert [backoff(n, 60, 600).total_seconds() for n in (1, 2, 3, 4, 5)] == [
        60,
        120,
        240,
        480,
        600,
    ]
