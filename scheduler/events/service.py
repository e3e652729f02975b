"""Changes to single occurrences: move, cancel, edit, record the outcome.

Each function changes the session and announces the change; the caller commits.
Errors are ``OccurrenceError`` with a message meant for the person who asked: in the page's
language on the web, in English on the command line and in logs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from flask import has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.bounds import (
    MAX_ATTENDANCE,
    MAX_NOTE_CHARS,
    column_length,
    is_valid_id,
)
from ..core.localized import (
    SOURCE,
    assign_texts,
    content_languages,
    flat_name,
    texts_of,
    translated_languages,
)
from ..core.policy import is_imported
from ..core.time import local_midnight, require_aware, utcnow, zone
from ..extensions import db
from ..organisations.models import Organisation
from . import signals
from .models import Event, EventStatus


class OccurrenceError(ValueError):
    """A change to an occurrence that cannot be made; the message (a lazy string) says why.

    ``str(error)`` is the message in the page's language during a request, and in English
    elsewhere: the command line and the logs speak English whatever the default locale."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        if has_request_context():
            return str(self.message)
        with force_locale("en"):
            return str(self.message)


# Without an activity timeframe, an occurrence moves at most this far from its original date.
MOVE_REACH = timedelta(days=366)


def get_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id) if is_valid_id(event_id) else None
    if event is None:
        raise OccurrenceError(_l("no event with id %(id)s", id=event_id))
    return event


def lock_event(event_id: int) -> Event | None:
    """Begin a write transaction that holds the event's row until the caller commits.

    PostgreSQL: ``SELECT … FOR UPDATE``; SQLite: an immediate transaction (the database's
    write lock, taken before the row is read). A second writer waits here and then reads
    the row as the first one left it, so a check followed by a write cannot be overtaken.
    Whatever the session held is rolled back first: call it before changing anything.
    """
    db.session.rollback()
    if not is_valid_id(event_id):
        return None
    if db.engine.dialect.name == "sqlite":
        db.session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    stmt = select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Event)
    return db.session.scalars(stmt).first()


def ensure_editable_by_people(event: Event) -> None:
    """Imported events change at their source; here only their type and outcome are set (the
    command line's check: on the web the policy refuses the change first)."""
    if is_imported(event):
        raise OccurrenceError(
            _l(
                "this event comes from an imported calendar: change it at its source "
                "(only its outcome can be recorded here)"
            )
        )


def move_occurrence(event: Event, start: datetime, end: datetime | None = None) -> Event:
    """Move one occurrence within its activity's timeframe.

    Without an explicit ``end`` the duration is kept in absolute time, so a 90-minute
    event moved across the spring-forward gap still lasts 90 minutes.
    """
    require_aware(start)
    if event.status == EventStatus.CANCELLED:
        raise OccurrenceError(_l("a cancelled event cannot be moved; restore it first"))
    first, last = move_timeframe(event)
    start = _instant(start)
    if start is None or not first <= start < last:
        local = zone(event.series.timezone)
        raise OccurrenceError(
            _l(
                "the new start must fall between %(first)s and %(last)s "
                "(the activity's timeframe, or a year around the original date)",
                first=f"{first.astimezone(local):%Y-%m-%d}",
                last=f"{(last.astimezone(local) - timedelta(days=1)):%Y-%m-%d}",
            )
        )
    end = _instant(require_aware(end)) if end is not None else start + (event.end - event.start)
    if end is None or end <= start:
        raise OccurrenceError(_l("the end must be after the start"))
    if end - start > MOVE_REACH:
        raise OccurrenceError(_l("an occurrence cannot last longer than a year"))
    previous_start, previous_end = event.start, event.end
    if (previous_start, previous_end) == (start, end):
        return event
    event.start, event.end = start, end
    _mark_overridden(event)
    signals.occurrence_moved.send(event, previous_start=previous_start, previous_end=previous_end)
    return event


def move_timeframe(event: Event) -> tuple[datetime, datetime]:
    """[first, last) instants a new start may take: the series' bounds (whole local days),
    else 366 days either side of the original date."""
    series = event.series
    original_day = event.original_start.astimezone(zone(series.timezone)).date()
    first = local_midnight(original_day - MOVE_REACH, series.timezone)
    last = local_midnight(original_day + MOVE_REACH + timedelta(days=1), series.timezone)
    if series.bound_start is not None:
        first = local_midnight(series.bound_start, series.timezone)
    if series.bound_end is not None:
        last = local_midnight(series.bound_end + timedelta(days=1), series.timezone)
    return first.astimezone(UTC), last.astimezone(UTC)


def _instant(value: datetime) -> datetime | None:
    """The UTC instant of an aware datetime; None for one the calendar cannot hold (year 1)."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


def cancel_occurrence(
    event: Event,
    reason: str | None = None,
    *,
    translations: Mapping[str, str | None] | None = None,
) -> Event:
    """Cancel a planned occurrence. ``reason`` is the public reason in Estonian;
    ``translations`` its optional versions in other languages, by code."""
    if event.status in (EventStatus.HELD, EventStatus.NOT_HELD):
        raise OccurrenceError(_l("the event already has an outcome and cannot be cancelled"))
    if event.status == EventStatus.CANCELLED:
        return event
    reason = _bounded(reason, MAX_NOTE_CHARS, _l("the reason"))
    versions = {
        code: _bounded(text, MAX_NOTE_CHARS, _l("the reason"))
        for code, text in (translations or {}).items()
        if code in translated_languages()
    }
    event.status = EventStatus.CANCELLED
    assign_texts(event, "cancel_reason", {SOURCE: reason or None, **versions})
    if reason:
        event.notes = reason
    _mark_overridden(event)
    signals.occurrence_cancelled.send(event, reason=reason or "cancelled")
    return event


def restore_occurrence(event: Event) -> Event:
    if event.status != EventStatus.CANCELLED:
        return event
    event.status = EventStatus.PLANNED
    assign_texts(event, "cancel_reason", dict.fromkeys(content_languages()))
    _mark_overridden(event)
    signals.occurrence_restored.send(event)
    return event


def edit_occurrence(
    event: Event,
    *,
    title: str | None = None,
    location: str | None = None,
    notes: str | None = None,
    description: str | None = None,
) -> Event:
    title = _bounded(title, column_length(Event.title), _l("the title"))
    description = _bounded(description, MAX_NOTE_CHARS, _l("the description"))
    location = _bounded(location, column_length(Event.location), _l("the location"))
    notes = _bounded(notes, MAX_NOTE_CHARS, _l("the notes"))
    significant = False
    if title is not None and title != event.title:
        event.title, significant = title or None, True
    if location is not None and location != event.location:
        event.location, significant = location or None, True
    if description is not None and (description or None) != event.description:
        event.description, significant = description or None, True
    if notes is not None:
        event.notes = notes or None
    if significant:
        _mark_overridden(event)
        signals.occurrence_edited.send(event)
    else:
        event.updated_at = utcnow()
    return event


def translate_cancel_reason(event: Event, texts: Mapping[str, str | None]) -> set[str]:
    """Give a cancelled occurrence's reason in further languages (``texts`` by code; the
    Estonian one stays); the names of the texts that changed."""
    return translate(event, "cancel_reason", texts, lambda: _mark_overridden(event))


def translate(row, field: str, texts: Mapping[str, str | None], changed_hook) -> set[str]:
    """Set ``row``'s ``field`` in the further languages ``texts`` gives; ``changed_hook`` runs
    when one changed. The flat names of the texts that changed."""
    before = texts_of(row, field)
    wanted = {
        code: _bounded((text or "").strip() or None, MAX_NOTE_CHARS, _l("the text"))
        for code, text in texts.items()
        if code in translated_languages()
    }
    after = {**before, **wanted}
    changed = {flat_name(field, code) for code in wanted if after[code] != before[code]}
    if changed:
        assign_texts(row, field, after)
        changed_hook()
    return changed


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
        raise OccurrenceError(_l("a cancelled event cannot be recorded as held or not held"))
    if event.start > now:
        raise OccurrenceError(
            _l(
                "the event starts %(start)s: its outcome can be recorded once it begins",
                start=event.start.isoformat(),
            )
        )
    if attendance is not None and attendance < 0:
        raise OccurrenceError(_l("attendance cannot be negative"))
    if attendance is not None and attendance > MAX_ATTENDANCE:
        raise OccurrenceError(
            _l(
                "attendance must be at most %(limit)s",
                limit=f"{MAX_ATTENDANCE:_}".replace("_", " "),
            )
        )
    note = _bounded(note, MAX_NOTE_CHARS, _l("the note"))
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
        raise OccurrenceError(_l("unknown organisation(s): %(slugs)s", slugs=", ".join(missing)))
    return sorted(found, key=lambda o: o.slug)


def _bounded(value: str | None, limit: int | None, field) -> str | None:
    """``value`` if it fits in ``limit`` characters; ``field`` names it (a lazy string)."""
    if value is None or limit is None or len(value) <= limit:
        return value
    raise OccurrenceError(
        _l(
            "%(field)s is too long (%(length)s characters, at most %(limit)s)",
            field=field,
            length=len(value),
            limit=limit,
        )
    )


def _mark_overridden(event: Event) -> None:
    event.is_overridden = True
    event.sequence += 1
    event.updated_at = utcnow()
