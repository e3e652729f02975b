"""Keep the outbox in step with occurrences: receivers of the events signals.

They run inside the transaction that changes the occurrence and only add or change rows
in that session, so the reminders are committed with the change or not at all. No mail
is sent here: the dispatcher is the only sender.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ..core.time import utcnow
from ..events import signals
from ..events.models import Event, EventStatus, Series
from ..extensions import db
from ..mail.models import Reminder, ReminderKind, ReminderStatus, reminder_key
from .policy import PlannedReminder, PolicyError, ReminderPolicy, plan_reminders

log = logging.getLogger(__name__)

_planning_now: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "reminders_planning_now", default=None
)
_SENT_OR_SENDING = (ReminderStatus.SENT, ReminderStatus.SENDING)
_ACTIVE_KINDS = (ReminderKind.BEFORE, ReminderKind.FOLLOWUP)
#: the organisers' rows of an event; a registrant's mail (registrations/notices.py) is
#: planned, re-timed and cancelled by the registrations feature alone
_ORGANISER_KINDS = (*_ACTIVE_KINDS, ReminderKind.UPDATED, ReminderKind.CANCELLED)


@contextmanager
def planning_as_of(now: datetime) -> Iterator[None]:
    """Plan notices as if it were ``now`` (loading a past plan, tests, `--now` commands)."""
    token = _planning_now.set(now)
    try:
        yield
    finally:
        _planning_now.reset(token)


def planning_now() -> datetime:
    return _planning_now.get() or utcnow()


def default_policy() -> ReminderPolicy:
    config = current_app.config
    return ReminderPolicy(
        offsets_days=tuple(config["REMINDER_OFFSETS_DAYS"]),
        hour=int(config["REMINDER_HOUR"]),
        followup_after_hours=float(config["FOLLOWUP_AFTER_HOURS"]),
        followup=bool(config["FOLLOWUP_ENABLED"]),
    )


def policy_for(series: Series) -> ReminderPolicy:
    """The series' policy; a broken override is logged and the default used instead."""
    try:
        return default_policy().overridden_by(series.reminder_policy)
    except (PolicyError, TypeError) as error:
        log.error("series %s: reminder_policy ignored: %s", series.key, error)
        return default_policy()


def planned_for(event: Event) -> list[PlannedReminder]:
    series = event.series
    return plan_reminders(
        event.start, event.end, series.timezone, series.organisers, policy_for(series)
    )


def _new_row(event: Event, kind: str, slot: str, recipient: str, due: datetime, **extra):
    row = Reminder.pending(kind, event.id, slot, recipient, due, event_id=event.id, **extra)
    db.session.add(row)
    return row


def _rows_of(event: Event) -> dict[str, Reminder]:
    """The organisers' rows of the event (not its registrants')."""
    rows = db.session.scalars(
        select(Reminder).where(Reminder.event_id == event.id, Reminder.kind.in_(_ORGANISER_KINDS))
    ).all()
    return {row.key: row for row in rows}


def plan_new_event(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        return
    for item in planned_for(event):
        _new_row(event, item.kind, item.slot, item.recipient, item.due)


def retime_event(event: Event, *, revive: bool = False) -> dict[str, Reminder]:
    """Bring the event's before/follow-up rows to its current times; returns all its rows.

    Pending rows are re-timed, missing ones created; rows already sent stay as they are.
    With ``revive``, rows cancelled with the event are planned again.
    """
    rows = _rows_of(event)
    wanted = {reminder_key(p.kind, event.id, p.slot, p.recipient): p for p in planned_for(event)}
    reopenable = {ReminderStatus.PENDING} | ({ReminderStatus.CANCELLED} if revive else set())
    now = utcnow()
    for key, item in wanted.items():
        row = rows.get(key)
        if row is None:
            rows[key] = _new_row(event, item.kind, item.slot, item.recipient, item.due)
        elif row.status in reopenable:
            row.status = ReminderStatus.PENDING
            row.due = row.next_attempt_at = item.due
            row.updated_at = now
    for key, row in rows.items():
        if key not in wanted and row.kind in _ACTIVE_KINDS and row.status in reopenable:
            row.status = ReminderStatus.SKIPPED
            row.last_error = "no longer planned for the event's new time"
            row.updated_at = now
    return rows


def _reminded_recipients(rows: dict[str, Reminder]) -> set[str]:
    return {row.recipient for row in rows.values() if row.status in _SENT_OR_SENDING}


def _add_notice(event: Event, kind: ReminderKind, recipient: str, rows, payload=None) -> None:
    """One notice per change (keyed by the event's sequence); older unsent ones give way."""
    now = planning_now()
    for row in rows.values():
        if (
            row.recipient == recipient
            and row.status == ReminderStatus.PENDING
            and row.kind
            in (
                ReminderKind.UPDATED,
                ReminderKind.CANCELLED,
            )
        ):
            row.status = ReminderStatus.SKIPPED
            row.last_error = "superseded by a newer notice"
            row.updated_at = utcnow()
    key = reminder_key(kind, event.id, f"seq{event.sequence}", recipient)
    if key not in rows:
        rows[key] = _new_row(event, kind, f"seq{event.sequence}", recipient, now, payload=payload)


def on_moved(event: Event, previous_start: datetime, **_ignored) -> None:
    rows = retime_event(event)
    payload = {"previous_start": previous_start.isoformat()}
    for recipient in sorted(_reminded_recipients(rows)):
        _add_notice(event, ReminderKind.UPDATED, recipient, rows, payload)


def on_edited(event: Event, **_ignored) -> None:
    rows = _rows_of(event)
    for recipient in sorted(_reminded_recipients(rows)):
        _add_notice(event, ReminderKind.UPDATED, recipient, rows)


def on_cancelled(event: Event, **_ignored) -> None:
    """Cancel what is still owed; tell those who were reminded or are about to be."""
    rows = _rows_of(event)
    now = planning_now()
    first_due: dict[str, datetime] = {}
    for row in rows.values():
        if row.kind == ReminderKind.BEFORE:
            first_due[row.recipient] = min(row.due, first_due.get(row.recipient, row.due))
        if row.status == ReminderStatus.PENDING and row.kind != ReminderKind.CANCELLED:
            row.status = ReminderStatus.CANCELLED
            row.updated_at = utcnow()
    if now >= event.start:
        return
    expecting = _reminded_recipients(rows) | {r for r, due in first_due.items() if due <= now}
    for recipient in sorted(expecting):
        _add_notice(event, ReminderKind.CANCELLED, recipient, rows)


def on_restored(event: Event, **_ignored) -> None:
    rows = retime_event(event, revive=True)
    if planning_now() >= event.start:
        return
    for recipient in sorted(_reminded_recipients(rows)):
        _add_notice(event, ReminderKind.UPDATED, recipient, rows)


def on_scheduled(event: Event, **_ignored) -> None:
    plan_new_event(event)


def on_series_changed(series: Series, fields: set[str], **_) -> None:
    """New organisers or a new policy: bring every planned event's rows up to date."""
    if not fields & {"organisers", "reminder_policy"}:
        return
    for event in series.events:
        if event.status == EventStatus.PLANNED:
            retime_event(event)


def connect_signals() -> None:
    """Subscribe the planners (idempotent: blinker keeps one connection per receiver)."""
    signals.occurrence_scheduled.connect(on_scheduled)
    signals.occurrence_moved.connect(on_moved)
    signals.occurrence_edited.connect(on_edited)
    signals.occurrence_cancelled.connect(on_cancelled)
    signals.occurrence_restored.connect(on_restored)
    signals.series_changed.connect(on_series_changed)


def replan_all(now: datetime | None = None) -> int:
    """Create missing rows for every planned event (e.g. events older than this feature)."""
    count = 0
    with planning_as_of(now or utcnow()):
        for event in db.session.scalars(
            select(Event).where(Event.status == EventStatus.PLANNED).order_by(Event.id)
        ):
            before = len(db.session.new)
            retime_event(event)
            count += len(db.session.new) - before
    return count
