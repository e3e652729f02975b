"""What the series editor computes: rules from plain controls and back, the live preview and
the "this and following" split. Pure: no Flask, no database.

A rule the controls cannot express (BYSETPOS, BYMONTH lists, several month days…) is kept as
raw RRULE text, exactly as typed; a rule the controls can express is rewritten only when its
meaning changes (:func:`kept_rule_text`), so opening and saving a series never touches its rule.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..core.localized import content_languages
from ..recurrence import RecurrenceSpec, RuleError, describe, expand, parse_rule
from ..recurrence.engine import WEEKDAY_CODES, holiday_calendar

RULE_KINDS = ("once", "weekly", "monthly_day", "monthly_weekday", "yearly", "raw")
ORDINALS = (1, 2, 3, 4, -1)
#: without an end, the preview (and its clash check) looks this far past the start
PREVIEW_YEARS = 3
MAX_PREVIEW_OCCURRENCES = 2000


# --- rules from controls and back -----------------------------------------------------------


@dataclass(frozen=True)
class RuleControls:
    """The editor's plain controls: every N weeks on these days, monthly on day N or on the
    Nth weekday, yearly, specific dates only ("once"), or raw RRULE text."""

    kind: str = "weekly"
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    ordinal: int | None = None
    ordinal_weekday: int | None = None
    until: date | None = None
    count: int | None = None
    raw: str = ""


def rule_text(controls: RuleControls, start: date) -> str | None:
    """The RRULE the controls say (None: no rule, the start and specific dates only).
    Raw text is returned exactly as typed, apart from surrounding white space."""
    kind = controls.kind
    if kind == "raw":
        text = controls.raw.strip()
        if text:
            parse_rule(text)
        return text or None
    if kind == "once":
        return None
    if kind not in RULE_KINDS:
        raise RuleError(f"unknown kind of rule {kind!r}")
    parts = [f"FREQ={_FREQUENCY[kind]}"]
    if controls.interval and controls.interval > 1:
        parts.append(f"INTERVAL={controls.interval}")
    if kind == "weekly":
        days = sorted(set(controls.weekdays)) or [start.weekday()]
        parts.append("BYDAY=" + ",".join(WEEKDAY_CODES[day] for day in days))
    elif kind == "monthly_day":
        parts.append(f"BYMONTHDAY={controls.month_day or start.day}")
    elif kind == "monthly_weekday":
        ordinal = controls.ordinal or min((start.day - 1) // 7 + 1, 4)
        weekday = start.weekday() if controls.ordinal_weekday is None else controls.ordinal_weekday
        parts.append(f"BYDAY={ordinal}{WEEKDAY_CODES[weekday]}")
    if controls.count:
        parts.append(f"COUNT={controls.count}")
    elif controls.until:
        parts.append(f"UNTIL={controls.until:%Y%m%d}")
    text = ";".join(parts)
    parse_rule(text)
    return text


_FREQUENCY = {
    "weekly": "WEEKLY",
    "monthly_day": "MONTHLY",
    "monthly_weekday": "MONTHLY",
    "yearly": "YEARLY",
}


def controls_for(rule: str | None) -> RuleControls:
    """The controls showing ``rule``; kind "raw" (with the text as it is) when they cannot."""
    if not rule:
        return RuleControls(kind="once")
    raw = RuleControls(kind="raw", raw=rule)
    try:
        parsed = parse_rule(rule)
    except RuleError:
        return raw
    if (
        parsed.by_month
        or parsed.by_year_day
        or parsed.by_week_no
        or parsed.by_hour
        or parsed.by_minute
        or parsed.by_second
        or parsed.by_set_pos
        or parsed.week_start is not None
        or isinstance(parsed.until, datetime)
    ):
        return raw
    common = {"interval": parsed.interval, "count": parsed.count, "until": parsed.until}
    ordinals = [entry for entry in parsed.by_weekday if entry.ordinal is not None]
    plain = [entry.weekday for entry in parsed.by_weekday if entry.ordinal is None]
    if parsed.freq == "WEEKLY" and not parsed.by_month_day and not ordinals and plain:
        return RuleControls(kind="weekly", weekdays=tuple(sorted(plain)), **common)
    one_day = len(parsed.by_month_day) == 1 and parsed.by_month_day[0] > 0
    if parsed.freq == "MONTHLY" and one_day and not parsed.by_weekday:
        return RuleControls(kind="monthly_day", month_day=parsed.by_month_day[0], **common)
    if parsed.freq == "MONTHLY" and not parsed.by_month_day and len(ordinals) == 1 and not plain:
        entry = ordinals[0]
        if entry.ordinal in ORDINALS:
            return RuleControls(
                kind="monthly_weekday",
                ordinal=entry.ordinal,
                ordinal_weekday=entry.weekday,
                **common,
            )
    if parsed.freq == "YEARLY" and not parsed.by_weekday and not parsed.by_month_day:
        return RuleControls(kind="yearly", **common)
    return raw


def kept_rule_text(previous: str | None, new: str | None) -> str | None:
    """``previous`` when ``new`` means the same rule (the stored text is never rewritten
    just because the controls spell it differently), else ``new``."""
    if not previous or not new or previous == new:
        return new
    try:
        return previous if parse_rule(previous) == parse_rule(new) else new
    except RuleError:
        return new


# --- the preview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Booking:
    """An occurrence already in the calendar, with what a clash is judged by."""

    start: datetime  # UTC
    end: datetime
    title: str
    organisation: str
    location: str | None = None
    organisers: tuple[str, ...] = ()
    event_id: int | None = None


@dataclass(frozen=True)
class Clash:
    start: datetime  # the new occurrence's start (local)
    booking: Booking
    same_place: bool
    same_organisers: tuple[str, ...]


@dataclass(frozen=True)
class PlanPeriod:
    year: int
    start: date
    end: date


@dataclass(frozen=True)
class TimelineItem:
    """One line of the preview: an occurrence (``moved_from``: a holiday it was moved off),
    a public holiday it skips, or a paused month (``day`` is the month's first)."""

    kind: str  # "occurrence" | "holiday" | "pause" | "excluded"
    day: date
    start: datetime | None = None
    moved_from: date | None = None


@dataclass(frozen=True)
class Preview:
    timeline: tuple[TimelineItem, ...]
    counts: tuple[tuple[int, int], ...]  # (plan year, occurrences)
    total: int
    skipped_holidays: tuple[date, ...]
    paused_months: tuple[tuple[date, int], ...]  # (first of month, occurrences left out)
    descriptions: dict[str, str]
    clashes: tuple[Clash, ...]
    window_end: date
    error: str | None = None
    truncated: bool = False


@dataclass(frozen=True)
class PreviewRequest:
    spec: RecurrenceSpec
    today: date
    plan_periods: Sequence[PlanPeriod] = ()
    location: str | None = None
    organisers: Sequence[str] = ()
    shown: int = 10
    #: a time.monotonic() value for the whole preview (the web passes now +
    #: SERIES_PREVIEW_DEADLINE_SECONDS); None: no deadline
    deadline: float | None = None


def preview_window(spec: RecurrenceSpec) -> tuple[datetime, datetime]:
    """[start, end) the preview expands: from the series' first day to its end (its bounds
    or its rule's UNTIL), at most PREVIEW_YEARS after the start."""
    zone = ZoneInfo(spec.tz)
    first = datetime.combine(spec.start.astimezone(zone).date(), time(0), tzinfo=zone)
    last_day = first.date().replace(year=first.year + PREVIEW_YEARS)
    if spec.bounds is not None:
        first = max(first, datetime.combine(spec.bounds.start, time(0), tzinfo=zone))
        last_day = min(last_day, spec.bounds.end + timedelta(days=1))
    if spec.rule:
        until = parse_rule(spec.rule).until
        if until is not None:
            until_day = until.date() if isinstance(until, datetime) else until
            last_day = min(last_day, until_day + timedelta(days=1))
    last = datetime.combine(max(last_day, first.date()), time(0), tzinfo=zone)
    return first, last


def occurrences_for(spec: RecurrenceSpec, deadline: float | None = None) -> tuple[list, bool]:
    """The occurrences the preview shows, and whether it stopped at its cap."""
    start, end = preview_window(spec)
    found = expand(
        spec,
        start,
        end,
        limit=MAX_PREVIEW_OCCURRENCES + 1,
        deadline=deadline,
    )
    return found[:MAX_PREVIEW_OCCURRENCES], len(found) > MAX_PREVIEW_OCCURRENCES


def build_preview(request: PreviewRequest, bookings: Sequence[Booking]) -> Preview:
    """Everything the editor shows beside the form, for a series definition."""
    spec = request.spec
    zone = ZoneInfo(spec.tz)
    found, truncated = occurrences_for(spec, request.deadline)
    skipped = _skipped(spec, found, zone, request.deadline)
    holidays = tuple(sorted(day for day, kind in skipped if kind == "holiday"))
    paused = _paused_months([day for day, kind in skipped if kind == "pause"])
    occurrences = [
        TimelineItem(
            "occurrence",
            occurrence.start.astimezone(zone).date(),
            start=occurrence.start.astimezone(zone),
            moved_from=(
                occurrence.original_start.astimezone(zone).date()
                if occurrence.start != occurrence.original_start
                else None
            ),
        )
        for occurrence in found
    ]
    marks = [TimelineItem("holiday", day) for day in holidays]
    marks += [TimelineItem("pause", month) for month, _count in paused]
    marks += [TimelineItem("excluded", day) for day, kind in skipped if kind == "excluded"]
    window_end = preview_window(spec)[1].date() - timedelta(days=1)
    return Preview(
        timeline=_timeline(occurrences, marks, request.today, request.shown),
        counts=counts_per_year(
            [item.start.date() for item in occurrences if item.start], request.plan_periods
        ),
        total=len(found),
        skipped_holidays=holidays,
        paused_months=paused,
        descriptions={locale: describe(spec, locale) for locale in content_languages()},
        clashes=find_clashes(found, bookings, request.location, request.organisers, zone),
        window_end=window_end,
        truncated=truncated,
    )


def _skipped(
    spec: RecurrenceSpec, found: list, zone: ZoneInfo, deadline: float | None
) -> list[tuple[date, str]]:
    """Local dates the rule produced but the series leaves out, and why: a public holiday,
    a pause, or an EXDATE / the timeframe ("excluded")."""
    bare = replace(spec, pauses=(), holidays="keep", exdates=())
    produced, _ = occurrences_for(bare, deadline)
    kept = {occurrence.original_start for occurrence in found}
    missing = [o.original_start.astimezone(zone).date() for o in produced]
    missing = [
        day for day, o in zip(missing, produced, strict=True) if o.original_start not in kept
    ]
    if not missing:
        return []
    calendar = holiday_calendar(missing[0].year, missing[-1].year)
    result = []
    for day in missing:
        if any(day in pause for pause in spec.pauses):
            result.append((day, "pause"))
        elif spec.holidays != "keep" and day.toordinal() in calendar.days:
            result.append((day, "holiday"))
        else:
            result.append((day, "excluded"))
    return result


def _paused_months(days: list[date]) -> tuple[tuple[date, int], ...]:
    months: dict[date, int] = {}
    for day in days:
        month = day.replace(day=1)
        months[month] = months.get(month, 0) + 1
    return tuple(sorted(months.items()))


def _timeline(
    occurrences: list[TimelineItem], marks: list[TimelineItem], today: date, shown: int
) -> tuple[TimelineItem, ...]:
    """From today (or the series' start, if later; or its last ones, if it is over), the next
    ``shown`` occurrences with the holidays, pauses and exclusions among them."""
    upcoming = [item for item in occurrences if item.day >= today]
    if not upcoming:
        upcoming = occurrences[-shown:]
    upcoming = upcoming[:shown]
    if not upcoming:
        return tuple(sorted(marks, key=lambda item: item.day)[:shown])
    first, last = upcoming[0].day, upcoming[-1].day
    between = [item for item in marks if first <= item.day <= last]
    return tuple(sorted(upcoming + between, key=lambda item: (item.day, item.kind != "pause")))


def counts_per_year(
    days: Sequence[date], periods: Sequence[PlanPeriod]
) -> tuple[tuple[int, int], ...]:
    """Occurrences in each plan year (its period when a plan for the year exists, else the
    calendar year), for every year the occurrences touch."""
    by_year = {period.year: period for period in periods}
    counts: dict[int, int] = {}
    for day in days:
        period = by_year.get(day.year)
        if period is not None and not period.start <= day <= period.end:
            continue
        counts[day.year] = counts.get(day.year, 0) + 1
    return tuple(sorted(counts.items()))


def normalised_place(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def find_clashes(
    occurrences: Sequence,
    bookings: Sequence[Booking],
    location: str | None,
    organisers: Sequence[str],
    zone: ZoneInfo,
) -> tuple[Clash, ...]:
    """Occurrences overlapping a booking at the same place or with a shared organiser."""
    place = normalised_place(location)
    people = {email.strip().lower() for email in organisers if email.strip()}
    relevant = [
        booking
        for booking in bookings
        if (place and normalised_place(booking.location) == place)
        or people & {email.lower() for email in booking.organisers}
    ]
    if not relevant:
        return ()
    relevant.sort(key=lambda booking: booking.start)
    starts = [booking.start for booking in relevant]
    longest = max(booking.end - booking.start for booking in relevant)
    clashes = []
    for occurrence in occurrences:
        start, end = occurrence.start.astimezone(UTC), occurrence.end.astimezone(UTC)
        index = bisect_left(starts, end) - 1
        while index >= 0 and relevant[index].start > start - longest - timedelta(seconds=1):
            booking = relevant[index]
            if booking.end > start:
                shared = tuple(sorted(people & {email.lower() for email in booking.organisers}))
                same_place = bool(place) and normalised_place(booking.location) == place
                if same_place or shared:
                    clashes.append(
                        Clash(occurrence.start.astimezone(zone), booking, same_place, shared)
                    )
            index -= 1
    return tuple(sorted(clashes, key=lambda clash: (clash.start, clash.booking.start)))


# --- "this and following" -----------------------------------------------------------------


@dataclass(frozen=True)
class SplitRules:
    """The old series' rule, ending before the split, and the new series' rule from it."""

    old_rule: str | None
    new_rule: str | None


def split_rules(old: RecurrenceSpec, new_rule: str | None, split_at: datetime) -> SplitRules:
    """RFC 5545 "this and following": the old rule gets an UNTIL just before ``split_at``
    (COUNT, which would count past it, is replaced); a new rule with the old COUNT unchanged
    keeps counting where the old one stopped, so the two together give what one did."""
    if not old.rule:
        return SplitRules(None, new_rule)
    parsed_old = parse_rule(old.rule)
    last = split_at - timedelta(seconds=1)
    old_text = replace(parsed_old, count=None, until=None).to_text(until=last.astimezone(UTC))
    if parsed_old.count is None:
        return SplitRules(old_text, new_rule)
    bare = RecurrenceSpec(start=old.start, duration=old.duration, rule=old.rule, tz=old.tz)
    used = len(expand(bare, old.start - timedelta(days=1), split_at))
    remaining = parsed_old.count - used
    same_count = bool(new_rule) and parse_rule(new_rule).count == parsed_old.count
    if remaining <= 0:  # the rule ended before the split: it stays as it is
        return SplitRules(old.rule, None if same_count else new_rule)
    if not same_count:
        return SplitRules(old_text, new_rule)
    return SplitRules(old_text, replace(parse_rule(new_rule), count=remaining).to_text())


def split_dates(texts: Sequence[str], split_day: date) -> tuple[list[str], list[str]]:
    """Local ISO datetimes (RDATE/EXDATE texts) before ``split_day`` and from it on."""
    before = [text for text in texts if date.fromisoformat(text[:10]) < split_day]
    after = [text for text in texts if date.fromisoformat(text[:10]) >= split_day]
    return before, after


def exdates_on_days(spec: RecurrenceSpec, days: Sequence[date]) -> list[str]:
    """EXDATE texts (local, to the minute) for what ``spec`` would produce on ``days``: the
    new series of a split leaves out the dates the old one keeps a moved occurrence for."""
    if not days:
        return []
    zone = ZoneInfo(spec.tz)
    wanted = set(days)
    first = datetime.combine(min(wanted), time(0), tzinfo=zone)
    last = datetime.combine(max(wanted) + timedelta(days=1), time(0), tzinfo=zone)
    found = expand(replace(spec, exdates=()), first, last)
    return sorted(
        f"{o.original_start.astimezone(zone):%Y-%m-%dT%H:%M}"
        for o in found
        if o.original_start.astimezone(zone).date() in wanted
    )
