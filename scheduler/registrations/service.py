"""Registration as the web and the command line use it: sign up, confirm, cancel, promote.

Every change that gives or frees a place runs under a lock on the occurrence
(:func:`locked_event`): PostgreSQL locks the event row (SELECT … FOR UPDATE), SQLite takes
the database's write lock up front (BEGIN IMMEDIATE). The count read under the lock is the
count the change is decided on, so no occurrence is ever overbooked. Mail is an outbox row
written in the same transaction (``mail.py``); the dispatcher sends it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from ..core.time import utcnow
from ..events.models import Event, EventStatus, Series
from ..extensions import db
from ..mail.models import Reminder, ReminderKind
from . import rules
from .links import new_token_hash
from .mail import queue_registration_mail
from .models import (
    SETTING_FIELDS,
    Registration,
    RegistrationMode,
    RegistrationSettings,
    RegistrationState,
)
from .notices import drop_day_before, plan_day_before

ACTIVE_STATES = (
    RegistrationState.PENDING,
    RegistrationState.CONFIRMED,
    RegistrationState.WAITLISTED,
)


class RegistrationRefused(Exception):
    """A change the rules do not allow; ``reason`` is one of the names below."""

    CLOSED, FULL, LAPSED, GONE = "closed", "full", "lapsed", "gone"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- reading ---------------------------------------------------------------------------------


def settings_for(event: Event) -> RegistrationSettings | None:
    """The occurrence's own settings if it has them, else its series'."""
    rows = db.session.scalars(
        select(RegistrationSettings).where(
            (RegistrationSettings.event_id == event.id)
            | (RegistrationSettings.series_id == event.series_id)
        )
    ).all()
    own = [row for row in rows if row.event_id == event.id]
    return (own or rows or [None])[0]


def opening_for(event: Event) -> rules.Opening | None:
    settings = settings_for(event)
    if settings is None or event.status != EventStatus.PLANNED:
        return None
    return rules.Opening(
        mode=str(settings.mode),
        capacity=settings.capacity,
        waitlist=settings.waitlist,
        opens_at=settings.opens_at,
        closes_at=rules.closing_time(
            event.start, settings.closes_at, settings.closes_before_minutes
        ),
    )


def confirmed_count(event_id: int) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event_id,
            Registration.state == RegistrationState.CONFIRMED,
            Registration.is_walk_in.is_(False),  # came to the door: took no registered place
        )
    )


def availability_of(event: Event, now: datetime | None = None) -> rules.Availability:
    return rules.availability(opening_for(event), now or utcnow(), confirmed_count(event.id))


def email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def find_registration(event_id: int, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event_id, Registration.email_key == email_key(email)
        )
    )


# --- locking ---------------------------------------------------------------------------------


@contextmanager
def locked_event(event_id: int) -> Iterator[Event]:
    """A transaction that holds the occurrence against every other place-giving change;
    committed at the end, rolled back on an exception. Starts from a clean session."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("commit pending changes before taking the registration lock")
    db.session.rollback()
    if db.engine.dialect.name == "sqlite":
        db.session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    try:
        event = db.session.scalar(
            select(Event)
            .where(Event.id == event_id)
            .with_for_update(of=Event)
            .execution_options(populate_existing=True)
        )
        if event is None:
            raise RegistrationRefused(RegistrationRefused.GONE)
        yield event
        # the places left are part of what the API answers: its validators read updated_at
        event.updated_at = utcnow()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def locked_registration(registration_id: int) -> Iterator[tuple[Event, Registration]]:
    """:func:`locked_event` for the registration's occurrence, with the registration read
    again under the lock."""
    row = db.session.get(Registration, registration_id)
    if row is None:
        raise RegistrationRefused(RegistrationRefused.GONE)
    with locked_event(row.event_id) as event:
        yield event, db.session.get(Registration, registration_id, populate_existing=True)


# --- changes ---------------------------------------------------------------------------------


def register(
    event: Event,
    *,
    name: str,
    email: str,
    language: str,
    phone: str | None = None,
    kov_id: int | None = None,
    answers: dict | None = None,
    now: datetime | None = None,
) -> Registration:
    """A pending registration and its confirmation mail (the caller commits). Someone already
    registered is sent their link again: the answer tells nobody who has registered."""
    now = now or utcnow()
    if availability_of(event, now).state in (rules.STATE_CLOSED, rules.STATE_FULL):
        raise RegistrationRefused(RegistrationRefused.CLOSED)
    email = email.strip().lower()
    row = find_registration(event.id, email)
    if row is not None and _still_active(row, now):
        queue_registration_mail(row, "confirm" if row.email_confirmed_at is None else "link")
        return row
    if row is None:
        row = Registration(event_id=event.id, email_key=email_key(email))
        db.session.add(row)
    row.state = RegistrationState.PENDING
    row.waitlist_position = None
    row.name, row.email, row.phone, row.kov_id = name.strip(), email, phone, kov_id
    row.language, row.answers = language, answers or None
    row.created_at = row.updated_at = now
    row.email_confirmed_at = row.confirmed_at = None
    row.token_hash = new_token_hash()
    db.session.flush()
    queue_registration_mail(row, "confirm")
    return row


def _still_active(row: Registration, now: datetime) -> bool:
    if row.state not in ACTIVE_STATES:
        return False
    return not (
        row.state == RegistrationState.PENDING
        and rules.is_lapsed(row.created_at, row.email_confirmed_at, now)
    )


def confirm(registration_id: int, now: datetime | None = None) -> Registration:
    """Follow the mail link: a place, a place on the waiting list, or (by approval) a wait
    for the coordinator. Confirming twice changes nothing. First confirmed, first served:
    the time is read once the lock is held."""
    with locked_registration(registration_id) as (event, row):
        now = now or utcnow()
        if row.state != RegistrationState.PENDING or row.email_confirmed_at is not None:
            return row
        if rules.is_lapsed(row.created_at, row.email_confirmed_at, now):
            raise RegistrationRefused(RegistrationRefused.LAPSED)
        opening = opening_for(event)
        if not rules.is_taking_registrations(opening, now):
            raise RegistrationRefused(RegistrationRefused.CLOSED)
        row.email_confirmed_at = row.updated_at = now
        if opening.mode == RegistrationMode.APPROVAL:
            queue_registration_mail(row, "received")
            return row
        if _give_place(row, opening, now) is None:
            raise RegistrationRefused(RegistrationRefused.FULL)
    return row


def awaits_approval(row: Registration) -> bool:
    """Confirmed by mail, and waiting for the organiser to accept or decline it."""
    return row.state == RegistrationState.PENDING and row.email_confirmed_at is not None


def accept(registration_id: int, now: datetime | None = None) -> str | None:
    """The organiser accepts a registration that awaits approval: a place, or a place on
    the waiting list once the places are taken (told by mail either way); refused when
    neither is left or the occurrence has begun. None when it awaited nothing."""
    with locked_registration(registration_id) as (event, row):
        now = now or utcnow()
        if not awaits_approval(row):
            return None
        opening = opening_for(event)
        if opening is None or not _before_start(event, now):
            raise RegistrationRefused(RegistrationRefused.CLOSED)
        outcome = _give_place(row, opening, now)
        if outcome is None:
            raise RegistrationRefused(RegistrationRefused.FULL)
    return outcome


def decline(registration_id: int, now: datetime | None = None) -> bool:
    """The organiser declines a registration that awaits approval (told by mail); False
    when it awaited nothing. Its personal link still shows the answer."""
    with locked_registration(registration_id) as (_event, row):
        if not awaits_approval(row):
            return False
        row.state, row.waitlist_position = RegistrationState.DECLINED, None
        row.updated_at = now or utcnow()
        queue_registration_mail(row, "declined")
    return True


def _give_place(row: Registration, opening: rules.Opening, now: datetime) -> str | None:
    outcome = rules.place_for(opening, confirmed_count(row.event_id))
    if outcome == rules.PLACE:
        _seat(row, now)
    elif outcome == rules.WAITING:
        row.state = RegistrationState.WAITLISTED
        row.waitlist_position = rules.next_waitlist_position(_waitlist_positions(row.event_id))
    else:
        return None
    row.updated_at = now
    db.session.flush()
    queue_registration_mail(row, outcome)
    return outcome


def _waitlist_positions(event_id: int) -> list[int | None]:
    return list(
        db.session.scalars(
            select(Registration.waitlist_position).where(
                Registration.event_id == event_id,
                Registration.state == RegistrationState.WAITLISTED,
            )
        )
    )


def cancel(registration_id: int, *, erase: bool = False, now: datetime | None = None) -> None:
    """The registrant cancels (and, with ``erase``, wipes their data); a freed place goes to
    the first person waiting."""
    now = now or utcnow()
    with locked_registration(registration_id) as (event, row):
        if row.state in ACTIVE_STATES:
            queue_registration_mail(row, "cancelled")
            drop_day_before(row, now)
            row.state, row.waitlist_position = RegistrationState.CANCELLED, None
        row.token_hash, row.updated_at = None, now
        if erase:
            erase_personal_fields(row, now)
        promote_waiting(event, now)


def promote_waiting(event: Event, now: datetime | None = None) -> list[Registration]:
    """Give free places to those first on the waiting list (call under :func:`locked_event`)."""
    now = now or utcnow()
    opening = opening_for(event)
    if not rules.is_taking_registrations(opening, now) and not _before_start(event, now):
        return []
    waiting = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id, Registration.state == RegistrationState.WAITLISTED
        )
        .order_by(Registration.waitlist_position, Registration.id)
    ).all()
    capacity = opening.capacity if opening is not None else 0
    promoted = rules.promotions(capacity, confirmed_count(event.id), waiting)
    for row in promoted:
        _seat(row, now)
        queue_registration_mail(row, "promoted")
    db.session.flush()
    return promoted


def _seat(row: Registration, now: datetime) -> None:
    """Give ``row`` a place (the caller mails them why): it is reminded the day before."""
    row.state, row.confirmed_at, row.waitlist_position = RegistrationState.CONFIRMED, now, None
    row.updated_at = now
    plan_day_before(row, now)


def _before_start(event: Event, now: datetime) -> bool:
    """A place freed after registration closed still goes to someone waiting, until the
    occurrence starts."""
    return event.status == EventStatus.PLANNED and now < event.start


def erase_personal_fields(row: Registration, now: datetime) -> None:
    row.name = row.email = row.email_key = row.phone = row.answers = row.token_hash = None
    row.erased_at = row.updated_at = now


# --- settings --------------------------------------------------------------------------------


def own_settings(owner: Series | Event) -> RegistrationSettings | None:
    """The series' settings, or one occurrence's override (not what it inherits)."""
    column = (
        RegistrationSettings.event_id
        if isinstance(owner, Event)
        else RegistrationSettings.series_id
    )
    return db.session.scalar(select(RegistrationSettings).where(column == owner.id))


def save_settings(
    owner: Series | Event, values: dict, now: datetime | None = None
) -> RegistrationSettings:
    """Set a series' registration, or one occurrence's override (``values``: some of
    SETTING_FIELDS), and commit; a larger capacity promotes those waiting at once (and they
    are told), in every coming occurrence the settings govern."""
    now = now or utcnow()
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise ValueError(f"not a registration setting: {', '.join(sorted(unknown))}")
    settings = own_settings(owner)
    if settings is None:
        settings = RegistrationSettings(created_at=now)
        if isinstance(owner, Event):
            # an override starts as a copy of what the occurrence had from its series
            inherited = own_settings(owner.series)
            for name in SETTING_FIELDS if inherited is not None else ():
                setattr(settings, name, getattr(inherited, name))
            settings.event_id = owner.id
        else:
            settings.series_id = owner.id
        db.session.add(settings)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.updated_at = owner.updated_at = now  # the API's answers hold the state
    db.session.commit()
    event_ids = [owner.id] if isinstance(owner, Event) else _coming_event_ids(owner.id, now)
    for event_id in event_ids:
        with locked_event(event_id) as event:
            promote_waiting(event, now)
    return settings


def remove_override(event: Event, now: datetime | None = None) -> bool:
    """The occurrence follows its series' settings again (committed); False when it had
    none of its own. Those waiting are promoted if the series gives more places."""
    settings = own_settings(event)
    if settings is None:
        return False
    now = now or utcnow()
    db.session.delete(settings)
    event.updated_at = now
    db.session.commit()
    with locked_event(event.id) as locked:
        promote_waiting(locked, now)
    return True


def open_series(
    series: Series | Event,
    *,
    capacity: int | None,
    waitlist: bool,
    opens_at: datetime | None = None,
    mode: RegistrationMode = RegistrationMode.OPEN,
    now: datetime | None = None,
) -> RegistrationSettings:
    """Open (or change) a series' registration, or one occurrence's; a larger capacity
    promotes those waiting."""
    values = {"mode": mode, "capacity": capacity, "waitlist": waitlist, "opens_at": opens_at}
    return save_settings(series, values, now)


def close_series(owner: Series | Event, now: datetime | None = None) -> bool:
    """Turn registration off for a series, or for one occurrence (an override that says
    off); registrations already made are kept. False when a series takes none."""
    settings = own_settings(owner)
    if settings is None and not isinstance(owner, Event):
        return False
    save_settings(owner, {"mode": RegistrationMode.OFF}, now)
    return True


def _coming_event_ids(series_id: int, now: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(Event.id).where(
                Event.series_id == series_id,
                Event.start > now,
                Event.status == EventStatus.PLANNED,
            )
        )
    )


# --- the door and the lists ------------------------------------------------------------------


def participants(event_id: int) -> list[Registration]:
    """Everyone who registered or walked in, in the order they came."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id)
            .options(selectinload(Registration.kov))  # the door's list shows each one's
            .order_by(Registration.created_at, Registration.id)
        )
    )


def series_participants(series_id: int) -> list[Registration]:
    """Everyone who registered for or walked into any occurrence of the series, occurrence
    by occurrence (in time order), each in the order they came."""
    return list(
        db.session.scalars(
            select(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(Event.series_id == series_id)
            .order_by(Event.start, Event.id, Registration.created_at, Registration.id)
        )
    )


def check_in(row: Registration, now: datetime | None = None) -> bool:
    """Mark present (the caller commits); False when already marked: twice changes nothing."""
    if row.checked_in:
        return False
    row.checked_in, row.checked_in_at = True, now or utcnow()
    row.updated_at = row.checked_in_at
    return True


def erase_expired(now: datetime, retention_days: int) -> int:
    """Erase the personal fields of registrations for occurrences that ended more than
    ``retention_days`` ago, and the outbox rows that still name them; keep states, local
    governments and check-ins (the indicators count them). Returns how many were erased."""
    cutoff = now - timedelta(days=retention_days)
    rows = db.session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.end <= cutoff, Registration.erased_at.is_(None))
    ).all()
    for row in rows:
        erase_personal_fields(row, now)
    db.session.execute(
        delete(Reminder)
        .where(
            Reminder.kind.in_((ReminderKind.REGISTRATION, ReminderKind.REGISTRATION_REMINDER)),
            Reminder.event_id.in_(select(Event.id).where(Event.end <= cutoff)),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return len(rows)


def search_participants(event_id: int, words: str) -> list[Registration]:
    """Those who may come through the door (confirmed, walk-ins), by name: each word must
    appear in the name, whatever its case."""
    wanted = words.casefold().split()
    present_or_expected = [
        row
        for row in participants(event_id)
        if row.state == RegistrationState.CONFIRMED or row.is_walk_in
    ]
    return [
        row
        for row in present_or_expected
        if all(word in (row.name or "").casefold() for word in wanted)
    ]


def add_walk_in(event: Event, name: str, kov_id: int | None, now: datetime | None = None):
    """Someone who came without registering: present at once (the caller commits)."""
    now = now or utcnow()
    row = Registration(
        event_id=event.id,
        state=RegistrationState.CONFIRMED,
        name=name.strip(),
        kov_id=kov_id,
        is_walk_in=True,
        checked_in=True,
        language="et",
    )
    row.created_at = row.confirmed_at = row.checked_in_at = row.updated_at = now  # one moment
    db.session.add(row)
    return row


def outcome_from_check_in(event_id: int) -> tuple[int, list[str]]:
    """What the outcome form starts from: how many were present (walk-ins included) and the
    distinct local governments of those present."""
    present = [row for row in participants(event_id) if row.checked_in]
    kovs = sorted({row.kov.slug for row in present if row.kov is not None})
    return len(present), kovs
