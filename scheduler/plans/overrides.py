"""A plan file's ``overrides``: occurrences moved, cancelled or edited by hand.

Applied after a series is expanded, through the same service functions as the web and
``flask events move / cancel / restore / edit`` (reminders re-timed, organisers told). An
occurrence the file does not name keeps whatever was done to it on the web.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from ..core.time import parse_local_datetime, to_utc, utcnow
from ..events import signals
from ..events.models import Event, EventStatus, Series
from ..events.service import (
    OccurrenceError,
    cancel_occurrence,
    edit_occurrence,
    move_occurrence,
    restore_occurrence,
)
from ..extensions import db
from .export import override_of
from .schema import OverrideEntry, PlanError, SeriesEntry


def local_instant(value: datetime, tz: str) -> datetime:
    return to_utc(parse_local_datetime(value.replace(tzinfo=None).isoformat(), tz))


def file_override(entry: OverrideEntry) -> dict:
    """The entry in the form :func:`.export.override_of` gives, for comparison."""
    result: dict = {}
    if entry.start is not None:
        result["start"] = entry.start.isoformat(timespec="minutes")
        result["end"] = entry.end.isoformat(timespec="minutes")
    if entry.status == "cancelled":
        result["status"] = "cancelled"
    for name in ("reason", "title", "location", "description", "notes"):
        if getattr(entry, name):
            result[name] = getattr(entry, name)
    return result


def agrees(file_entry: dict, current: dict | None) -> bool:
    """Whether the occurrence is already as the file says (a file entry without times
    leaves the times alone)."""
    current = dict(current or {})
    if "start" not in file_entry:
        current.pop("start", None)
        current.pop("end", None)
    return file_entry == current


def apply_overrides(series: Series, entry: SeriesEntry, source: str, report) -> None:
    for original, override in sorted(entry.overrides.items()):
        event = _occurrence(series, local_instant(original, series.timezone), override)
        if agrees(file_override(override), override_of(event, series.timezone)):
            continue
        try:
            _apply(event, override, series.timezone)
        except OccurrenceError as error:
            raise PlanError(
                [f"{source}: series {series.key}: overrides {original:%Y-%m-%dT%H:%M}: {error}"]
            ) from None
        report.count("occurrences", created=False)


def _occurrence(series: Series, original_start: datetime, override: OverrideEntry) -> Event:
    """The row at ``original_start``; one the rule does not produce (kept by hand when the
    rule changed) is made again, out of rule."""
    event = db.session.scalar(
        select(Event).where(Event.series_id == series.id, Event.original_start == original_start)
    )
    if event is not None:
        return event
    start, end = original_start, original_start + timedelta(minutes=series.duration_minutes)
    if override.start is not None:
        start = local_instant(override.start, series.timezone)
        end = local_instant(override.end, series.timezone)
    now = utcnow()
    event = Event(
        series=series,
        original_start=original_start,
        start=start,
        end=end,
        status=EventStatus.PLANNED,
        in_rule=False,
        is_overridden=override.pins_time,
        created_at=now,
        updated_at=now,
    )
    set_committed_value(event, "participants", [])
    db.session.add(event)
    db.session.flush()
    signals.occurrence_scheduled.send(event)
    return event


def _apply(event: Event, override: OverrideEntry, tz: str) -> None:
    times = None
    if override.pins_time:
        times = (local_instant(override.start, tz), local_instant(override.end, tz))
    moves = times is not None and times != (event.start, event.end)
    if event.status == EventStatus.CANCELLED and (override.status != "cancelled" or moves):
        restore_occurrence(event)  # a cancelled occurrence is moved once planned again
    if times is not None:
        move_occurrence(event, *times)
        if not event.is_overridden:  # the file pins the rule's own time
            event.is_overridden = True
            event.sequence += 1
    edit_occurrence(
        event,
        title=override.title or "",
        location=override.location or "",
        description=override.description or "",
        notes=override.reason or override.notes or "",
    )
    if override.status == "cancelled" and not event.has_outcome:
        cancel_occurrence(event, override.reason)
