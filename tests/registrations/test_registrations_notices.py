"""Registrants hear about changes: a reminder the day before, in their language, and a notice
within one dispatcher tick when the occurrence is moved, cancelled or restored; exactly once,
through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from registrations_support import mails_to, sign_up
from sqlalchemy import select

from scheduler.core.time import utcnow, zone
from scheduler.events.service import cancel_occurrence, move_occurrence, restore_occurrence
from scheduler.extensions import db
from scheduler.mail.models import Reminder, ReminderKind, ReminderStatus
from scheduler.registrations.models import RegistrationState
from scheduler.registrations.notices import on_moved
from scheduler.registrations.service import cancel, confirm, open_series
from scheduler.reminders.dispatch import dispatch_due

pytestmark = pytest.mark.postgres


def subjects(app, email: str) -> list[str]:
    return [str(m["Subject"]).strip() for m in mails_to(app, email)]


def day_before_rows(email: str) -> list[Reminder]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.kind == ReminderKind.REGISTRATION_REMINDER, Reminder.recipient == email)
            .order_by(Reminder.id)
        )
    )


def seat(event, who: str, language: str = "en"):
    row = sign_up(event, who, language)
    confirm(row.id)
    return row


@pytest.fixture
def full_house(training, event):
    """Mari has the one place, Jaan waits; their confirmation mails are sent."""
    event_id = event.id
    open_series(training, capacity=1, waitlist=True)
    seat(event, "mari")
    seat(event, "jaan")
    db.session.remove()
    dispatch_due()
    return event_id


def test_a_confirmed_registrant_is_reminded_the_day_before_at_the_reminder_hour(
    app, training, event
):
    open_series(training, capacity=1, waitlist=True)
    seat(event, "mari")
    seat(event, "jaan")
    [reminder] = day_before_rows("mari@example.ee")
    assert day_before_rows("jaan@example.ee") == [], "no reminder without a place"
    local = reminder.due.astimezone(zone())
    assert local.date() == event.start.astimezone(zone()).date() - timedelta(days=1)
    assert local.hour == app.config["REMINDER_HOUR"]

    due = reminder.due
    db.session.remove()
    dispatch_due(due - timedelta(minutes=1))
    assert not any(s.startswith("Tomorrow") for s in subjects(app, "mari@example.ee"))
    dispatch_due(due)
    dispatch_due(due + timedelta(hours=1))
    [mail] = [s for s in subjects(app, "mari@example.ee") if s.startswith("Tomorrow")]
    assert "Training" in mail


def test_the_reminder_speaks_the_registrants_language(app, training, event):
    open_series(training, capacity=5, waitlist=False)
    seat(event, "olga", "ru")
    [reminder] = day_before_rows("olga@example.ee")
    db.session.remove()
    dispatch_due(reminder.due)
    [mail] = [m for m in mails_to(app, "olga@example.ee") if "Завтра" in m["Subject"]]
    assert mail["Content-Language"] == "ru"
    assert mail["Subject"].strip().startswith("Завтра: Тренинг")


def test_a_promoted_registrant_is_reminded_and_one_who_cancelled_is_not(app, training, event):
    open_series(training, capacity=1, waitlist=True)
    first, second = seat(event, "mari"), seat(event, "jaan")
    second_id = second.id
    cancel(first.id)
    [dropped] = day_before_rows("mari@example.ee")
    assert dropped.status == ReminderStatus.CANCELLED
    [planned] = day_before_rows("jaan@example.ee")
    assert planned.status == ReminderStatus.PENDING
    db.session.remove()
    dispatch_due(planned.due)
    assert not any(s.startswith("Tomorrow") for s in subjects(app, "mari@example.ee"))
    assert any(s.startswith("Tomorrow") for s in subjects(app, "jaan@example.ee"))
    assert db.session.get(type(second), second_id).state == RegistrationState.CONFIRMED


def test_moving_tells_everyone_registered_once_and_the_reminder_follows(app, full_house):
    from scheduler.events.models import Event

    event = db.session.get(Event, full_house)
    [old_reminder] = day_before_rows("mari@example.ee")
    move_occurrence(event, event.start + timedelta(days=3))
    db.session.commit()
    on_moved(event, previous_start=event.start - timedelta(days=3))  # announced twice
    db.session.commit()

    dispatch_due()
    dispatch_due()
    for who in ("mari", "jaan"):  # one tick tells the confirmed and the waiting, once
        [moved] = [s for s in subjects(app, f"{who}@example.ee") if s.startswith("Moved")]
        assert "Training" in moved
    message = mails_to(app, "jaan@example.ee")[-1]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "The event has moved" in text
    assert "text/calendar" in [p.get_content_type() for p in message.iter_attachments()]

    reminders = day_before_rows("mari@example.ee")
    assert [r.status for r in reminders] == [ReminderStatus.SKIPPED, ReminderStatus.PENDING]
    new_reminder = reminders[-1]
    assert new_reminder.due == old_reminder.due + timedelta(days=3)
    old_due, new_due = old_reminder.due, new_reminder.due
    dispatch_due(old_due)
    assert not any(s.startswith("Tomorrow") for s in subjects(app, "mari@example.ee"))
    dispatch_due(new_due)
    assert len([s for s in subjects(app, "mari@example.ee") if s.startswith("Tomorrow")]) == 1


def test_a_move_notice_is_in_each_registrants_language(app, training, event):
    open_series(training, capacity=5, waitlist=False)
    seat(event, "olga", "ru")
    seat(event, "mari", "et")
    event = db.session.get(type(event), event.id)
    move_occurrence(event, event.start + timedelta(hours=2))
    db.session.commit()
    dispatch_due()
    assert mails_to(app, "olga@example.ee")[-1]["Subject"].startswith("Перенесено: Тренинг")
    assert mails_to(app, "mari@example.ee")[-1]["Subject"].startswith("Edasi lükatud: Koolitus")


def test_cancelling_the_occurrence_keeps_registrant_mail_and_tells_everyone(app, training, event):
    """The organisers' planner cancels their unsent reminders; it must leave the registrants'
    mail alone (a confirmation still unsent goes out) and the registrants get a notice."""
    open_series(training, capacity=1, waitlist=True)
    seat(event, "mari")
    seat(event, "jaan")
    event = db.session.get(type(event), event.id)
    cancel_occurrence(event, "Koolitaja on haige", translations={"en": "The trainer is ill"})
    db.session.commit()

    dispatch_due()
    mari = subjects(app, "mari@example.ee")
    assert any(s.startswith("Confirm your registration") for s in mari)
    assert any(s.startswith("You have a place") for s in mari)
    assert any(s.startswith("Cancelled: Training") for s in mari)
    assert any(s.startswith("Cancelled: Training") for s in subjects(app, "jaan@example.ee"))
    text = mails_to(app, "jaan@example.ee")[-1].get_body(preferencelist=("plain",)).get_content()
    assert "The trainer is ill" in text
    [reminder] = day_before_rows("mari@example.ee")
    assert reminder.status == ReminderStatus.CANCELLED
    dispatch_due(reminder.due)
    assert not any(s.startswith("Tomorrow") for s in subjects(app, "mari@example.ee"))


def test_a_restored_occurrence_tells_everyone_and_reminds_again(app, full_house):
    from scheduler.events.models import Event

    event = db.session.get(Event, full_house)
    cancel_occurrence(event)
    db.session.commit()
    event = db.session.get(Event, full_house)
    restore_occurrence(event)
    db.session.commit()
    dispatch_due()
    jaan = subjects(app, "jaan@example.ee")
    assert jaan[-1].startswith("It takes place after all")
    assert not any(s.startswith("Cancelled") for s in jaan), "the restoration superseded it"
    [reminder] = day_before_rows("mari@example.ee")
    assert reminder.status == ReminderStatus.PENDING


def test_an_unconfirmed_sign_up_is_not_told_of_changes(app, training, event):
    event_id = event.id
    open_series(training, capacity=5, waitlist=False)
    sign_up(event, "mari")
    db.session.remove()
    dispatch_due()
    from scheduler.events.models import Event

    event = db.session.get(Event, event_id)
    move_occurrence(event, event.start + timedelta(days=1))
    db.session.commit()
    dispatch_due()
    assert not any(s.startswith("Moved") for s in subjects(app, "mari@example.ee"))


def test_the_organisers_notices_are_not_sent_to_registrants(app, full_house):
    from scheduler.events.models import Event

    event = db.session.get(Event, full_house)
    move_occurrence(event, event.start + timedelta(days=1))
    db.session.commit()
    updated = db.session.scalars(
        select(Reminder.recipient).where(Reminder.kind == ReminderKind.UPDATED)
    ).all()
    assert "mari@example.ee" not in updated and "jaan@example.ee" not in updated
    assert utcnow() < event.start
