"""A small world for the series editor: Tartu and Tallinn with a coordinator each, an admin,
a viewer (all reading English) and an activity of the plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scheduler.core.time import utcnow, zone
from scheduler.extensions import db
from scheduler.plans.models import Activity
from tests.support.world import Recipe, World, org, staff


def today() -> date:
    return utcnow().astimezone(zone()).date()


def next_weekday(day: date, weekday: int) -> date:
    """The first ``weekday`` (0 = Monday) after ``day``."""
    return day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


def _activity(world: World) -> dict:
    activity = Activity(
        code="2.1",
        title="Keeleklubid",
        title_en="Language clubs",
        organisation=world.orgs["tartu"],
        timeframe_start=date(2023, 1, 1),
        timeframe_end=date(2029, 12, 31),
    )
    db.session.add(activity)
    return {"activity": activity}


SERIES_EDITOR = Recipe(
    orgs=(
        org("tartu", name="Tartu linn", name_en="City of Tartu"),
        org("tallinn", name="Tallinna linn"),
    ),
    people=staff("tartu", "tallinn"),
    adds=_activity,
    locale="en",
)


@pytest.fixture
def world_recipe() -> Recipe:
    return SERIES_EDITOR
