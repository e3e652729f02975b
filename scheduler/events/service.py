"""Changes to single occurrences: move, cancel, edit, record the outcome.

Each function changes the session and announces the change; the caller commits.
Errors are ``OccurrenceError`` with a message meant for the person who asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from ..core.time import require_aware, utcnow
from ..extensions import db
from ..organisations.models import Organisation
from . import signals
from .models import Event, EventStatus


class OccurrenceError(ValueError):
    """A change to an occurrence that cannot be made; the message says why."""


def get_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise OccurrenceError(f"no event with id {event_id}")
    return event


def ensure_editable_by_people(event: Event) -> None:
    """Imported events change at their source; here only their type and outcome are set."""
    from ..calendars.models import is_imported

    if is_imported(event.series):
        raise OccurrenceError(
            "this event comes from an imported calendar: change it at its source "
            "(only its outcome can be recorded here)"
        )


def move_occurrence(event: Event, start: datetime, end: datetime | None = None) -> Event:
    require_aware(start)
    end = end or start + (event.end - event.start)
    require_aware(end)
    if end <= start:
        raise OccurrenceError("the end must be after the start")
    if event.status == EventStatus.CANCELLED:
        raise OccurrenceError("a cancelled event cannot be moved; restore it first")
    previous_start, previous_end = event.start, event.end
    if (previous_start, previous_end) == (start, end):
        return event
    event.start, event.end = start, end
    _mark_overridden(event)
    signals.occurrence_moved.send(event, previous_start=previous_start, previous_end=previous_end)
    return event


def cancel_occurrence(event: Event, reason: str | None = None) -> Event:
    if event.status in (EventStatus.HELD, EventStatus.NOT_HELD):
        raise OccurrenceError("the event already has an outcome and cannot be cancelled")
    if event.status == EventStatus.CANCELLED:
        return event
    event.status = EventStatus.CANCELLED
    if reason:
        event.notes = reason
    _mark_overridden(event)
    signals.occurrence_cancelled.send(event, reason=reason or "cancelled")
    return event


def restore_occurrence(event: Event) -> Event:
    if event.status != EventStatus.CANCELLED:
        return event
    event.status = EventStatus.PLANNED
    _mark_overridden(event)
    signals.occurrence_restored.send(event)
    return event


def edit_occurrence(
    event: Event,
    *,
    title: str | None = None,
    location: str | None = None,
    notes: str | None = None,
) -> Event:
    significant = False
    if title is not None and title != event.title:
        event.title, significant = title or None, True
    if location is not None and location != event.location:
        event.location, significant = location or None, True
    if notes is not None:
        event.notes = notes or None
    if significant:
        _mark_overridden(event)
        signals.occurrence_edited.send(event)
    else:
        event.updated_at = utcnow()
    return event


def record_outcome(
    event: Event,
    *,
    held: bool,
    attendance: int | None = None,
    kov_slugs: Iterable[str] = (),
    note: str | None = None,
    now: datetime | None = None,
) -> Event:
    now = now or utcnow()
    if event.status == EventStatus.CANCELLED:
        raise OccurrenceError("a cancelled event cannot be recorded as held or not held")
    if event.start > now:
        raise OccurrenceError(
            f"the event starts {event.start.isoformat()}: "
            "its outcome can be recorded once it begins"
        )
    if attendance is not None and attendance < 0:
        raise OccurrenceError("attendance cannot be negative")
    participants = organisations_by_slug(kov_slugs) if held else []
    status = EventStatus.HELD if held else EventStatus.NOT_HELD
    signals.outcome_recording.send(event, status=status, attendance=attendance)
    event.status = status
    event.attendance = attendance if held else None
    event.participants = participants
    if note is not None:
        event.notes = note or None
    event.updated_at = now
    signals.outcome_recorded.send(event)
    return event


def organisations_by_slug(slugs: Iterable[str]) -> list[Organisation]:
    wanted = sorted({s.strip() for s in slugs if s and s.strip()})
    if not wanted:
        return []
    found = db.session.scalars(select(Organisation).where(Organisation.slug.in_(wanted))).all()
    missing = sorted(set(wanted) - {o.slug for o in found})
    if missing:
        raise OccurrenceError(f"unknown organisation(s): {', '.join(missing)}")
    return sorted(found, key=lambda o: o.slug)


def _mark_overridden(event: Event) -> None:
    event.is_overridden = True
    event.sequence += 1
    event.updated_at = utcnow()
