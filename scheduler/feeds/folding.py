"""``?mode=series``: fold a series' occurrences back into an RRULE master, EXDATEs and
RECURRENCE-ID overrides — only where the rule is one Outlook maps. Pure: no Flask, no database.

Outlook skips a whole event whose RRULE does not fit its recurrence templates (a weekly rule
with BYMONTH, BYSETPOS lists, BYYEARDAY…) and shows nothing for RDATE-only events, so those
series are published as one VEVENT per occurrence instead. Whatever the form, a parser
expanding the feed must get exactly the occurrences the rows hold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ..recurrence import RecurrenceSpec, RuleError, expand, parse_rule
from .ical import FeedEvent

MIN_MASTER_OCCURRENCES = 2


@dataclass(frozen=True)
class SeriesForFeed:
    """What the master of one series needs, plus its occurrences in the feed (occurrence form)."""

    uid: str
    rule: str | None
    anchor: datetime  # the series' first start (local, aware): the rule's DTSTART
    duration: timedelta
    tz: str
    master: FeedEvent  # summary, description… of a plain occurrence; start/end are ignored
    occurrences: tuple[tuple[datetime, FeedEvent], ...]  # (original start UTC, its VEVENT)


def outlook_accepts(rule: str) -> bool:
    """Whether Outlook maps this RRULE onto one of its recurrence patterns."""
    try:
        parsed = parse_rule(rule)
    except RuleError:
        return False
    if parsed.by_year_day or parsed.by_week_no or parsed.by_hour or parsed.by_minute:
        return False
    if parsed.by_second:
        return False
    ordinals = [entry.ordinal for entry in parsed.by_weekday if entry.ordinal is not None]
    if parsed.freq == "DAILY":
        return not (
            parsed.by_month or parsed.by_month_day or parsed.by_weekday or parsed.by_set_pos
        )
    if parsed.freq == "WEEKLY":
        return not (parsed.by_month or parsed.by_month_day or parsed.by_set_pos or ordinals)
    if parsed.freq == "MONTHLY":
        return not parsed.by_month and _one_day_of_month(parsed, ordinals)
    if parsed.freq == "YEARLY":
        return len(parsed.by_month) <= 1 and _one_day_of_month(parsed, ordinals)
    return False


def _one_day_of_month(parsed, ordinals: list[int]) -> bool:
    if parsed.by_month_day:
        return len(parsed.by_month_day) == 1 and not parsed.by_weekday and not parsed.by_set_pos
    if not parsed.by_weekday:
        return not parsed.by_set_pos
    if ordinals:
        return (
            len(parsed.by_weekday) == 1
            and not parsed.by_set_pos
            and ordinals[0] in (1, 2, 3, 4, -1)
        )
    return len(parsed.by_set_pos) == 1 and parsed.by_set_pos[0] in (1, 2, 3, 4, -1)


def fold_series(series: SeriesForFeed) -> list[FeedEvent]:
    """The VEVENTs for one series in series mode: a master with overrides and EXDATEs, plus
    standalone VEVENTs for occurrences the rule does not produce; or, when the rule does not
    suit, the occurrences as they are."""
    as_occurrences = [event for _, event in series.occurrences]
    if not series.rule or not outlook_accepts(series.rule):
        return as_occurrences
    by_original = {original: event for original, event in series.occurrences}
    instants = rule_instants(series, min(by_original), max(by_original))
    covered = [instant for instant in instants if instant in by_original]
    if len(covered) < MIN_MASTER_OCCURRENCES:
        return as_occurrences
    first, last = covered[0], covered[-1]
    in_span = [instant for instant in instants if first <= instant <= last]
    master_events, overrides, exdates = [], [], []
    for instant in in_span:
        event = by_original.get(instant)
        if event is None:
            exdates.append(instant)
        elif _matches_master(event, instant, series):
            master_events.append(event)
        else:
            overrides.append(_as_override(event, instant, series.uid))
    leftovers = [event for original, event in series.occurrences if original not in set(in_span)]
    modified = max([series.master.modified, *(event.modified for event in master_events)])
    master = replace(
        series.master,
        uid=series.uid,
        start=first,
        end=first + series.duration,
        rule=_bounded_rule(series.rule, last),
        exdates=tuple(exdates),
        modified=modified,
        recurrence_id=None,
        cancelled=False,
    )
    return [master, *overrides, *leftovers]


def rule_instants(series: SeriesForFeed, first: datetime, last: datetime) -> list[datetime]:
    """Original starts (UTC) the bare rule produces in [first, last]."""
    spec = RecurrenceSpec(
        start=series.anchor, duration=series.duration, rule=series.rule, tz=series.tz
    )
    try:
        found = expand(spec, first, last + timedelta(seconds=1))
    except RuleError:
        return []
    return [occurrence.original_start.astimezone(UTC) for occurrence in found]


def _matches_master(event: FeedEvent, instant: datetime, series: SeriesForFeed) -> bool:
    """Whether the master's rule already says all a client shows of ``event`` (its URL, the
    page of that one date, is not a difference worth an override)."""
    master = series.master
    return (
        not event.cancelled
        and event.start == instant
        and event.end == _master_end(instant, series)
        and (event.summary, event.description, event.location)
        == (master.summary, master.description, master.location)
        and event.categories == master.categories
    )


def _master_end(instant: datetime, series: SeriesForFeed) -> datetime:
    """The end a plain occurrence has: the duration added to the local wall-clock start."""
    local = instant.astimezone(ZoneInfo(series.tz))
    return (local + series.duration).astimezone(UTC)


def _as_override(event: FeedEvent, instant: datetime, uid: str) -> FeedEvent:
    return replace(event, uid=uid, recurrence_id=instant)


def _bounded_rule(rule: str, last: datetime) -> str:
    """The rule ending at the last published instance: COUNT dropped (it counts from the
    series' first start), UNTIL in UTC as RFC 5545 demands when DTSTART has a TZID."""
    return replace(parse_rule(rule), count=None, until=None).to_text(until=last.astimezone(UTC))
