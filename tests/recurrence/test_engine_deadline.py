"""A deadline bounds expansion: a rule that produces millions of occurrences before the
window is cut off, and a deadline that is not reached changes nothing."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.recurrence import ExpansionTimeout, RecurrenceSpec, RuleError, expand

TALLINN = ZoneInfo("Europe/Tallinn")


def _spec(rule: str, start: datetime) -> RecurrenceSpec:
    return RecurrenceSpec(start=start, duration=timedelta(hours=1), rule=rule, tz="Europe/Tallinn")


def test_a_secondly_rule_from_1970_is_cut_off_at_the_deadline():
    spec = _spec("FREQ=SECONDLY", datetime(1970, 1, 1, tzinfo=TALLINN))
    window = (datetime(2026, 1, 1, tzinfo=TALLINN), datetime(2027, 1, 1, tzinfo=TALLINN))
    with pytest.raises(ExpansionTimeout):
        expand(spec, *window, limit=10, deadline=time.monotonic() + 0.2)


def test_the_timeout_is_a_rule_error_so_callers_that_catch_rule_errors_still_do():
    assert issubclass(ExpansionTimeout, RuleError)


def test_a_deadline_not_reached_gives_the_same_occurrences_as_none():
    spec = _spec("FREQ=WEEKLY;BYDAY=TU,TH", datetime(2020, 1, 7, 18, tzinfo=TALLINN))
    window = (datetime(2024, 1, 1, tzinfo=TALLINN), datetime(2026, 1, 1, tzinfo=TALLINN))
    far = time.monotonic() + 3600
    assert expand(spec, *window, deadline=far) == expand(spec, *window)
