"""Re-expanding a series diffs by original start and never loses what people recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from scheduler.events import signals
from scheduler.events.models import EventStatus
from scheduler.events.service import cancel_occurrence, move_occurrence, record_outcome
from scheduler.extensions import db
from tests.factories import expand, make_series

TALLINN_EVENING = datetime(2024, 1, 9, 16, 0, tzinfo=UTC)  # Tuesday 18:00 local


def test_expansion_creates_one_row_per_occurrence(app):
    series = make_series(bounds=(date(2024, 1, 1), date(2024, 1, 31)))
    report = expand(series)
    assert report.created == 5
    assert [e.start.day for e in series.events] == [2, 9, 16, 23, 30]


def test_expanding_again_changes_nothing(app):
    series = make_series()
    expand(series)
    again = expand(series)
    assert (again.created, again.moved, again.withdrawn) == (0, 0, 0)
    assert again.unchanged == len(series.events)


def test_a_rule_change_withdraws_dropped_occurrences_but_keeps_held_ones(app):
    series = make_series(bounds=(date(2024, 1, 1), date(2024, 3, 31)))
    expand(series)
    held = series.events[0]
    record_outcome(held, held=True, attendance=9)
    plain = series.events[1]

    series.rule = "FREQ=MONTHLY;BYDAY=1TU"  # first Tuesdays only
    report = expand(series)

    assert held.status == EventStatus.HELD and held.attendance == 9
    assert held.in_rule  # 2 January is the first Tuesday: still produced
    assert plain.status == EventStatus.CANCELLED and not plain.in_rule
    assert report.withdrawn == len([e for e in series.events if not e.in_rule])
    assert len(series.events) == 13, "no row is deleted"


def test_an_override_is_never_clobbered_by_re_expansion(app):
    series = make_series(bounds=(date(2024, 1, 1), date(2024, 1, 31)))
    expand(series)
    event = series.events[1]
    new_start = datetime(2024, 1, 10, 15, 0, tzinfo=UTC)
    move_occurrence(event, new_start)
    series.duration_minutes = 120
    expand(series)
    assert event.start == new_start and event.is_overridden
    assert (series.events[2].end - series.events[2].start).total_seconds() == 7200


def test_a_withdrawn_occurrence_comes_back_when_the_rule_produces_it_again(app):
    series = make_series(bounds=(date(2024, 1, 1), date(2024, 1, 31)))
    expand(series)
    series.exdates = ["2024-01-16T18:00"]
    expand(series)
    event = next(e for e in series.events if e.original_start.day == 16)
    assert event.status == EventStatus.CANCELLED
    series.exdates = []
    report = expand(series)
    assert report.restored == 1 and event.status == EventStatus.PLANNED


def test_a_cancelled_occurrence_stays_cancelled(app):
    series = make_series(bounds=(date(2024, 1, 1), date(2024, 1, 31)))
    expand(series)
    cancel_occurrence(series.events[0], "room unavailable")
    expand(series)
    assert series.events[0].status == EventStatus.CANCELLED


def test_a_new_time_of_day_moves_the_rows_in_place(app):
    series = make_series(bounds=(date(2024, 1, 1), date(2024, 1, 31)))
    expand(series)
    ids = [e.id for e in series.events]
    series.start_time = time(17, 0)
    report = expand(series)
    db.session.expire_all()
    assert [e.id for e in series.events] == ids
    assert report.moved == 5
    assert {e.start.astimezone(e.start.tzinfo).hour for e in series.events} == {15}


def test_changes_are_announced_inside_the_transaction(app):
    heard = []

    def listener(event, **kwargs):
        heard.append((event.id, kwargs.get("previous_start")))

    series = make_series(bounds=(date(2024, 1, 1), date(2024, 1, 10)))
    expand(series)
    with signals.occurrence_moved.connected_to(listener):
        move_occurrence(series.events[0], TALLINN_EVENING.replace(hour=17))
    assert heard == [(series.events[0].id, datetime(2024, 1, 2, 16, 0, tzinfo=UTC))]
