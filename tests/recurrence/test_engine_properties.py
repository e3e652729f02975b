"""Properties of expansion that hold for any series and window (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from dateutil.rrule import rruleset, rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.recurrence import DateRange, RecurrenceSpec, expand

TALLINN = ZoneInfo("Europe/Tallinn")
ESTONIAN_HOLIDAYS = holidays.country_holidays("EE", years=range(2022, 2031))
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# days with a daylight-saving change, so that gap and ambiguous times come up often
CHANGE_DAYS = (date(2023, 3, 26), date(2023, 10, 29), date(2024, 3, 31), date(2024, 10, 27))
FIRST, LAST = date(2023, 1, 1), date(2025, 12, 31)

SETTINGS = settings(max_examples=max(150, settings.default.max_examples), deadline=None)


def real(moment: datetime) -> datetime:
    return moment.astimezone(UTC).astimezone(TALLINN)


def exists(day: date, wall_clock: time) -> bool:
    naive = datetime.combine(day, wall_clock)
    return real(naive.replace(tzinfo=TALLINN)).replace(tzinfo=None) == naive


days = st.one_of(st.dates(FIRST, LAST), st.sampled_from(CHANGE_DAYS))
wall_clocks = st.builds(time, st.integers(0, 23) | st.just(3), st.sampled_from((0, 15, 30, 45)))


@st.composite
def local_moments(draw, wall_clock: time | None = None) -> datetime:
    moment = datetime.combine(draw(days), wall_clock or draw(wall_clocks))
    return moment.replace(tzinfo=TALLINN)


@st.composite
def weekday_list(draw, ordinals: bool = False) -> str:
    codes = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True))
    if ordinals:
        return ",".join(f"{draw(st.sampled_from((1, 2, 3, 4, -1)))}{code}" for code in codes)
    return ",".join(codes)


@st.composite
def rules(draw, start: datetime) -> tuple[str, str]:
    """A rule as the engine gets it, and the same rule as dateutil accepts it (UTC UNTIL)."""
    freq = draw(st.sampled_from(("DAILY", "WEEKLY", "MONTHLY", "YEARLY")))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 3))}"]
    if freq in ("DAILY", "WEEKLY") and draw(st.booleans()):
        parts.append(f"BYDAY={draw(weekday_list())}")
    if freq in ("MONTHLY", "YEARLY"):
        shape = draw(st.sampled_from(("none", "ordinal", "monthday")))
        if shape == "ordinal":
            parts.append(f"BYDAY={draw(weekday_list(ordinals=True))}")
        elif shape == "monthday":
            monthdays = st.lists(st.integers(1, 28) | st.just(-1), min_size=1, max_size=2)
            parts.append(f"BYMONTHDAY={','.join(map(str, draw(monthdays)))}")
    if draw(st.booleans()):
        months = draw(st.lists(st.integers(1, 12), min_size=1, max_size=12, unique=True))
        parts.append(f"BYMONTH={','.join(map(str, sorted(months)))}")
    engine_parts, dateutil_parts = list(parts), list(parts)
    ending = draw(st.sampled_from(("none", "count", "date", "floating", "utc")))
    if ending == "count":
        count = f"COUNT={draw(st.integers(1, 80))}"
        engine_parts.append(count)
        dateutil_parts.append(count)
    elif ending != "none":
        days = draw(st.sampled_from((60, 400, 1000)) | st.integers(-10, 1000))
        until = start + timedelta(days=days, hours=draw(st.integers(0, 23)))
        if ending == "date":
            engine_parts.append(f"UNTIL={until:%Y%m%d}")
            until = until.replace(hour=23, minute=59, second=59)
        elif ending == "floating":
            engine_parts.append(f"UNTIL={until:%Y%m%dT%H%M%S}")
        else:
            engine_parts.append(f"UNTIL={real(until).astimezone(UTC):%Y%m%dT%H%M%SZ}")
        dateutil_parts.append(f"UNTIL={real(until).astimezone(UTC):%Y%m%dT%H%M%SZ}")
    return ";".join(engine_parts), ";".join(dateutil_parts)


def date_ranges(around: date, before: int, after: int, longest: int) -> st.SearchStrategy:
    return st.builds(
        lambda offset, length: DateRange(
            around + timedelta(days=offset), around + timedelta(days=offset + length)
        ),
        st.integers(-before, after),
        st.integers(0, longest),
    )


@st.composite
def windows(draw, around: datetime) -> tuple[datetime, datetime]:
    offset = draw(st.sampled_from((-7, 0, 30, 200)) | st.integers(-60, 500))
    start = around + timedelta(days=offset, hours=draw(st.integers(-12, 12)))
    length = draw(st.sampled_from((90, 365, 1095)) | st.integers(1, 1095))
    end = start + timedelta(days=length, hours=draw(st.integers(0, 23)))
    if draw(st.booleans()):
        return start.astimezone(UTC), end.astimezone(UTC)
    return real(start), real(end)


@st.composite
def cases(draw, filtered: bool = True) -> tuple[RecurrenceSpec, str, tuple[datetime, datetime]]:
    """A series, its rule for plain dateutil, and a window near it."""
    start = draw(local_moments())
    rule, dateutil_rule = draw(rules(start))
    near = date_ranges(start.date(), 30, 700, 90)
    exdates = st.lists(local_moments(start.time()), max_size=3)
    spec = RecurrenceSpec(
        start=start,
        duration=timedelta(minutes=draw(st.sampled_from((0, 45, 90, 150, 24 * 60)))),
        rule=rule,
        rdates=tuple(draw(st.lists(local_moments(), max_size=2))),
        exdates=tuple(draw(exdates)),
        pauses=tuple(draw(st.lists(near, max_size=2))) if filtered else (),
        holidays=draw(st.sampled_from(("skip", "next", "keep"))) if filtered else "keep",
        bounds=draw(st.none() | date_ranges(start.date(), 60, 300, 1000)) if filtered else None,
    )
    return spec, dateutil_rule, draw(windows(start))


def paused(spec: RecurrenceSpec, day: date) -> bool:
    return any(pause.start <= day <= pause.end for pause in spec.pauses)


@SETTINGS
@given(cases())
def test_occurrences_lie_in_the_window_and_bounds_and_outside_pauses(case):
    spec, _, (window_start, window_end) = case
    found = expand(spec, window_start, window_end)
    assert [o.start for o in found] == sorted(o.start for o in found)
    for occurrence in found:
        assert window_start <= occurrence.start < window_end
        day = occurrence.start.date()
        if spec.bounds is not None:
            assert spec.bounds.start <= day <= spec.bounds.end
        assert not paused(spec, day)
        assert not paused(spec, occurrence.original_start.date())


@SETTINGS
@given(cases())
def test_holiday_policy_is_kept(case):
    spec, _, window = case
    for occurrence in expand(spec, *window):
        day, original_day = occurrence.start.date(), occurrence.original_start.date()
        if spec.holidays == "keep":
            assert occurrence.start == occurrence.original_start
        if spec.holidays == "skip":
            assert day not in ESTONIAN_HOLIDAYS
            assert occurrence.start == occurrence.original_start
        if spec.holidays == "next":
            assert day not in ESTONIAN_HOLIDAYS
            if occurrence.start != occurrence.original_start:
                assert original_day in ESTONIAN_HOLIDAYS
                assert day.weekday() < 5 and day > original_day
                assert occurrence.start.time() == occurrence.original_start.time() or not exists(
                    original_day, occurrence.start.time()
                )


@SETTINGS
@given(cases())
def test_wall_clock_time_is_kept_and_every_time_is_real(case):
    spec, _, window = case
    wall_clock = spec.start.time()
    extra_times = {
        clock for moment in spec.rdates for clock in (moment.time(), real(moment).time())
    }
    for occurrence in expand(spec, *window):
        for moment in (occurrence.original_start, occurrence.start, occurrence.end):
            assert moment.tzinfo is TALLINN
            assert (moment.replace(tzinfo=None), moment.utcoffset()) == (
                real(moment).replace(tzinfo=None),
                real(moment).utcoffset(),
            )
        assert occurrence.end == real(occurrence.start + spec.duration)
        if occurrence.start.time() in extra_times:
            continue  # may be an RDATE
        if exists(occurrence.start.date(), wall_clock):
            assert occurrence.start.time() == wall_clock
        else:  # in the spring-forward gap: an hour later
            shifted = datetime.combine(date.min, wall_clock) + timedelta(hours=1)
            assert occurrence.start.time() == shifted.time()


@SETTINGS
@given(cases(), st.integers(0, 12))
def test_limit_gives_the_earliest_occurrences(case, limit):
    spec, _, window = case
    assert expand(spec, *window, limit=limit) == expand(spec, *window)[:limit]


@SETTINGS
@given(cases(filtered=False))
def test_agrees_with_plain_dateutil_when_nothing_is_filtered(case):
    spec, dateutil_rule, (window_start, window_end) = case
    reference = rruleset()
    reference.rrule(rrulestr(dateutil_rule, dtstart=spec.start))
    for moment in spec.rdates:
        reference.rdate(moment)
    for moment in spec.exdates:
        reference.exdate(moment)
    margin = timedelta(days=1)
    candidates = reference.between(window_start - margin, window_end + margin, inc=True)
    expected = sorted({real(moment) for moment in candidates})
    expected = [moment for moment in expected if window_start <= moment < window_end]
    found = [occurrence.start for occurrence in expand(spec, window_start, window_end)]
    assert [moment.astimezone(UTC) for moment in found] == [m.astimezone(UTC) for m in expected]
