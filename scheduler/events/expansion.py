"""Materialise a series' occurrences as event rows, diffing by original start.

The rules of the diff:
- an occurrence the rule produces and no row holds yet → a new planned row;
- a row the rule still produces → kept; its start follows the rule (e.g. a holiday
  move) unless a person overrode it; one the rule had withdrawn is planned again;
- a row the rule no longer produces → kept and marked out of rule; if it is still
  plain (no override, no outcome) it is cancelled, so subscribers drop it. Rows are
  never deleted, so attendance, "held" and reminders are never lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value

from ..core.time import local_midnight, parse_local_datetime, to_utc, utcnow, zone
from ..extensions import db
from ..recurrence import DateRange, Occurrence, RecurrenceSpec, RuleBudget, RuleLimits
from . import signals
from .models import SERIES_TEXTS, Event, EventStatus, Series
from .uids import keep_uid


@dataclass
class ExpansionReport:
    created: int = 0
    moved: int = 0
    withdrawn: int = 0
    restored: int = 0
    kept: int = 0
    unchanged: int = 0

    def __iadd__(self, other: ExpansionReport) -> ExpansionReport:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))
        return self


def spec_for(series: Series) -> RecurrenceSpec:
    tz = series.timezone
    start = parse_local_datetime(f"{series.start_date.isoformat()}T{series.start_time:%H:%M}", tz)
    bounds = None
    if series.bound_start or series.bound_end:
        bounds = DateRange(series.bound_start or date.min, series.bound_end or date.max)
    return RecurrenceSpec(
        start=start,
        duration=timedelta(minutes=series.duration_minutes),
        rule=series.rule or None,
        rdates=tuple(parse_local_datetime(text, tz) for text in series.rdates or ()),
        exdates=tuple(parse_local_datetime(text, tz) for text in series.exdates or ()),
        pauses=tuple(DateRange.parse(text) for text in series.pauses or ()),
        holidays=series.holiday_policy,
        bounds=bounds,
        tz=tz,
    )


def rule_limits(**changes) -> RuleLimits:
    """The limits every rule meets (config.py RULES_*); ``changes`` for a caller with its
    own deadline or total per save (a plan load, an import)."""
    config = current_app.config
    values = {
        "refused_frequencies": tuple(config["RULES_REFUSED_FREQUENCIES"]),
        "max_per_series": int(config["RULES_MAX_OCCURRENCES_PER_SERIES"]),
        "max_per_save": int(config["RULES_MAX_OCCURRENCES_PER_SAVE"]),
        "seconds": float(config["RULES_DEADLINE_SECONDS"]),
    }
    return RuleLimits(**(values | changes))


def rule_budget(**changes) -> RuleBudget:
    """A new save's budget under the configured limits."""
    return RuleBudget(rule_limits(**changes))


def expansion_window(series: Series, horizon_end: datetime) -> tuple[datetime, datetime]:
    start = local_midnight(series.start_date, series.timezone)
    end = horizon_end
    if series.bound_end is not None:
        end = min(end, local_midnight(series.bound_end + timedelta(days=1), series.timezone))
    return start, end


def default_horizon(months: int = 24, now: datetime | None = None) -> datetime:
    return (now or utcnow()) + relativedelta(months=months)


class CreationBatch:
    """New rows of several expansions, written by one flush, then announced one by one.

    Hand one to ``expand_series`` for each of many series (an import): the rows are
    inserted together instead of one flush per series, and the receivers of
    ``occurrence_scheduled`` still get every row with its id, in the same transaction."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def announce(self) -> list[Event]:
        """Flush the collected rows and send their signals; returns them."""
        events, self.events = self.events, []
        db.session.add_all(events)
        db.session.flush()
        for event in events:
            signals.occurrence_scheduled.send(event)
        return events


def expand_series(
    series: Series,
    horizon_end: datetime,
    budget: RuleBudget | None = None,
    *,
    existing: Iterable[Event] | None = None,
    batch: CreationBatch | None = None,
) -> ExpansionReport:
    """The rule is expanded within ``budget``, the save's share of the limits (a new one
    under the configured limits if none is given): a rule refused by one of them raises
    recurrence.RuleRefused and nothing of this series is changed.

    ``existing``: all of the series' rows, already loaded (by a caller expanding many
    series), instead of a query per series. ``batch``: collect the new rows there for one
    flush and their signals later (``CreationBatch.announce``), instead of flushing now."""
    window_start, window_end = expansion_window(series, horizon_end)
    report = ExpansionReport()
    if window_end <= window_start:
        return report
    wanted_utc = {
        to_utc(occurrence.original_start): occurrence
        for occurrence in (budget or rule_budget()).expand(
            spec_for(series), window_start, window_end
        )
    }
    if existing is None:
        existing = Event.query.filter(
            Event.series_id == series.id,
            Event.original_start >= window_start,
            Event.original_start < window_end,
        )
    existing = {
        event.original_start: event
        for event in existing
        if window_start <= event.original_start < window_end
    }
    now = utcnow()
    for key, event in _pair_retimed(wanted_utc, existing, series.timezone).items():
        # The series' time of day changed: same occurrence, new key, the same UID for life.
        keep_uid(event)
        del existing[event.original_start]
        event.original_start = key
        existing[key] = event
    created = []
    for key, occurrence in wanted_utc.items():
        event = existing.get(key)
        if event is None:
            created.append(_new_event(series, occurrence, now))
        else:
            _refresh(event, occurrence, now, report)
    for key, event in existing.items():
        if key not in wanted_utc:
            _withdraw(event, now, report)
    if batch is None:
        _announce_created(created, report)
    else:
        batch.events.extend(created)
        report.created += len(created)
    return report


def _announce_created(created: list[Event], report: ExpansionReport) -> None:
    # One flush for the whole batch: receivers get rows with ids, in the same transaction.
    db.session.add_all(created)
    db.session.flush()
    for event in created:
        signals.occurrence_scheduled.send(event)
    report.created += len(created)


#: series fields that every occurrence shows in a calendar (SUMMARY, DESCRIPTION, LOCATION,
#: URL, CATEGORIES, CLASS): a change to one is a change of each occurrence
SHOWN_FIELDS = frozenset(
    {
        *SERIES_TEXTS,
        "location",
        "online_url",
        "event_type",
        "is_public",
        "languages",
    }
)


def raise_sequences(series: Series, fields: set[str], **_ignored) -> None:
    """A series-wide change a calendar shows raises each occurrence's SEQUENCE, so clients
    that keep one VEVENT per occurrence take the new version (series_changed receiver)."""
    if not fields & SHOWN_FIELDS:
        return
    now = utcnow()
    for event in series.events:
        event.sequence += 1
        event.updated_at = now


def withdraw_series(series: Series) -> ExpansionReport:
    """The series left the plan: cancel its plain occurrences, keep every recorded one."""
    report = ExpansionReport()
    now = utcnow()
    for event in series.events:
        _withdraw(event, now, report)
    return report


def withdraw_events(events: Iterable[Event]) -> ExpansionReport:
    """Some rows left their series' rule (a split, a withdrawal from a date on): cancel the
    plain ones, keep every recorded or hand-changed one."""
    report = ExpansionReport()
    now = utcnow()
    for event in events:
        _withdraw(event, now, report)
    return report


def _pair_retimed(
    wanted: dict[datetime, Occurrence], existing: dict[datetime, Event], tz: str
) -> dict[datetime, Event]:
    """Pair new occurrences with old rows of the same local day when only the time changed."""
    local = zone(tz)
    orphans: dict[date, list[Event]] = {}
    for key, event in existing.items():
        if key not in wanted:
            orphans.setdefault(key.astimezone(local).date(), []).append(event)
    pairs = {}
    for key in wanted:
        if key in existing:
            continue
        candidates = orphans.get(key.astimezone(local).date(), [])
        if len(candidates) == 1:
            pairs[key] = candidates.pop()
    return pairs


def _new_event(series: Series, occurrence: Occurrence, now: datetime) -> Event:
    event = Event(
        series=series,
        original_start=to_utc(occurrence.original_start),
        start=to_utc(occurrence.start),
        end=to_utc(occurrence.end),
        status=EventStatus.PLANNED,
        created_at=now,
        updated_at=now,
    )
    # A new row has no participants: known, so has_outcome needs no query after the flush.
    set_committed_value(event, "participants", [])
    return event


def _refresh(event: Event, occurrence: Occurrence, now: datetime, report: ExpansionReport) -> None:
    if not event.in_rule:
        event.in_rule = True
        if event.status == EventStatus.CANCELLED and not event.is_overridden:
            event.status = EventStatus.PLANNED
            event.sequence += 1
            event.updated_at = now
            report.restored += 1
            signals.occurrence_restored.send(event)
    if event.is_overridden or event.has_outcome:
        report.unchanged += 1
        return
    new_start, new_end = to_utc(occurrence.start), to_utc(occurrence.end)
    if (event.start, event.end) == (new_start, new_end):
        report.unchanged += 1
        return
    previous_start, previous_end = event.start, event.end
    event.start, event.end = new_start, new_end
    event.sequence += 1
    event.updated_at = now
    report.moved += 1
    signals.occurrence_moved.send(event, previous_start=previous_start, previous_end=previous_end)


def _withdraw(event: Event, now: datetime, report: ExpansionReport) -> None:
    if not event.in_rule:
        report.kept += 1
        return
    event.in_rule = False
    if event.is_overridden or event.has_outcome or event.status == EventStatus.CANCELLED:
        report.kept += 1
        return
    event.status = EventStatus.CANCELLED
    event.sequence += 1
    event.updated_at = now
    report.withdrawn += 1
    signals.occurrence_cancelled.send(event, reason="rule")
