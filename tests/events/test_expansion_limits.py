"""The horizon job expands every series through the same rule limits as the editor: a
series whose rule passes one (stored before the limits, or by hand in the database) is left
as it is and logged, and the other series are still extended."""

from __future__ import annotations

import logging
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from scheduler.core.time import utcnow
from scheduler.events.expansion import expand_series, rule_budget
from scheduler.events.models import Event
from scheduler.extensions import db
from scheduler.plans.loader import extend_horizons
from scheduler.recurrence import RuleRefused
from tests.factories import make_org, make_series


def events_of(series) -> int:
    return db.session.scalar(select(func.count(Event.id)).where(Event.series_id == series.id))


@pytest.mark.timeout(60)  # a hang guard: before, the job wrote a million rows for FREQ=MINUTELY
def test_the_horizon_job_leaves_a_series_past_the_cap_and_extends_the_others(app, caplog):
    org = make_org("tartu")
    start = utcnow().date()
    hourly = make_series("legacy-hourly", org=org, rule="FREQ=HOURLY", start=start, bounds=None)
    minutely = make_series(
        "legacy-minutely", org=org, rule="FREQ=MINUTELY", start=start, bounds=None
    )
    weekly = make_series("weekly-club", org=org, rule="FREQ=WEEKLY", start=start, bounds=None)
    db.session.commit()
    with caplog.at_level(logging.WARNING):
        extend_horizons()
    db.session.expire_all()
    assert events_of(hourly) == events_of(minutely) == 0
    assert 100 <= events_of(weekly) <= 106  # two years of weeks
    logged = caplog.text
    assert "legacy-hourly" in logged and "RULES_MAX_OCCURRENCES_PER_SERIES" in logged
    assert "legacy-minutely" in logged and "RULES_REFUSED_FREQUENCIES" in logged


def test_a_save_budget_counts_every_series_it_expands(app):
    app.config["RULES_MAX_OCCURRENCES_PER_SAVE"] = 150
    org = make_org("tartu")
    first = make_series("first", org=org, rule="FREQ=WEEKLY", start=date(2024, 1, 1), bounds=None)
    second = make_series("second", org=org, rule="FREQ=WEEKLY", start=date(2024, 1, 1), bounds=None)
    budget = rule_budget()
    horizon = datetime(2026, 1, 1, tzinfo=utcnow().tzinfo)
    expand_series(first, horizon, budget)
    with pytest.raises(RuleRefused, match="RULES_MAX_OCCURRENCES_PER_SAVE"):
        expand_series(second, horizon, budget)
    assert events_of(second) == 0
