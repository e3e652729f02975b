"""Expand recurring series into occurrences.

A series is an RFC 5545 rule (RRULE, RDATE, EXDATE) anchored at a local wall-clock start in a
time zone, plus the programme's own rules: pause windows, a policy for Estonian public
holidays and the activity's timeframe. Expansion is pure: no Flask, no database.

Choices worth knowing:

* Occurrences keep the start's wall-clock time across daylight-saving changes. A wall-clock
  time that does not exist (spring-forward gap) is shifted forward by the gap, as RFC 5545
  says; an ambiguous autumn time means its first instant (fold=0).
* COUNT counts what the rule produces; EXDATEs, pauses, holidays and the timeframe then drop
  occurrences without the series making up for them.
* Pauses and the timeframe apply to the date the rule produced *and* to the date a holiday
  moved it to: an occurrence that falls in a pause never happens, and one moved by the "next"
  policy is dropped if it lands in a pause or outside the timeframe, never pushed further.
* An occurrence is never moved onto another one of the same series (a daily series moved off
  Christmas would otherwise pile three meetings onto 27 December): when a move lands on a
  start the series already has, the moved occurrence is dropped, keeping the one that was
  there (or the earliest of several moved there).
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from time import monotonic
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holiday_calendars
from dateutil.rrule import rrule, rrulestr

from ..core.time import DEFAULT_TZ

HOLIDAY_POLICIES = ("skip", "next", "keep")
HOLIDAY_COUNTRY = "EE"

FREQUENCIES = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Estonia's longest run of holidays and weekends is Christmas: 24-26 December plus a weekend.
# A test checks this bound against the holiday calendar.
LONGEST_HOLIDAY_MOVE_DAYS = 7

# Holiday and daylight-saving tables are built for at most this many years at a time.
_TABLE_YEARS = 50
_NEVER = date.max.toordinal() + 1


class RuleError(ValueError):
    """An invalid series; the message names the offending part and value, fit for a user."""


class ExpansionTimeout(RuleError):
    """Expansion ran past its deadline: the rule produces too much before the window."""


# The deadline is checked once per this many occurrences the rule produces: a clock read
# costs more than filtering one occurrence, and this many take well under a millisecond.
_DEADLINE_STRIDE = 256


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of local calendar dates."""

    start: date
    end: date

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, date) or isinstance(value, datetime):
                raise RuleError(f"date range {name} must be a date, got {value!r}")
        if self.end < self.start:
            raise RuleError(
                f"date range {self.start.isoformat()}/{self.end.isoformat()} ends before it starts"
            )

    @classmethod
    def parse(cls, text: str) -> DateRange:
        """Parse ``2024-07-01/2024-09-30``; a single date is a one-day range."""
        first, slash, last = str(text).strip().partition("/")
        try:
            start = date.fromisoformat(first.strip())
            end = date.fromisoformat(last.strip()) if slash else start
        except ValueError:
            raise RuleError(f"date range {text!r} must look like 2024-07-01/2024-09-30") from None
        return cls(start, end)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass(frozen=True)
class RecurrenceSpec:
    start: datetime
    duration: timedelta
    rule: str | None = None
    rdates: tuple[datetime, ...] = ()
    exdates: tuple[datetime, ...] = ()
    pauses: tuple[DateRange, ...] = ()
    holidays: str = "keep"
    bounds: DateRange | None = None
    tz: str = DEFAULT_TZ


@dataclass(frozen=True, slots=True)
class Occurrence:
    original_start: datetime
    start: datetime
    end: datetime


# ---------------------------------------------------------------------------------------------
# Rule parsing


@dataclass(frozen=True)
class WeekdayRule:
    """One BYDAY entry: a weekday (0 = Monday) with an optional ordinal (1TU, -1FR)."""

    weekday: int
    ordinal: int | None = None

    def __str__(self) -> str:
        prefix = "" if self.ordinal is None else str(self.ordinal)
        return prefix + WEEKDAY_CODES[self.weekday]


@dataclass(frozen=True)
class ParsedRule:
    """An RRULE value, checked part by part. ``until`` is a date, a naive (floating) datetime
    or an aware UTC datetime, exactly as written."""

    freq: str
    interval: int = 1
    count: int | None = None
    until: date | datetime | None = None
    by_weekday: tuple[WeekdayRule, ...] = ()
    by_month: tuple[int, ...] = ()
    by_month_day: tuple[int, ...] = ()
    by_year_day: tuple[int, ...] = ()
    by_week_no: tuple[int, ...] = ()
    by_hour: tuple[int, ...] = ()
    by_minute: tuple[int, ...] = ()
    by_second: tuple[int, ...] = ()
    by_set_pos: tuple[int, ...] = ()
    week_start: int | None = None

    def to_text(self, *, until: datetime | None = None, unlimited: bool = False) -> str:
        """The rule as RRULE text; ``until`` replaces UNTIL (dateutil wants it in UTC),
        ``unlimited`` drops COUNT and UNTIL."""
        parts = [f"FREQ={self.freq}", f"INTERVAL={self.interval}"]
        if not unlimited and self.count is not None:
            parts.append(f"COUNT={self.count}")
        if not unlimited and until is not None:
            parts.append(f"UNTIL={until.astimezone(UTC):%Y%m%dT%H%M%SZ}")
        for name, values in self._by_parts():
            if values:
                parts.append(f"{name}={','.join(str(value) for value in values)}")
        if self.week_start is not None:
            parts.append(f"WKST={WEEKDAY_CODES[self.week_start]}")
        return ";".join(parts)

    def _by_parts(self) -> list[tuple[str, tuple]]:
        return [(name, getattr(self, field_name)) for name, field_name in _BY_FIELDS.items()]


# The BY… parts in the order the RRULE text lists them, and the field each is kept in.
_BY_FIELDS = {
    "BYMONTH": "by_month",
    "BYWEEKNO": "by_week_no",
    "BYYEARDAY": "by_year_day",
    "BYMONTHDAY": "by_month_day",
    "BYDAY": "by_weekday",
    "BYHOUR": "by_hour",
    "BYMINUTE": "by_minute",
    "BYSECOND": "by_second",
    "BYSETPOS": "by_set_pos",
}
_NUMBER_PARTS = {
    # name: (lowest, highest, zero allowed)
    "BYMONTH": (1, 12, False),
    "BYWEEKNO": (-53, 53, False),
    "BYYEARDAY": (-366, 366, False),
    "BYMONTHDAY": (-31, 31, False),
    "BYHOUR": (0, 23, True),
    "BYMINUTE": (0, 59, True),
    "BYSECOND": (0, 59, True),
    "BYSETPOS": (-366, 366, False),
}
_KNOWN_PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST", *_NUMBER_PARTS)
_WEEKDAY_PATTERN = re.compile(r"([+-]?)(\d{1,2})?([A-Z]{2})")
_UNTIL_PATTERN = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?")
_ORDINAL_FREQUENCIES = ("MONTHLY", "YEARLY")


@lru_cache(maxsize=4096)
def parse_rule(rule: str) -> ParsedRule:
    """Parse an RRULE value (with or without the ``RRULE:`` prefix); RuleError names the
    offending part when it is not valid RFC 5545."""
    if not isinstance(rule, str):
        raise RuleError(f"rule must be text, got {type(rule).__name__}")
    parts = _split_rule(rule)
    if "FREQ" not in parts:
        raise RuleError("the rule has no FREQ (e.g. FREQ=WEEKLY)")
    values: dict[str, object] = {"freq": _parse_frequency(parts["FREQ"])}
    for name, text in parts.items():
        if name in _NUMBER_PARTS:
            lowest, highest, zero_allowed = _NUMBER_PARTS[name]
            values[_BY_FIELDS[name]] = _parse_numbers(name, text, lowest, highest, zero_allowed)
    if "INTERVAL" in parts:
        values["interval"] = _parse_positive(parts["INTERVAL"], "INTERVAL")
    if "COUNT" in parts:
        values["count"] = _parse_positive(parts["COUNT"], "COUNT")
    if "UNTIL" in parts:
        values["until"] = _parse_until(parts["UNTIL"])
    if "BYDAY" in parts:
        values["by_weekday"] = tuple(
            _parse_weekday_rule(text) for text in parts["BYDAY"].split(",")
        )
    if "WKST" in parts:
        values["week_start"] = _parse_weekday_code(parts["WKST"], "WKST")
    parsed = ParsedRule(**values)
    _check_combinations(parsed)
    return parsed


def _split_rule(rule: str) -> dict[str, str]:
    text = rule.strip()
    if text[:6].upper() == "RRULE:":
        text = text[6:].strip()
    if not text:
        raise RuleError("the rule is empty (e.g. FREQ=WEEKLY;BYDAY=TU)")
    if "\n" in text or "\r" in text:
        raise RuleError("the rule must be a single RRULE value on one line")
    parts: dict[str, str] = {}
    for chunk in filter(None, (piece.strip() for piece in text.split(";"))):
        name, equals, value = chunk.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not equals:
            raise RuleError(f"rule part {chunk!r} has no '=' (expected NAME=VALUE)")
        if name not in _KNOWN_PARTS:
            raise RuleError(f"unknown rule part {name!r}")
        if name in parts:
            raise RuleError(f"{name} is given more than once")
        if not value:
            raise RuleError(f"{name} has no value")
        parts[name] = value
    return parts


def _parse_frequency(text: str) -> str:
    if text not in FREQUENCIES:
        expected = ", ".join(reversed(FREQUENCIES))
        raise RuleError(f"unknown frequency {text!r} (expected one of {expected})")
    return text


def _parse_positive(text: str, name: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise RuleError(f"{name} must be a whole number of at least 1, got {text!r}")
    return int(text)


def _parse_numbers(
    name: str, text: str, lowest: int, highest: int, zero_allowed: bool
) -> tuple[int, ...]:
    numbers = []
    for item in text.split(","):
        item = item.strip()
        try:
            number = int(item)
        except ValueError:
            raise RuleError(f"{name} value {item!r} is not a whole number") from None
        if not lowest <= number <= highest or (number == 0 and not zero_allowed):
            span = f"{lowest} to {highest}"
            if not zero_allowed and lowest < 0:
                span = f"1 to {highest} or {lowest} to -1"
            raise RuleError(f"{name} value {item!r} is out of range ({span})")
        numbers.append(number)
    return tuple(numbers)


def _parse_weekday_code(text: str, name: str) -> int:
    if text not in WEEKDAY_CODES:
        raise RuleError(f"{name} value {text!r} is not a weekday (use {', '.join(WEEKDAY_CODES)})")
    return WEEKDAY_CODES.index(text)


def _parse_weekday_rule(text: str) -> WeekdayRule:
    text = text.strip()
    match = _WEEKDAY_PATTERN.fullmatch(text)
    if not match or match[3] not in WEEKDAY_CODES:
        raise RuleError(
            f"BYDAY value {text!r} is not a weekday "
            f"(use {', '.join(WEEKDAY_CODES)}, optionally with an ordinal as in 1MO or -1FR)"
        )
    sign, digits, code = match.groups()
    if sign and not digits:
        raise RuleError(f"BYDAY value {text!r} has a sign but no ordinal")
    ordinal = None if digits is None else int(sign + digits)
    if ordinal == 0:
        raise RuleError(f"BYDAY ordinal in {text!r} must not be 0")
    return WeekdayRule(WEEKDAY_CODES.index(code), ordinal)


def _parse_until(text: str) -> date | datetime:
    match = _UNTIL_PATTERN.fullmatch(text)
    problem = f"UNTIL value {text!r} is not a date (use YYYYMMDD, YYYYMMDDTHHMMSS or ...Z)"
    if not match:
        raise RuleError(problem)
    year, month, day, hour, minute, second, utc = match.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        return datetime(
            *map(int, (year, month, day, hour, minute, second)), tzinfo=UTC if utc else None
        )
    except ValueError:
        raise RuleError(problem) from None


def _check_combinations(rule: ParsedRule) -> None:
    """The RFC 5545 restrictions on which parts go with which frequency."""
    if rule.count is not None and rule.until is not None:
        raise RuleError("COUNT and UNTIL cannot both be given")
    if rule.by_week_no and rule.freq != "YEARLY":
        raise RuleError(f"BYWEEKNO needs FREQ=YEARLY, not FREQ={rule.freq}")
    if rule.by_year_day and rule.freq in ("DAILY", "WEEKLY", "MONTHLY"):
        raise RuleError(f"BYYEARDAY cannot be used with FREQ={rule.freq}")
    if rule.by_month_day and rule.freq == "WEEKLY":
        raise RuleError("BYMONTHDAY cannot be used with FREQ=WEEKLY")
    has_other_by_part = any(values for name, values in rule._by_parts() if name != "BYSETPOS")
    if rule.by_set_pos and not has_other_by_part:
        raise RuleError("BYSETPOS needs another BY part (e.g. BYDAY) to pick from")
    for entry in rule.by_weekday:
        _check_weekday_ordinal(rule, entry)


def _check_weekday_ordinal(rule: ParsedRule, entry: WeekdayRule) -> None:
    if entry.ordinal is None:
        return
    if rule.freq not in _ORDINAL_FREQUENCIES:
        raise RuleError(
            f"BYDAY ordinal in '{entry}' needs FREQ=MONTHLY or FREQ=YEARLY, not FREQ={rule.freq}"
        )
    if rule.freq == "YEARLY" and rule.by_week_no:
        raise RuleError(f"BYDAY ordinal in '{entry}' cannot be combined with BYWEEKNO")
    monthly = rule.freq == "MONTHLY" or (rule.freq == "YEARLY" and rule.by_month)
    limit = 5 if monthly else 53
    if abs(entry.ordinal) > limit:
        scope = "a month" if monthly else "a year"
        raise RuleError(
            f"BYDAY ordinal in '{entry}' is out of range: {scope} has at most {limit} of a weekday"
        )


# ---------------------------------------------------------------------------------------------
# Validation


@lru_cache(maxsize=256)
def _zone(key: str) -> ZoneInfo:
    if not isinstance(key, str) or not key.strip():
        raise RuleError(f"unknown time zone {key!r}")
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise RuleError(f"unknown time zone {key!r}") from None


def validate(spec: RecurrenceSpec) -> None:
    """Raise RuleError, naming the offending field and value, if the series is not valid."""
    _zone(spec.tz)
    if not isinstance(spec.start, datetime):
        raise RuleError(f"start must be a date and time, got {spec.start!r}")
    if spec.start.tzinfo is None or spec.start.utcoffset() is None:
        raise RuleError(f"start must have a time zone (got {spec.start.isoformat()} without one)")
    if not isinstance(spec.duration, timedelta) or spec.duration < timedelta(0):
        raise RuleError(f"duration must be zero or more, got {spec.duration!r}")
    if spec.holidays not in HOLIDAY_POLICIES:
        expected = ", ".join(HOLIDAY_POLICIES)
        raise RuleError(f"unknown holiday policy {spec.holidays!r} (expected one of {expected})")
    if spec.rule is not None:
        if not isinstance(spec.rule, str):
            raise RuleError(f"rule must be text, got {spec.rule!r}")
        parse_rule(spec.rule)
    for name in ("rdates", "exdates"):
        for moment in getattr(spec, name):
            if not isinstance(moment, datetime):
                raise RuleError(f"{name} must hold dates with times, got {moment!r}")
    for pause in spec.pauses:
        if not isinstance(pause, DateRange):
            raise RuleError(f"pauses must be date ranges, got {pause!r}")
    if spec.bounds is not None and not isinstance(spec.bounds, DateRange):
        raise RuleError(f"bounds must be a date range, got {spec.bounds!r}")


# ---------------------------------------------------------------------------------------------
# Time-zone helpers


def _real_instant(moment: datetime, zone: tzinfo) -> datetime:
    """Round-trip through UTC: a wall-clock time inside a spring-forward gap becomes the real
    instant the gap length later; every other time comes back unchanged."""
    return moment.astimezone(UTC).astimezone(zone)


def _to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A real instant in the series' zone; a naive moment is read as wall-clock time there."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone)
    return _real_instant(moment, zone)


def _local_wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """The series anchor: the start's wall-clock time in the zone, possibly not yet real (a
    start inside a spring-forward gap keeps its wall-clock time for the later occurrences)."""
    if getattr(moment.tzinfo, "key", None) == zone.key:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


@lru_cache(maxsize=256)
def _transition_days(zone_key: str, first_year: int, last_year: int) -> frozenset[int]:
    """Ordinals of the local dates on which the zone's UTC offset changes: only wall-clock
    times on those days can be missing or ambiguous."""
    zone = _zone(zone_key)
    first = date(first_year, 1, 1).toordinal()
    last = date(last_year, 12, 31).toordinal()
    days = set()
    previous = _midnight_offset(first, zone)
    for day in range(first, last + 1):
        following = _midnight_offset(day + 1, zone)
        if following != previous:
            days.add(day)
        previous = following
    return frozenset(days)


def _midnight_offset(day: int, zone: ZoneInfo) -> timedelta | None:
    if day > date.max.toordinal():
        return None
    return datetime.fromordinal(day).replace(tzinfo=zone).utcoffset()


# ---------------------------------------------------------------------------------------------
# Holidays


@dataclass(frozen=True)
class HolidayCalendar:
    days: frozenset[int]
    next_working_day: dict[int, int]


@lru_cache(maxsize=64)
def holiday_calendar(first_year: int, last_year: int) -> HolidayCalendar:
    """Estonian public holidays as date ordinals, and for each the next day that is neither a
    holiday nor a weekend."""
    years = range(max(first_year, 1), min(last_year + 1, date.max.year) + 1)
    found = holiday_calendars.country_holidays(HOLIDAY_COUNTRY, years=years)
    days = frozenset(day.toordinal() for day in found)
    return HolidayCalendar(days, {day: _next_working_day(day, days) for day in days})


def _next_working_day(day: int, holiday_days: frozenset[int]) -> int:
    day += 1
    while day in holiday_days or _is_weekend(day):
        day += 1
    return day


def _is_weekend(day: int) -> bool:
    return date.fromordinal(day).weekday() >= 5


# ---------------------------------------------------------------------------------------------
# dateutil rules


@lru_cache(maxsize=4096)
def _dateutil_rule(rule_text: str, wall_clock: datetime, zone_key: str) -> rrule | None:
    """The dateutil rule for a rule text and naive local start, or None if it can never
    produce anything. Cached: parsing and building are the costly part for short windows."""
    parsed = parse_rule(rule_text)
    zone = _zone(zone_key)
    dtstart = wall_clock.replace(tzinfo=zone)
    if not _can_ever_match(parsed, wall_clock):
        return None
    until = _until_instant(parsed.until, zone)
    return rrulestr(parsed.to_text(until=until), dtstart=dtstart)


def _until_instant(until: date | datetime | None, zone: ZoneInfo) -> datetime | None:
    """dateutil refuses a floating UNTIL with an aware start; read a floating or date-only
    UNTIL as local time in the series' zone (a date means the whole of that day)."""
    if until is None or isinstance(until, datetime) and until.tzinfo is not None:
        return until
    if not isinstance(until, datetime):
        until = datetime.combine(until, time(23, 59, 59))
    return _real_instant(until.replace(tzinfo=zone), zone)


_GREGORIAN_CYCLE_YEARS = 400
_PERIODS_PER_CYCLE = {
    "YEARLY": 400,
    "MONTHLY": 4800,
    "WEEKLY": 20871,
    "DAILY": 146097,
    "HOURLY": 146097 * 24,
    "MINUTELY": 146097 * 24 * 60,
    "SECONDLY": 146097 * 24 * 60 * 60,
}


@lru_cache(maxsize=4096)
def _can_ever_match(parsed: ParsedRule, wall_clock: datetime) -> bool:
    """Whether the rule, without COUNT or UNTIL, produces anything at all.

    dateutil keeps searching until the year 9999 for a rule whose BY parts never match
    (BYMONTH=2;BYMONTHDAY=30), which takes seconds. Rules repeating every day or more often
    are decided by arithmetic (see ``_aligned_day_exists``); the others are probed: the
    Gregorian calendar repeats every 400 years, so the same rule started at the same place of
    the cycle near the end of the calendar shows the answer and stops by itself within a few
    hundred years of iteration, a few thousand weeks, months or years at most.
    """
    if parsed.freq in _UNITS_PER_DAY:
        return _aligned_day_exists(parsed, wall_clock)
    phase_cycles = parsed.interval // math.gcd(parsed.interval, _PERIODS_PER_CYCLE[parsed.freq])
    cycle_years = _GREGORIAN_CYCLE_YEARS * phase_cycles
    if cycle_years * 2 > date.max.year:
        return True  # so long an interval that iterating to the year 9999 is cheap anyway
    last_probe_year = date.max.year - cycle_years
    shift = (last_probe_year - wall_clock.year) // cycle_years * cycle_years
    probe_start = wall_clock.replace(year=wall_clock.year + shift)
    try:
        probe = rrulestr(parsed.to_text(unlimited=True), dtstart=probe_start)
        return next(iter(probe), None) is not None
    except ValueError:  # dateutil: INTERVAL and BYHOUR/BYMINUTE/BYSECOND never line up
        return False


_UNITS_PER_DAY = {"DAILY": 1, "HOURLY": 24, "MINUTELY": 24 * 60, "SECONDLY": 24 * 60 * 60}
_CYCLE_DAYS = 146097  # days in 400 Gregorian years: dates and weekdays repeat after this


def _aligned_day_exists(parsed: ParsedRule, wall_clock: datetime) -> bool:
    """Whether a DAILY, HOURLY, MINUTELY or SECONDLY rule ever produces an occurrence.

    The rule visits the instants start + k * INTERVAL units; it produces one when the date
    passes the date parts (BYMONTH, BYMONTHDAY, BYYEARDAY, BYDAY) and the time passes the
    time parts finer than a day. The dates that pass repeat every 400 years, so an instant
    can be reached exactly when, for some date d of one cycle and time t that pass,
    d * units + t is congruent to the start modulo gcd(INTERVAL, units * 146097): a few
    thousand integer operations at most, instead of iterating to the year 9999.
    """
    units = _UNITS_PER_DAY[parsed.freq]
    if not _set_position_fits(parsed):
        return False
    modulus = math.gcd(parsed.interval, units * _CYCLE_DAYS)
    day_modulus = modulus // math.gcd(modulus, units)
    day_residues = _date_residues(_date_parts(parsed), day_modulus)
    if not day_residues:
        return False
    start = wall_clock.toordinal() * units + _time_units(parsed.freq, wall_clock)
    time_residues = {value % modulus for value in _time_values(parsed)}
    return any((start - day * units) % modulus in time_residues for day in day_residues)


def _set_position_fits(parsed: ParsedRule) -> bool:
    """BYSETPOS picks from the set one period produces: for these frequencies, the times
    inside the period (BYHOUR x BYMINUTE x BYSECOND finer than the frequency)."""
    if not parsed.by_set_pos:
        return True
    finer = {
        "DAILY": (parsed.by_hour, parsed.by_minute, parsed.by_second),
        "HOURLY": (parsed.by_minute, parsed.by_second),
        "MINUTELY": (parsed.by_second,),
        "SECONDLY": (),
    }[parsed.freq]
    size = math.prod(len(values) or 1 for values in finer)
    return any(abs(position) <= size for position in parsed.by_set_pos)


def _time_units(freq: str, moment: datetime) -> int:
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return seconds * _UNITS_PER_DAY[freq] // 86400


def _time_values(parsed: ParsedRule) -> Iterator[int]:
    """The times of day (in the rule's units) that pass its BYHOUR/BYMINUTE/BYSECOND."""
    if parsed.freq == "DAILY":
        yield 0
        return
    hours = parsed.by_hour or range(24)
    minutes = (parsed.by_minute or range(60)) if parsed.freq != "HOURLY" else (0,)
    seconds = (parsed.by_second or range(60)) if parsed.freq == "SECONDLY" else (0,)
    per_hour = _UNITS_PER_DAY[parsed.freq] // 24
    per_minute = per_hour // 60 if parsed.freq != "HOURLY" else 0
    for hour in hours:
        for minute in minutes:
            for second in seconds:
                yield hour * per_hour + minute * per_minute + second


def _date_parts(parsed: ParsedRule) -> tuple:
    return (
        parsed.by_month,
        parsed.by_month_day,
        parsed.by_year_day,
        tuple(entry.weekday for entry in parsed.by_weekday),
    )


@lru_cache(maxsize=1024)
def _date_residues(parts: tuple, modulus: int) -> frozenset[int]:
    """The ordinals modulo ``modulus`` of the dates of one 400-year cycle that pass the
    date parts (no ordinals: these frequencies allow none). Listed by a yearly rule, which
    dateutil filters a year at a time, and stopped once every residue is seen."""
    by_month, by_month_day, by_year_day, by_weekday = parts
    if not (by_month_day or by_year_day or by_weekday):
        by_month_day = tuple(range(1, 32))  # every day (of the months BYMONTH names)
    text = ["FREQ=YEARLY"]
    for name, values in (
        ("BYMONTH", by_month),
        ("BYMONTHDAY", by_month_day),
        ("BYYEARDAY", by_year_day),
        ("BYDAY", tuple(WEEKDAY_CODES[day] for day in by_weekday)),
    ):
        if values:
            text.append(f"{name}={','.join(str(value) for value in values)}")
    cycle_start = datetime(date.max.year + 1 - _GREGORIAN_CYCLE_YEARS, 1, 1)  # noqa: DTZ001 (wall clock)
    found: set[int] = set()
    for moment in rrulestr(";".join(text), dtstart=cycle_start):
        found.add(moment.toordinal() % modulus)
        if len(found) == modulus:
            break
    return frozenset(found)


# ---------------------------------------------------------------------------------------------
# Expansion


@dataclass(frozen=True)
class _Window:
    """The part of local time to expand, as date ordinals plus the exact instants."""

    first_day: int  # first local date whose rule occurrences may be kept (or moved in)
    last_day: int
    start: datetime  # UTC
    end: datetime  # UTC
    start_day: int
    end_day: int


def expand(
    spec: RecurrenceSpec,
    window_start: datetime,
    window_end: datetime,
    limit: int | None = None,
    deadline: float | None = None,
) -> list[Occurrence]:
    """Occurrences with ``window_start <= start < window_end``, sorted by start.

    ``limit`` caps how many are returned (the earliest ones). ``deadline``, a
    ``time.monotonic()`` value, bounds the time spent: a rule that produces millions of
    occurrences before the window (FREQ=SECONDLY from 1970) raises ExpansionTimeout.
    """
    validate(spec)
    _check_window(window_start, window_end, limit)
    zone = _zone(spec.tz)
    window = _window(spec, zone, window_start, window_end)
    if window is None or limit == 0:
        return []
    source = _rule_occurrences(spec, zone)
    if deadline is not None:
        source = _within_deadline(source, deadline)
    return _collect(spec, zone, window, source, limit)


def _within_deadline(source: Iterator[datetime], deadline: float) -> Iterator[datetime]:
    clock = monotonic
    for count, moment in enumerate(source):
        if not count % _DEADLINE_STRIDE and clock() > deadline:
            raise ExpansionTimeout("expanding the rule took longer than its time budget")
        yield moment


def _check_window(window_start: datetime, window_end: datetime, limit: int | None) -> None:
    for name, moment in (("window_start", window_start), ("window_end", window_end)):
        if not isinstance(moment, datetime) or moment.utcoffset() is None:
            raise ValueError(f"{name} must be an aware datetime, got {moment!r}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must not be negative, got {limit}")


def _window(
    spec: RecurrenceSpec, zone: ZoneInfo, window_start: datetime, window_end: datetime
) -> _Window | None:
    start, start_day = _clamped_local(window_start, zone)
    end, end_day = _clamped_local(window_end, zone)
    if end <= start:
        return None
    first_day, last_day = start_day, end_day
    if spec.holidays == "next":
        first_day -= LONGEST_HOLIDAY_MOVE_DAYS
    if spec.bounds is not None:
        first_day = max(first_day, spec.bounds.start.toordinal())
        last_day = min(last_day, spec.bounds.end.toordinal())
    if last_day < first_day:
        return None
    return _Window(first_day, last_day, start, end, start_day, end_day)


def _clamped_local(moment: datetime, zone: ZoneInfo) -> tuple[datetime, int]:
    """The moment as a UTC instant (compared exactly, fold and all, with local times) and its
    local date ordinal."""
    try:
        return moment.astimezone(UTC), moment.astimezone(zone).toordinal()
    except OverflowError:  # datetime.min / datetime.max given as open ends
        return moment, moment.toordinal()


def _rule_occurrences(spec: RecurrenceSpec, zone: ZoneInfo) -> Iterator[datetime]:
    """Local wall-clock starts in order: the rule's and the RDATEs, or the start itself when
    there is no rule. Gap times are left for the caller to make real."""
    anchor = _local_wall_clock(spec.start, zone)
    extra = sorted({_to_local(moment, zone) for moment in spec.rdates})
    if spec.rule is None:
        return iter(sorted({_real_instant(anchor, zone), *extra}))
    rule = _dateutil_rule(spec.rule, anchor.replace(tzinfo=None, fold=0), zone.key)
    if rule is None:
        return iter(extra)
    if not extra:
        return iter(rule)
    return heapq.merge(rule, extra)


@dataclass
class _DayTables:
    """Per-date facts for a span of years, built on first use and extended when expansion
    runs past them: the local dates with a daylight-saving change and, when the holiday
    policy needs them, the public holidays."""

    zone_key: str
    needs_holidays: bool
    last_day: int = 0
    transitions: frozenset[int] = frozenset()
    holiday_days: frozenset[int] = frozenset()
    next_working_day: dict[int, int] = field(default_factory=dict)
    special_days: frozenset[int] = frozenset()

    def cover(self, day: int, last_wanted_day: int) -> None:
        first_year = date.fromordinal(day).year
        last_year = min(date.fromordinal(last_wanted_day).year, first_year + _TABLE_YEARS)
        last_year = min(last_year + 1, date.max.year - 1)  # room for holiday moves
        self.transitions = _transition_days(self.zone_key, first_year, last_year)
        if self.needs_holidays:
            calendar = holiday_calendar(first_year, last_year)
            self.holiday_days = calendar.days
            self.next_working_day = calendar.next_working_day
        self.special_days = _special_days(self.transitions, self.holiday_days)
        self.last_day = date(last_year, 12, 31).toordinal() - LONGEST_HOLIDAY_MOVE_DAYS - 1


@lru_cache(maxsize=256)
def _special_days(transitions: frozenset[int], holiday_days: frozenset[int]) -> frozenset[int]:
    """Days that need a closer look: holidays, daylight-saving days, and the days before
    those (an occurrence starting there may end on one)."""
    return frozenset(holiday_days | transitions | {day - 1 for day in transitions})


@dataclass(frozen=True)
class _DayFilter:
    """Pauses and the timeframe as date ordinals, for cheap tests in the hot loop."""

    pause_firsts: list[int]
    pause_lasts: list[int]
    bounds_first: int
    bounds_last: int

    @classmethod
    def of(cls, spec: RecurrenceSpec) -> _DayFilter:
        firsts: list[int] = []
        lasts: list[int] = []
        for pause in sorted(spec.pauses, key=lambda pause: pause.start):
            first, last = pause.start.toordinal(), pause.end.toordinal()
            if lasts and first <= lasts[-1] + 1:
                lasts[-1] = max(lasts[-1], last)
            else:
                firsts.append(first)
                lasts.append(last)
        if spec.bounds is None:
            return cls(firsts, lasts, 1, date.max.toordinal())
        return cls(firsts, lasts, spec.bounds.start.toordinal(), spec.bounds.end.toordinal())

    def is_paused(self, day: int) -> bool:
        index = bisect_right(self.pause_firsts, day)
        return index > 0 and day <= self.pause_lasts[index - 1]

    def allows(self, day: int) -> bool:
        return self.bounds_first <= day <= self.bounds_last and not self.is_paused(day)


def _exdate_instants(spec: RecurrenceSpec, zone: ZoneInfo) -> dict[int, set[datetime]]:
    """EXDATEs by local date ordinal, as UTC instants: matched by instant, so an EXDATE
    written in another zone, or naive, still removes the occurrence it names."""
    by_day: dict[int, set[datetime]] = {}
    for moment in spec.exdates:
        local = _to_local(moment, zone)
        by_day.setdefault(local.toordinal(), set()).add(local.astimezone(UTC))
    return by_day


def _moved_to_next_working_day(
    raw: datetime, day: int, tables: _DayTables, zone: ZoneInfo
) -> tuple[datetime, int]:
    """The rule's wall-clock time on the next working day, made real."""
    new_day = tables.next_working_day[day]
    start = raw + timedelta(days=new_day - raw.toordinal())
    if new_day in tables.transitions:
        start = _real_instant(start, zone)
    return start, start.toordinal()


def _collect(
    spec: RecurrenceSpec,
    zone: ZoneInfo,
    window: _Window,
    source: Iterator[datetime],
    limit: int | None,
) -> list[Occurrence]:
    """Filter the rule's occurrences into the window.

    This loop is the cost of expansion on top of dateutil, so it is written for speed: on an
    ordinary day an occurrence costs a few integer comparisons and one set lookup on its
    local date ordinal; holidays, daylight-saving days and the window's first and last dates
    take the slower, exact paths.
    """
    policy = spec.holidays
    duration = spec.duration
    long_duration = duration >= timedelta(days=1)
    tables = _DayTables(zone.key, needs_holidays=policy != "keep")
    days = _DayFilter.of(spec)
    pause_firsts, pause_lasts = days.pause_firsts, days.pause_lasts
    pause_index, next_pause_first = 0, pause_firsts[0] if pause_firsts else _NEVER
    exdates = _exdate_instants(spec, zone)
    may_repeat = bool(spec.rdates)
    check_instants = may_repeat or bool(exdates)
    first_day, last_day = window.first_day, window.last_day
    start_day, end_day = window.start_day, window.end_day
    window_start, window_end = window.start, window.end
    transitions = holiday_days = special_days = frozenset()
    stop_day = 0  # the last day both the window and the day tables cover
    watch_limit = limit is not None
    cutoff: datetime | None = None
    moved_any = False  # a holiday move or a DST-gap shift can put occurrences out of order
    previous = None
    found: list[Occurrence] = []
    for raw in source:
        day = raw.toordinal()
        if day < first_day:
            continue
        if day > stop_day:
            if day > last_day:
                break
            tables.cover(day, last_day)
            transitions, holiday_days = tables.transitions, tables.holiday_days
            special_days, stop_day = tables.special_days, min(last_day, tables.last_day)
        if day >= next_pause_first:  # rule days only grow: walk along the pauses
            while pause_index < len(pause_lasts) and pause_lasts[pause_index] < day:
                pause_index += 1
            if pause_index == len(pause_firsts):
                next_pause_first = _NEVER
            else:
                next_pause_first = pause_firsts[pause_index]
                if day >= next_pause_first:
                    continue
        original = start = raw
        if day in special_days:
            if day in transitions:
                original = start = _real_instant(raw, zone)
                day = original.toordinal()
                moved_any = moved_any or original != raw
            if day in holiday_days:
                if policy == "skip":
                    continue
                start, day = _moved_to_next_working_day(raw, day, tables, zone)
                if not days.allows(day):
                    continue
                moved_any = True
            end = start + duration
            if end.toordinal() in transitions:
                end = _real_instant(end, zone)
        else:
            end = start + duration
            if long_duration and end.toordinal() in transitions:
                end = _real_instant(end, zone)
        if check_instants:
            if may_repeat:  # an RDATE can repeat a rule occurrence
                if original == previous:
                    continue
                previous = original
            if exdates and original.astimezone(UTC) in exdates.get(original.toordinal(), ()):
                continue
        if not start_day < day < end_day:
            if day < start_day or day == start_day and start < window_start:
                continue
            if day > end_day or day == end_day and start >= window_end:
                continue
        found.append(_occurrence(original, start, end))
        if watch_limit:
            if cutoff is not None:
                if original > cutoff:
                    break
            elif len(found) >= limit:
                if not moved_any:
                    break
                cutoff = _limit_cutoff(found, limit)
    if moved_any:
        found = _without_collisions(found)
    return found if limit is None else found[:limit]


def _fast_constructor(cls: type) -> Callable[[datetime, datetime, datetime], Occurrence]:
    """Build frozen, slotted Occurrences without the dataclass __init__'s object.__setattr__
    calls, which are a third of the engine's own cost per occurrence."""
    make = cls.__new__
    set_original = cls.original_start.__set__
    set_start = cls.start.__set__
    set_end = cls.end.__set__

    def construct(original_start: datetime, start: datetime, end: datetime) -> Occurrence:
        occurrence = make(cls)
        set_original(occurrence, original_start)
        set_start(occurrence, start)
        set_end(occurrence, end)
        return occurrence

    return construct


_occurrence = _fast_constructor(Occurrence)


def _limit_cutoff(found: list[Occurrence], limit: int) -> datetime | None:
    """Once ``limit`` distinct starts are found, no occurrence whose original start is later
    than the latest of them can be among the first ``limit``: a move only goes forward."""
    starts = sorted({occurrence.start for occurrence in found})
    return starts[limit - 1] if len(starts) >= limit else None


def _without_collisions(found: list[Occurrence]) -> list[Occurrence]:
    """Sorted by start, one occurrence per start: the unmoved one, else the earliest moved."""
    ranked = sorted(found, key=_collision_rank)
    kept = [ranked[0]] if ranked else []
    for occurrence in ranked[1:]:
        if occurrence.start != kept[-1].start:
            kept.append(occurrence)
    return kept


def _collision_rank(occurrence: Occurrence) -> tuple[datetime, bool, datetime]:
    moved = occurrence.start != occurrence.original_start
    return occurrence.start, moved, occurrence.original_start
