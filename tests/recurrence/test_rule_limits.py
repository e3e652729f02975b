"""The one checked entry point for rules (recurrence.limits): refused frequencies, a cap on
occurrences per series and per save, a deadline; and the "can this rule ever match" check,
which decides daily and finer rules by arithmetic instead of iterating to the year 9999."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from scheduler.recurrence import (
    RecurrenceSpec,
    RuleBudget,
    RuleLimits,
    RuleRefused,
    check_rule,
    expand,
)
from scheduler.recurrence import limits as rule_limit
from scheduler.recurrence.engine import _can_ever_match, parse_rule

TALLINN = ZoneInfo("Europe/Tallinn")
#: config.py's defaults
DEFAULTS = RuleLimits(
    refused_frequencies=("SECONDLY", "MINUTELY"), max_per_series=1500, max_per_save=20000, seconds=2
)
START = datetime(2026, 12, 14, 18, 0, tzinfo=TALLINN)
NEVER_MATCHING = (
    "FREQ=HOURLY;INTERVAL=11;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=SECONDLY;INTERVAL=11;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MINUTELY;INTERVAL=7;BYMONTH=4,6;BYMONTHDAY=31",
    "FREQ=DAILY;INTERVAL=11;BYMONTH=2;BYMONTHDAY=30",
)


def spec(rule: str, start: datetime = START) -> RecurrenceSpec:
    return RecurrenceSpec(start=start, duration=timedelta(hours=1), rule=rule, tz="Europe/Tallinn")


def window(years: int = 2) -> tuple[datetime, datetime]:
    return START, START.replace(year=START.year + years)


@pytest.mark.parametrize(
    ("rule", "every"),
    [("FREQ=MINUTELY;UNTIL=20261220T235900", "minute"), ("FREQ=SECONDLY", "second")],
)
def test_rules_repeating_every_second_or_minute_are_refused_naming_the_limit(rule, every):
    with pytest.raises(RuleRefused) as refused:
        check_rule(rule, DEFAULTS)
    assert refused.value.limit == rule_limit.FREQUENCY
    assert f"repeats every {every}" in str(refused.value)
    assert "RULES_REFUSED_FREQUENCIES" in str(refused.value)


def test_the_refused_frequencies_come_from_the_caller():
    assert check_rule("FREQ=MINUTELY", replace(DEFAULTS, refused_frequencies=())).freq == "MINUTELY"
    with pytest.raises(RuleRefused):
        check_rule("FREQ=HOURLY", replace(DEFAULTS, refused_frequencies=("HOURLY",)))


def test_a_series_with_more_occurrences_than_the_cap_is_refused():
    budget = RuleBudget(replace(DEFAULTS, max_per_series=100))
    with pytest.raises(RuleRefused) as refused:
        budget.expand(spec("FREQ=DAILY"), *window())
    assert refused.value.limit == rule_limit.PER_SERIES
    assert "more than 100 occurrences" in str(refused.value)
    assert "RULES_MAX_OCCURRENCES_PER_SERIES" in str(refused.value)
    assert len(budget.expand(spec("FREQ=DAILY;COUNT=100"), *window())) == 100


def test_a_huge_count_is_refused_by_the_cap_not_expanded():
    with pytest.raises(RuleRefused) as refused:
        RuleBudget(DEFAULTS).expand(spec("FREQ=DAILY;COUNT=999999999"), *window(years=50))
    assert refused.value.limit == rule_limit.PER_SERIES


def test_one_save_counts_the_occurrences_of_all_its_series():
    budget = RuleBudget(replace(DEFAULTS, max_per_series=60, max_per_save=100))
    assert len(budget.expand(spec("FREQ=DAILY;COUNT=60"), *window())) == 60
    with pytest.raises(RuleRefused) as refused:
        budget.expand(spec("FREQ=DAILY;COUNT=60"), *window())
    assert refused.value.limit == rule_limit.PER_SAVE
    assert "more than 100 occurrences in one save" in str(refused.value)


def test_a_save_past_its_deadline_is_refused_naming_the_setting():
    limits = replace(DEFAULTS, deadline_setting="PLAN_EXPAND_DEADLINE_SECONDS")
    budget = RuleBudget(limits, seconds=0.5, deadline=monotonic() - 1)
    with pytest.raises(RuleRefused) as refused:
        budget.expand(spec("FREQ=HOURLY;BYHOUR=9,10,11"), *window())
    assert refused.value.limit == rule_limit.DEADLINE
    assert "longer than 0.5 seconds (limit PLAN_EXPAND_DEADLINE_SECONDS)" in str(refused.value)


# --- rules that never match -------------------------------------------------------------------


@pytest.mark.timeout(20)  # a hang guard: each of these took 5-8 seconds per start time before
@pytest.mark.parametrize("rule", NEVER_MATCHING)
def test_a_rule_that_never_matches_expands_to_nothing_whatever_its_start(rule):
    for minute in range(0, 60, 7):  # each start time was a new cache entry, a new 5 seconds
        moved = START.replace(minute=minute)
        assert expand(spec(rule, moved), *window(), deadline=monotonic() + 1) == []


# (rule, naive start, whether it ever produces an occurrence)
ALIGNMENT = [
    ("FREQ=HOURLY;INTERVAL=24;BYHOUR=5", datetime(2026, 1, 5, 6), False),
    ("FREQ=HOURLY;INTERVAL=24;BYHOUR=5", datetime(2026, 1, 5, 5), True),
    ("FREQ=HOURLY;INTERVAL=48;BYHOUR=1", datetime(2026, 1, 5, 2), False),
    ("FREQ=HOURLY;INTERVAL=5;BYHOUR=1", datetime(2026, 1, 5, 2), True),
    ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", datetime(2026, 1, 5, 9), False),  # a Monday
    ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", datetime(2026, 1, 6, 9), True),
    ("FREQ=DAILY;INTERVAL=14;BYDAY=MO,TU", datetime(2026, 1, 7, 9), False),
    ("FREQ=DAILY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29", datetime(2026, 1, 5, 9), True),
    ("FREQ=DAILY;BYMONTH=6;BYMONTHDAY=31", datetime(2026, 1, 5, 9), False),
    ("FREQ=DAILY;BYMONTHDAY=-30;BYMONTH=2", datetime(2026, 1, 5, 9), False),
    ("FREQ=DAILY;BYMONTHDAY=13;BYDAY=FR", datetime(2026, 1, 5, 9), True),
    ("FREQ=MINUTELY;INTERVAL=120;BYMINUTE=30", datetime(2026, 1, 5, 10, 7), False),
    ("FREQ=MINUTELY;INTERVAL=120;BYMINUTE=7", datetime(2026, 1, 5, 10, 7), True),
    ("FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=3", datetime(2026, 1, 5, 1), False),
    ("FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=-2", datetime(2026, 1, 5, 1), True),
    ("FREQ=HOURLY;BYYEARDAY=366;BYMONTH=12", datetime(2026, 1, 5, 1), True),
    ("FREQ=HOURLY;BYYEARDAY=366;BYMONTH=11", datetime(2026, 1, 5, 1), False),
    ("FREQ=MONTHLY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=30", datetime(2026, 1, 5, 1), False),
    ("FREQ=MONTHLY;BYDAY=5FR;BYMONTH=2", datetime(2026, 1, 5, 1), True),
]


@pytest.mark.parametrize(("rule", "start", "matches"), ALIGNMENT)
def test_whether_a_rule_ever_matches_is_decided_right(rule, start, matches):
    assert _can_ever_match(parse_rule(rule), start) is matches
    if matches:  # dateutil agrees, and finds it soon
        assert next(iter(rrulestr(rule, dtstart=start)), None) is not None
