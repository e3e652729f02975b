"""Expansion of series: rules, extra and excluded dates, time zones, pauses, holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.recurrence import (
    HOLIDAY_POLICIES,
    DateRange,
    RecurrenceSpec,
    RuleError,
    expand,
    parse_rule,
    validate,
)
from scheduler.recurrence.engine import LONGEST_HOLIDAY_MOVE_DAYS, holiday_calendar
from tests.support.time import tallinn

TALLINN = ZoneInfo("Europe/Tallinn")


def series(rule: str | None = "FREQ=WEEKLY;BYDAY=TU", **fields) -> RecurrenceSpec:
    fields.setdefault("start", tallinn(2024, 1, 2, 18))
    fields.setdefault("duration", timedelta(minutes=90))
    return RecurrenceSpec(rule=rule, **fields)


YEAR_2024 = (tallinn(2024, 1, 1), tallinn(2025, 1, 1))


def starts(spec: RecurrenceSpec, first=YEAR_2024[0], last=YEAR_2024[1], **kw) -> list:
    return [occurrence.start for occurrence in expand(spec, first, last, **kw)]


def is_real(moment: datetime) -> bool:
    back = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return (back.replace(tzinfo=None), back.utcoffset()) == (
        moment.replace(tzinfo=None),
        moment.utcoffset(),
    )


# --- rules, windows and limits


def test_weekly_rule_gives_every_tuesday_of_the_window_in_order():
    found = starts(series(), tallinn(2024, 1, 1), tallinn(2024, 2, 1))
    assert found == [tallinn(2024, 1, day, 18) for day in (2, 9, 16, 23, 30)]


def test_window_includes_its_start_and_excludes_its_end():
    found = starts(series(), tallinn(2024, 1, 9, 18), tallinn(2024, 1, 23, 18))
    assert found == [tallinn(2024, 1, 9, 18), tallinn(2024, 1, 16, 18)]


def test_window_bounds_in_another_zone_are_compared_as_instants():
    found = starts(series(), datetime(2024, 1, 9, 16, tzinfo=UTC), tallinn(2024, 1, 17))
    assert found == [tallinn(2024, 1, 9, 18), tallinn(2024, 1, 16, 18)]


def test_occurrence_end_is_start_plus_duration():
    occurrence = expand(series(), tallinn(2024, 1, 1), tallinn(2024, 1, 3))[0]
    assert occurrence.end == tallinn(2024, 1, 2, 19, 30)
    assert occurrence.original_start == occurrence.start


def test_limit_returns_the_earliest_occurrences():
    assert starts(series(), limit=3) == starts(series())[:3]
    assert starts(series(), limit=0) == []


def test_rule_never_ending_is_bounded_by_the_window():
    assert len(starts(series("FREQ=DAILY", start=tallinn(2024, 1, 1, 18)))) == 366


def test_rule_with_prefix_and_lower_case_is_accepted():
    assert starts(series("RRULE:freq=weekly;byday=tu")) == starts(series())


def test_floating_until_is_local_time_in_the_series_zone():
    # dateutil itself refuses a floating UNTIL with an aware start
    found = starts(series("FREQ=WEEKLY;BYDAY=TU;UNTIL=20240430T180000"))
    assert found[-1] == tallinn(2024, 4, 30, 18)


def test_utc_until_is_an_instant():
    until_last = series("FREQ=WEEKLY;BYDAY=TU;UNTIL=20240430T150000Z")
    until_before = series("FREQ=WEEKLY;BYDAY=TU;UNTIL=20240430T145959Z")
    assert starts(until_last)[-1] == tallinn(2024, 4, 30, 18)
    assert starts(until_before)[-1] == tallinn(2024, 4, 23, 18)


def test_date_until_includes_that_whole_day():
    assert starts(series("FREQ=WEEKLY;BYDAY=TU;UNTIL=20240430"))[-1] == tallinn(2024, 4, 30, 18)


def test_count_counts_rule_occurrences_and_exdates_do_not_refill_it():
    spec = series("FREQ=WEEKLY;BYDAY=TU;COUNT=5", exdates=(tallinn(2024, 1, 9, 18),))
    assert starts(spec) == [tallinn(2024, 1, day, 18) for day in (2, 16, 23, 30)]


def test_rule_with_no_occurrences_at_all_gives_nothing():
    assert starts(series("FREQ=WEEKLY;BYDAY=TU;UNTIL=20231231")) == []


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MINUTELY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",  # from 2023 never a leap year
        "FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # from a Tuesday, every 7 days is never a Monday
        "FREQ=HOURLY;INTERVAL=6;BYHOUR=3",  # from 18:00 every 6 hours never meets 03:00
    ],
)
def test_rule_whose_parts_never_match_gives_nothing_and_returns(rule):
    # Timing belongs in bench/; here it is enough that the call returns at all.
    spec = series(rule, start=tallinn(2023, 1, 3, 18))
    assert starts(spec, tallinn(2023, 1, 1), tallinn(2030, 1, 1)) == []


def test_rare_rule_is_found_decades_ahead():
    spec = series("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO")
    assert starts(spec, tallinn(2024, 1, 1), tallinn(2080, 1, 1)) == [
        tallinn(2044, 2, 29, 18),
        tallinn(2072, 2, 29, 18),
    ]


# --- RDATE and EXDATE


def test_rdates_are_merged_in_order_and_repeats_of_rule_dates_appear_once():
    spec = series(
        "FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        rdates=(
            tallinn(2024, 1, 5, 12),
            tallinn(2024, 1, 9, 18),
            datetime(2024, 1, 20, 10, tzinfo=UTC),
        ),
    )
    assert starts(spec) == [
        tallinn(2024, 1, 2, 18),
        tallinn(2024, 1, 5, 12),
        tallinn(2024, 1, 9, 18),
        tallinn(2024, 1, 16, 18),
        tallinn(2024, 1, 20, 12),
    ]


def test_series_without_rule_is_its_start_and_rdates():
    spec = series(None, start=tallinn(2024, 3, 14, 18), rdates=(tallinn(2024, 9, 12, 18),))
    assert starts(spec) == [tallinn(2024, 3, 14, 18), tallinn(2024, 9, 12, 18)]


@pytest.mark.parametrize(
    "exdate",
    [
        tallinn(2024, 1, 9, 18),
        datetime(2024, 1, 9, 16, tzinfo=UTC),  # the same instant, written in UTC
        datetime(2024, 1, 9, 18),  # naive: wall-clock time in the series' zone
    ],
)
def test_exdate_removes_the_occurrence_it_names(exdate):
    found = starts(series(exdates=(exdate,)), tallinn(2024, 1, 1), tallinn(2024, 1, 17))
    assert found == [tallinn(2024, 1, 2, 18), tallinn(2024, 1, 16, 18)]


def test_exdate_at_another_time_of_the_same_day_removes_nothing():
    found = starts(
        series(exdates=(tallinn(2024, 1, 9, 17),)), tallinn(2024, 1, 1), tallinn(2024, 1, 17)
    )
    assert len(found) == 3


# --- time zones and daylight saving


def test_weekly_evening_stays_at_1800_local_across_spring_and_autumn_changes():
    spring = expand(series(), tallinn(2024, 3, 15), tallinn(2024, 4, 15))
    autumn = expand(series(), tallinn(2024, 10, 15), tallinn(2024, 11, 15))
    for occurrence in spring + autumn:
        assert (occurrence.start.hour, occurrence.start.minute) == (18, 0)
        assert (occurrence.end.hour, occurrence.end.minute) == (19, 30)
    offsets = [occurrence.start.utcoffset() for occurrence in spring + autumn]
    assert offsets[:3] == [timedelta(hours=2)] * 2 + [timedelta(hours=3)]  # 19, 26 March, 2 April
    assert timedelta(hours=3) in offsets and offsets[-1] == timedelta(hours=2)
    assert [o.start.astimezone(UTC).hour for o in spring] == [16, 16, 15, 15]


def test_start_in_spring_gap_moves_forward_by_the_gap_then_keeps_its_wall_clock():
    spec = series("FREQ=DAILY;COUNT=3", start=tallinn(2024, 3, 31, 3, 30))
    found = expand(spec, tallinn(2024, 3, 1), tallinn(2024, 5, 1))
    assert [(o.start.day, o.start.hour, o.start.minute) for o in found] == [
        (31, 4, 30),
        (1, 3, 30),
        (2, 3, 30),
    ]
    assert found[0].start.utcoffset() == timedelta(hours=3)
    assert found[0].original_start == found[0].start
    assert all(is_real(o.start) and is_real(o.original_start) and is_real(o.end) for o in found)


def test_occurrence_in_spring_gap_is_made_real():
    spec = series("FREQ=WEEKLY;BYDAY=SU", start=tallinn(2024, 3, 24, 3, 30))
    found = expand(spec, tallinn(2024, 3, 20), tallinn(2024, 4, 10))
    assert [(o.start.day, o.start.hour, o.start.minute) for o in found] == [
        (24, 3, 30),
        (31, 4, 30),
        (7, 3, 30),
    ]
    assert found[1].start == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)


def test_start_given_in_another_zone_object_keeps_its_wall_clock():
    uncached = ZoneInfo.no_cache("Europe/Tallinn")
    spec = series("FREQ=WEEKLY;BYDAY=SU", start=datetime(2024, 3, 31, 3, 30, tzinfo=uncached))
    found = expand(spec, tallinn(2024, 3, 1), tallinn(2024, 4, 10))
    assert [(o.start.hour, o.start.minute) for o in found] == [(4, 30), (3, 30)]


def test_start_given_in_utc_is_read_as_the_instant_it_is():
    spec = series(start=datetime(2024, 1, 2, 16, tzinfo=UTC))
    assert starts(spec, tallinn(2024, 1, 1), tallinn(2024, 1, 10)) == [
        tallinn(2024, 1, 2, 18),
        tallinn(2024, 1, 9, 18),
    ]


def test_ambiguous_autumn_time_is_its_first_instant():
    spec = series("FREQ=DAILY;COUNT=1", start=tallinn(2024, 10, 27, 3, 30))
    (occurrence,) = expand(spec, tallinn(2024, 10, 1), tallinn(2024, 11, 1))
    assert occurrence.start.utcoffset() == timedelta(hours=3)
    assert occurrence.start.fold == 0


def test_end_falling_in_spring_gap_is_made_real():
    spec = series(
        "FREQ=DAILY;COUNT=1", start=tallinn(2024, 3, 31, 2, 30), duration=timedelta(hours=1)
    )
    (occurrence,) = expand(spec, tallinn(2024, 3, 1), tallinn(2024, 4, 1))
    assert (occurrence.end.hour, occurrence.end.minute) == (4, 30)
    assert is_real(occurrence.end)


def test_end_is_start_plus_duration_in_wall_clock_terms_across_a_change():
    spec = series("FREQ=DAILY;COUNT=1", start=tallinn(2024, 10, 27, 1), duration=timedelta(hours=4))
    (occurrence,) = expand(spec, tallinn(2024, 10, 1), tallinn(2024, 11, 1))
    assert occurrence.end.hour == 5
    elapsed = occurrence.end.astimezone(UTC) - occurrence.start.astimezone(UTC)
    assert elapsed == timedelta(hours=5)  # the hour from 03:00 to 04:00 happens twice


# --- pauses, bounds and holidays


def test_pause_drops_occurrences_on_its_dates_inclusive():
    spec = series(pauses=(DateRange(date(2024, 7, 2), date(2024, 7, 16)),))
    found = starts(spec, tallinn(2024, 6, 20), tallinn(2024, 7, 31))
    assert found == [tallinn(2024, 6, 25, 18), tallinn(2024, 7, 23, 18), tallinn(2024, 7, 30, 18)]


def test_overlapping_pauses_are_merged():
    pauses = (DateRange.parse("2024-02-01/2024-02-20"), DateRange.parse("2024-02-10/2024-03-10"))
    found = starts(series(pauses=pauses), tallinn(2024, 1, 25), tallinn(2024, 3, 20))
    assert found == [tallinn(2024, 1, 30, 18), tallinn(2024, 3, 12, 18), tallinn(2024, 3, 19, 18)]


def test_bounds_drop_occurrences_outside_the_timeframe_inclusive():
    spec = series(bounds=DateRange(date(2024, 1, 9), date(2024, 1, 23)))
    assert starts(spec) == [tallinn(2024, 1, day, 18) for day in (9, 16, 23)]


def test_holiday_keep_leaves_occurrence_on_christmas_eve():
    found = starts(series(holidays="keep"), tallinn(2024, 12, 20), tallinn(2025, 1, 1))
    assert found == [tallinn(2024, 12, 24, 18), tallinn(2024, 12, 31, 18)]


def test_holiday_skip_drops_occurrences_on_public_holidays():
    found = starts(series(holidays="skip"), tallinn(2024, 8, 1), tallinn(2025, 1, 1))
    assert tallinn(2024, 8, 20, 18) not in found  # Independence Restoration Day
    assert tallinn(2024, 12, 24, 18) not in found  # Christmas Eve
    assert tallinn(2024, 12, 31, 18) in found and tallinn(2024, 8, 27, 18) in found


def test_holiday_next_moves_to_next_working_day_at_the_same_time():
    found = expand(series(holidays="next"), tallinn(2024, 12, 20), tallinn(2025, 1, 1))
    assert [(o.original_start, o.start, o.end) for o in found] == [
        (tallinn(2024, 12, 24, 18), tallinn(2024, 12, 27, 18), tallinn(2024, 12, 27, 19, 30)),
        (tallinn(2024, 12, 31, 18), tallinn(2024, 12, 31, 18), tallinn(2024, 12, 31, 19, 30)),
    ]


def test_holiday_next_skips_weekends():
    spec = series("FREQ=MONTHLY;BYMONTHDAY=23", start=tallinn(2024, 6, 23, 10), holidays="next")
    (occurrence,) = expand(spec, tallinn(2024, 6, 1), tallinn(2024, 7, 1))
    # Sunday 23 June is Victory Day, Monday 24 June Midsummer Day
    assert occurrence.start == tallinn(2024, 6, 25, 10)


def test_holiday_next_brings_in_an_occurrence_from_before_the_window():
    found = expand(series(holidays="next"), tallinn(2024, 12, 27), tallinn(2024, 12, 28))
    assert [o.original_start for o in found] == [tallinn(2024, 12, 24, 18)]


def test_holiday_next_leaves_out_an_occurrence_moved_past_the_window():
    assert starts(series(holidays="next"), tallinn(2024, 12, 20), tallinn(2024, 12, 27)) == []


def test_holiday_move_into_a_pause_or_out_of_bounds_drops_the_occurrence():
    into_pause = series(holidays="next", pauses=(DateRange.parse("2024-12-27/2024-12-29"),))
    out_of_bounds = series(holidays="next", bounds=DateRange.parse("2024-01-01/2024-12-26"))
    assert starts(into_pause, tallinn(2024, 12, 20)) == [tallinn(2024, 12, 31, 18)]
    assert starts(out_of_bounds, tallinn(2024, 12, 20)) == []


def test_holiday_move_never_lands_on_another_occurrence():
    spec = series("FREQ=DAILY", start=tallinn(2024, 12, 20, 18), holidays="next")
    found = expand(spec, tallinn(2024, 12, 20), tallinn(2024, 12, 30))
    assert [o.start.day for o in found] == [20, 21, 22, 23, 27, 28, 29]
    assert found[4].original_start == found[4].start  # 27 December keeps its own occurrence


def test_holiday_next_with_limit_returns_earliest_starts():
    spec = series("FREQ=DAILY", start=tallinn(2024, 12, 20, 18), holidays="next")
    everything = expand(spec, tallinn(2024, 12, 20), tallinn(2025, 1, 10))
    assert expand(spec, tallinn(2024, 12, 20), tallinn(2025, 1, 10), limit=6) == everything[:6]


def test_holiday_calendar_has_estonian_public_holidays():
    calendar = holiday_calendar(2024, 2024)
    for day in (date(2024, 2, 24), date(2024, 6, 23), date(2024, 6, 24), date(2024, 12, 24)):
        assert day.toordinal() in calendar.days
    assert date(2024, 12, 27).toordinal() not in calendar.days


def test_no_holiday_move_is_longer_than_the_lookback_allows():
    calendar = holiday_calendar(2000, 2100)
    longest = max(after - day for day, after in calendar.next_working_day.items())
    assert longest <= LONGEST_HOLIDAY_MOVE_DAYS


def test_parsed_rules_are_cached():
    assert parse_rule("FREQ=WEEKLY;BYDAY=TU") is parse_rule("FREQ=WEEKLY;BYDAY=TU")


# --- invalid input


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=WEEKLI", "unknown frequency 'WEEKLI'"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY value 'XX' is not a weekday"),
        ("FREQ=WEEKLY;BYDAY=TU,", "BYDAY value '' is not a weekday"),
        ("BYDAY=TU", "the rule has no FREQ"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20241231", "COUNT and UNTIL cannot both be given"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL must be a whole number of at least 1, got '0'"),
        ("FREQ=DAILY;COUNT=x", "COUNT must be a whole number of at least 1, got 'X'"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH value '13' is out of range (1 to 12)"),
        (
            "FREQ=MONTHLY;BYMONTHDAY=0",
            "BYMONTHDAY value '0' is out of range (1 to 31 or -31 to -1)",
        ),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR value '24' is out of range (0 to 23)"),
        ("FREQ=DAILY;UNTIL=2024-12-31", "UNTIL value '2024-12-31' is not a date"),
        ("FREQ=DAILY;UNTIL=20241301", "UNTIL value '20241301' is not a date"),
        ("FREQ=DAILY;FOO=1", "unknown rule part 'FOO'"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ is given more than once"),
        ("FREQ=DAILY;BYDAY", "rule part 'BYDAY' has no '='"),
        ("FREQ=WEEKLY;BYDAY=1TU", "BYDAY ordinal in '1TU' needs FREQ=MONTHLY or FREQ=YEARLY"),
        ("FREQ=MONTHLY;BYDAY=6TU", "BYDAY ordinal in '6TU' is out of range"),
        ("FREQ=MONTHLY;BYDAY=0TU", "BYDAY ordinal in '0TU' must not be 0"),
        ("FREQ=MONTHLY;BYWEEKNO=1", "BYWEEKNO needs FREQ=YEARLY"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs another BY part"),
        ("FREQ=WEEKLY;WKST=XX", "WKST value 'XX' is not a weekday"),
        ("", "the rule is empty"),
    ],
)
def test_invalid_rule_is_refused_with_the_offending_part(rule, message):
    with pytest.raises(RuleError) as error:
        parse_rule(rule)
    assert message in str(error.value)
    with pytest.raises(RuleError):
        validate(series(rule))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start": datetime(2024, 1, 2, 18)}, "start must have a time zone"),
        ({"tz": "Europe/Talinn"}, "unknown time zone 'Europe/Talinn'"),
        ({"tz": ""}, "unknown time zone ''"),
        ({"holidays": "x"}, "unknown holiday policy 'x'"),
        ({"duration": timedelta(minutes=-5)}, "duration must be zero or more"),
    ],
)
def test_invalid_series_is_refused_with_the_offending_field(fields, message):
    with pytest.raises(RuleError, match=message):
        validate(series(**fields))
    with pytest.raises(RuleError, match=message):
        expand(series(**fields), tallinn(2024, 1, 1), tallinn(2025, 1, 1))


def test_rule_error_is_a_value_error():
    assert issubclass(RuleError, ValueError)
    assert HOLIDAY_POLICIES == ("skip", "next", "keep")


def test_naive_window_is_refused():
    with pytest.raises(ValueError, match="window_start must be an aware datetime"):
        expand(series(), datetime(2024, 1, 1), tallinn(2025, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-01/2024-09-30", DateRange(date(2024, 7, 1), date(2024, 9, 30))),
        (" 2024-07-01 / 2024-07-01 ", DateRange(date(2024, 7, 1), date(2024, 7, 1))),
        ("2024-07-01", DateRange(date(2024, 7, 1), date(2024, 7, 1))),
    ],
)
def test_date_range_parses(text, expected):
    assert DateRange.parse(text) == expected
    assert date(2024, 7, 1) in expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-07-01..2024-09-30", "must look like 2024-07-01/2024-09-30"),
        ("2024-09-30/2024-07-01", "date range 2024-09-30/2024-07-01 ends before it starts"),
        ("", "must look like"),
    ],
)
def test_date_range_refuses_bad_text(text, message):
    with pytest.raises(RuleError, match=message):
        DateRange.parse(text)


def test_occurrences_shifted_out_of_the_spring_gap_stay_in_time_order():
    # 26 March 2023, 03:00-04:00 does not exist in Tallinn: both shift by the gap's hour.
    tallinn = ZoneInfo("Europe/Tallinn")
    spec = RecurrenceSpec(
        start=datetime(2023, 3, 26, 3, 15, tzinfo=tallinn),
        duration=timedelta(0),
        rule="FREQ=DAILY",
        rdates=(datetime(2023, 3, 26, 3, 0, tzinfo=tallinn),),
    )
    window = (datetime(2023, 3, 19, tzinfo=tallinn), datetime(2023, 3, 28, tzinfo=tallinn))
    starts = [o.start.isoformat() for o in expand(spec, *window)]
    assert starts == [
        "2023-03-26T04:00:00+03:00",
        "2023-03-26T04:15:00+03:00",
        "2023-03-27T03:15:00+03:00",
    ]
    assert [o.start.isoformat() for o in expand(spec, *window, limit=1)] == starts[:1]
