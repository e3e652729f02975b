"""`flask series change|withdraw`: the editor's schedule changes from the command line."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from scheduler.core.time import zone
from scheduler.events.models import EventStatus, Series
from scheduler.extensions import db
from tests.series.test_series_web import _club_with_history, events_of


def test_change_from_a_date_splits_the_series_and_lists_what_it_keeps(runner, world):
    club, _past, future = _club_with_history(world)
    split_day = future[2].start.astimezone(zone()).date()
    result = runner.invoke(
        args=["series", "change", club.key, "--from", split_day.isoformat(), "--time", "19:00"]
    )
    assert result.exit_code == 0, result.output
    assert f"kept as it is: event {future[3].id}" in result.output
    db.session.expire_all()
    new = db.session.scalars(select(Series).where(Series.id != club.id)).one()
    assert new.key in result.output and new.start_time == time(19, 0)
    assert club.bound_end < split_day


def test_withdraw_cancels_the_coming_events(runner, world):
    club, past, future = _club_with_history(world)
    result = runner.invoke(args=["series", "withdraw", club.key])
    assert result.exit_code == 0, result.output
    rows = {e.id: e for e in events_of(club)}
    assert rows[future[0].id].status == EventStatus.CANCELLED
    assert rows[past[0].id].status == EventStatus.HELD
    assert runner.invoke(args=["series", "withdraw", "nope"]).exit_code != 0
