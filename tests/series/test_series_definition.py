"""The editor's pure core: rules from plain controls and back, the preview, the split."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.recurrence import DateRange, RecurrenceSpec, expand, parse_rule
from scheduler.series.definition import (
    Booking,
    PlanPeriod,
    PreviewRequest,
    RuleControls,
    build_preview,
    controls_for,
    counts_per_year,
    exdates_on_days,
    kept_rule_text,
    rule_text,
    split_dates,
    split_rules,
)
from tests.support.time import tallinn

TALLINN = ZoneInfo("Europe/Tallinn")


def weekly_club(**changes) -> RecurrenceSpec:
    values = dict(
        start=tallinn(2025, 1, 7, 18, 0),
        duration=timedelta(minutes=90),
        rule="FREQ=WEEKLY;BYDAY=TU",
        pauses=(DateRange(date(2025, 7, 1), date(2025, 8, 31)),),
        holidays="skip",
        bounds=DateRange(date(2025, 1, 1), date(2025, 12, 31)),
    )
    values.update(changes)
    return RecurrenceSpec(**values)


# --- controls -------------------------------------------------------------------------------


def test_plain_controls_make_the_rules_people_mean():
    start = date(2025, 1, 7)  # a Tuesday
    assert (
        rule_text(RuleControls("weekly", 2, (1, 3)), start) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"
    )
    assert (
        rule_text(RuleControls("monthly_day", month_day=15), start) == "FREQ=MONTHLY;BYMONTHDAY=15"
    )
    monthly = RuleControls("monthly_weekday", ordinal=-1, ordinal_weekday=4, count=6)
    assert rule_text(monthly, start) == "FREQ=MONTHLY;BYDAY=-1FR;COUNT=6"
    yearly = RuleControls("yearly", until=date(2029, 12, 31))
    assert rule_text(yearly, start) == "FREQ=YEARLY;UNTIL=20291231"
    assert rule_text(RuleControls("once"), start) is None


def test_a_rule_the_controls_cannot_express_stays_raw_text_exactly_as_typed():
    typed = "FREQ=MONTHLY;BYDAY=TU,TH;BYSETPOS=-1;BYMONTH=1,2,3,10,11,12"
    controls = controls_for(typed)
    assert controls.kind == "raw"
    assert controls.raw == typed
    assert rule_text(controls, date(2025, 1, 7)) == typed


def test_a_stored_rule_is_not_rewritten_when_the_controls_spell_it_differently():
    stored = "RRULE:BYDAY=TU;FREQ=WEEKLY;INTERVAL=1"
    assert kept_rule_text(stored, "FREQ=WEEKLY;BYDAY=TU") == stored
    assert kept_rule_text(stored, "FREQ=WEEKLY;BYDAY=WE") == "FREQ=WEEKLY;BYDAY=WE"


# generation speed says nothing here, and the shared test machine is often busy
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["weekly", "monthly_day", "monthly_weekday", "yearly"]),
    interval=st.integers(1, 12),
    weekdays=st.sets(st.integers(0, 6), min_size=1, max_size=7),
    month_day=st.integers(1, 28),
    ordinal=st.sampled_from([1, 2, 3, 4, -1]),
    ordinal_weekday=st.integers(0, 6),
    end=st.sampled_from(["never", "count", "until"]),
)
def test_controls_read_back_from_the_rule_they_make(
    kind, interval, weekdays, month_day, ordinal, ordinal_weekday, end
):
    controls = RuleControls(
        kind=kind,
        interval=interval,
        weekdays=tuple(sorted(weekdays)) if kind == "weekly" else (),
        month_day=month_day if kind == "monthly_day" else None,
        ordinal=ordinal if kind == "monthly_weekday" else None,
        ordinal_weekday=ordinal_weekday if kind == "monthly_weekday" else None,
        count=5 if end == "count" else None,
        until=date(2027, 6, 30) if end == "until" else None,
    )
    text = rule_text(controls, date(2025, 1, 7))
    assert controls_for(text) == controls
    assert rule_text(controls_for(text), date(2025, 1, 7)) == text


# --- preview --------------------------------------------------------------------------------


def test_preview_lists_the_next_events_and_marks_holidays_and_paused_months():
    spec = weekly_club(start=tallinn(2025, 6, 10, 18, 0))
    preview = build_preview(PreviewRequest(spec=spec, today=date(2025, 6, 1), shown=3), [])
    assert [(item.kind, item.day) for item in preview.timeline] == [
        ("occurrence", date(2025, 6, 10)),
        ("occurrence", date(2025, 6, 17)),
        ("holiday", date(2025, 6, 24)),  # Jaanipäev, a Tuesday in 2025
        ("pause", date(2025, 7, 1)),
        ("pause", date(2025, 8, 1)),
        ("occurrence", date(2025, 9, 2)),
    ]
    assert preview.skipped_holidays == (date(2025, 6, 24),)
    assert [month for month, _count in preview.paused_months] == [
        date(2025, 7, 1),
        date(2025, 8, 1),
    ]
    assert [count for _month, count in preview.paused_months] == [5, 4]  # Tuesdays in each
    assert preview.counts == ((2025, 30 - 1 - 9),)  # Tuesdays to the year's end, less those
    assert "July" in preview.descriptions["en"]
    assert "juuli" in preview.descriptions["et"]
    assert "июл" in preview.descriptions["ru"]


def test_preview_counts_events_per_plan_year_in_the_plans_period():
    days = [date(2024, 12, 31), date(2025, 1, 7), date(2025, 6, 3)]
    periods = [PlanPeriod(2025, date(2025, 1, 1), date(2025, 5, 31))]
    assert counts_per_year(days, periods) == ((2024, 1), (2025, 1))


def test_a_clash_is_the_same_place_or_a_shared_organiser_at_an_overlapping_time():
    spec = weekly_club(start=tallinn(2025, 3, 4, 18, 0), pauses=())
    at_library = Booking(
        start=tallinn(2025, 3, 4, 19, 0),
        end=tallinn(2025, 3, 4, 20, 0),
        title="Book club",
        organisation="Tallinna linn",
        location="  Tartu  raamatukogu ",
    )
    elsewhere = Booking(
        start=tallinn(2025, 3, 11, 18, 0),
        end=tallinn(2025, 3, 11, 19, 0),
        title="Walk",
        organisation="Tallinna linn",
        location="Park",
    )
    shared = Booking(
        start=tallinn(2025, 3, 18, 17, 0),
        end=tallinn(2025, 3, 18, 18, 1),
        title="Training",
        organisation="ELVL",
        organisers=("Mari@Tartu.ee",),
    )
    just_before = Booking(
        start=tallinn(2025, 3, 25, 17, 0),
        end=tallinn(2025, 3, 25, 18, 0),
        title="Earlier",
        organisation="ELVL",
        location="Tartu Raamatukogu",
    )
    request = PreviewRequest(
        spec=spec,
        today=date(2025, 3, 1),
        location="Tartu Raamatukogu",
        organisers=("mari@tartu.ee",),
    )
    preview = build_preview(request, [at_library, elsewhere, shared, just_before])
    assert [(c.booking.title, c.same_place, c.same_organisers) for c in preview.clashes] == [
        ("Book club", True, ()),
        ("Training", False, ("mari@tartu.ee",)),
    ]


def test_an_invalid_rule_is_refused_with_a_message():
    from scheduler.recurrence import RuleError

    with pytest.raises(RuleError, match="FREQ"):
        build_preview(PreviewRequest(spec=weekly_club(rule="BYDAY=TU"), today=date(2025, 1, 1)), [])


# --- split ----------------------------------------------------------------------------------


def _starts(spec: RecurrenceSpec, first: datetime, last: datetime) -> list[datetime]:
    return [o.start for o in expand(spec, first, last)]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    split_week=st.integers(1, 40),
    count=st.one_of(st.none(), st.integers(5, 50)),
    byday=st.sampled_from(["TU", "MO,TH", "FR"]),
)
def test_an_unchanged_rule_split_anywhere_gives_the_same_events_as_before(split_week, count, byday):
    rule = f"FREQ=WEEKLY;BYDAY={byday}" + (f";COUNT={count}" if count else "")
    old = weekly_club(rule=rule, bounds=None, pauses=(), holidays="keep")
    split_at = tallinn(2025, 1, 7) + timedelta(weeks=split_week)
    rules = split_rules(old, rule, split_at)
    first, last = tallinn(2025, 1, 1), tallinn(2026, 6, 1)
    before = RecurrenceSpec(start=old.start, duration=old.duration, rule=rules.old_rule)
    after = (
        _starts(
            RecurrenceSpec(
                start=split_at.replace(hour=18), duration=old.duration, rule=rules.new_rule
            ),
            first,
            last,
        )
        if rules.new_rule
        else []
    )
    assert _starts(before, first, last) + after == _starts(old, first, last)
    assert all(start < split_at for start in _starts(before, first, last))
    if rules.new_rule:  # the old rule ends by UNTIL, its COUNT would count on past the split
        assert parse_rule(rules.old_rule).count is None


def test_dates_split_at_the_day_and_the_new_series_leaves_out_days_the_old_one_keeps():
    assert split_dates(["2025-03-01T10:00", "2025-03-10T10:00"], date(2025, 3, 10)) == (
        ["2025-03-01T10:00"],
        ["2025-03-10T10:00"],
    )
    later = weekly_club(start=tallinn(2025, 10, 7, 19, 0))
    assert exdates_on_days(later, [date(2025, 10, 14), date(2025, 10, 15)]) == ["2025-10-14T19:00"]
