"""Registrants hear about their occurrence: a reminder the day before, and a notice when it
is moved, cancelled or restored (issue 17, point 4).

Both are outbox rows, written in the transaction that changes the registration or the
occurrence (the receivers below run inside it, like the organisers' planners in
``reminders/planning.py``) and sent exactly once by the dispatcher: a notice is keyed by the
occurrence's sequence, so one change makes one notice per registrant however often it is
announced; a reminder is keyed by its local day, so a moved occurrence's reminder follows the
new time and one already sent for that day is not sent again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..core.time import local_midnight, to_utc, utcnow, zone
from ..events import signals
from ..events.models import Event, EventStatus
from ..extensions import db
from ..mail.models import Reminder, ReminderKind, ReminderStatus, reminder_key
from .mail import queue_registration_mail
from .models import Registration, RegistrationState

#: what tells a registrant of a change to the occurrence; a newer one supersedes one unsent
NOTICES = ("moved", "event_cancelled", "restored")
REMINDER = ReminderKind.REGISTRATION_REMINDER
#: states of those told of a change: a place, a place on the waiting list, or awaiting the
#: organiser's approval (an unconfirmed sign-up is told nothing)
TOLD = (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED, RegistrationState.PENDING)


def day_before(event: Event) -> datetime:
    """When a registrant is reminded: the local day before, at REMINDER_HOUR."""
    hour = int(current_app.config["REMINDER_HOUR"])
    tz = event.series.timezone
    eve = event.start.astimezone(zone(tz)).date() - timedelta(days=1)
    return to_utc(local_midnight(eve, tz) + timedelta(hours=hour))  # wall-clock hours


def _reminder_slot(due: datetime, tz: str) -> str:
    return f"1d-{due.astimezone(zone(tz)):%Y%m%d}"


def _registrant_rows(event_id: int, recipient: str | None = None) -> list[Reminder]:
    """The outbox rows written to the occurrence's registrants (to one of them)."""
    stmt = select(Reminder).where(
        Reminder.event_id == event_id,
        Reminder.kind.in_((ReminderKind.REGISTRATION, REMINDER)),
    )
    if recipient is not None:
        stmt = stmt.where(Reminder.recipient == recipient)
    return list(db.session.scalars(stmt))


def plan_day_before(row: Registration, now: datetime | None = None, rows=None) -> None:
    """Plan, or bring to the occurrence's current time, the day-before reminder of someone
    with a place. A reminder for another day that is still unsent gives way; one already sent
    for this day is not sent again."""
    if row.state != RegistrationState.CONFIRMED or row.is_walk_in or not row.email:
        return
    now = now or utcnow()
    event = row.event
    due = day_before(event)
    slot = _reminder_slot(due, event.series.timezone)
    mine = [
        r
        for r in (rows if rows is not None else _registrant_rows(row.event_id, row.email))
        if r.kind == REMINDER and r.recipient == row.email
    ]
    for reminder in mine:
        if reminder.slot != slot and reminder.status == ReminderStatus.PENDING:
            _set(reminder, ReminderStatus.SKIPPED, "the occurrence moved to another day", now)
    if event.status != EventStatus.PLANNED or due <= now:
        return
    same_day = [r for r in mine if r.slot == slot]
    if not same_day:
        queue_registration_mail(row, "reminder", kind=REMINDER, slot=slot, due=due)
        return
    reminder = same_day[0]
    if reminder.status in (ReminderStatus.PENDING, ReminderStatus.CANCELLED):
        reminder.status = ReminderStatus.PENDING
        reminder.due = reminder.next_attempt_at = due
        reminder.last_error, reminder.updated_at = None, now
        reminder.payload = {"registration_id": row.id, "purpose": "reminder"}


def drop_day_before(row: Registration, now: datetime | None = None) -> None:
    """Someone who lost their place (cancelled, declined) is not reminded."""
    if not row.email:
        return
    for reminder in _registrant_rows(row.event_id, row.email):
        if reminder.kind == REMINDER and reminder.status == ReminderStatus.PENDING:
            _set(reminder, ReminderStatus.CANCELLED, "the registration ended", now or utcnow())


def _set(reminder: Reminder, status: ReminderStatus, why: str, now: datetime) -> None:
    reminder.status, reminder.last_error, reminder.updated_at = status, why, now


def registrants(event_id: int) -> list[Registration]:
    """Those told of changes and written to: a place, the waiting list, or awaiting approval,
    with an address (not erased, not a walk-in)."""
    rows = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.state.in_(TOLD),
            Registration.email.is_not(None),
            Registration.is_walk_in.is_(False),
        )
        .order_by(Registration.id)
    )
    return [
        r for r in rows if r.state != RegistrationState.PENDING or r.email_confirmed_at is not None
    ]


def write_to_registrants(event: Event, subject: str, text: str) -> int:
    """The organisers' message to everyone registered, each in their own language's wrapper
    (the caller commits); how many it goes to."""
    told = registrants(event.id)
    for registration in told:
        extra = {"subject": subject.strip(), "text": text.strip()}
        queue_registration_mail(registration, "message", extra=extra)
    return len(told)


def _notify(event: Event, purpose: str, extra: dict | None = None) -> int:
    """One notice of this change to every registrant; unsent older notices give way."""
    now = utcnow()
    if event.start <= now:
        return 0
    rows = _registrant_rows(event.id)
    keys = {r.key for r in rows}
    slot = f"{purpose}-seq{event.sequence}"
    told = 0
    for registration in registrants(event.id):
        key = reminder_key(ReminderKind.REGISTRATION, event.id, slot, registration.email)
        if key in keys:
            continue  # this change was announced already
        for older in rows:
            if (
                older.recipient == registration.email
                and older.kind == ReminderKind.REGISTRATION
                and older.status == ReminderStatus.PENDING
                and (older.payload or {}).get("purpose") in NOTICES
            ):
                _set(older, ReminderStatus.SKIPPED, "superseded by a newer notice", now)
        queue_registration_mail(registration, purpose, slot=slot, extra=extra)
        keys.add(key)
        told += 1
    return told


def _replan_reminders(event: Event) -> None:
    now = utcnow()
    rows = _registrant_rows(event.id)
    for registration in registrants(event.id):
        plan_day_before(registration, now, rows)


def on_moved(event: Event, previous_start: datetime, **_ignored) -> None:
    _replan_reminders(event)
    _notify(event, "moved", {"previous_start": previous_start.isoformat()})


def on_cancelled(event: Event, **_ignored) -> None:
    now = utcnow()
    for reminder in _registrant_rows(event.id):
        if reminder.kind == REMINDER and reminder.status == ReminderStatus.PENDING:
            _set(reminder, ReminderStatus.CANCELLED, "the occurrence was cancelled", now)
    _notify(event, "event_cancelled")


def on_restored(event: Event, **_ignored) -> None:
    _replan_reminders(event)
    _notify(event, "restored")


def connect_signals() -> None:
    """Subscribe the receivers (idempotent: blinker keeps one connection per receiver)."""
    signals.occurrence_moved.connect(on_moved)
    signals.occurrence_cancelled.connect(on_cancelled)
    signals.occurrence_restored.connect(on_restored)
