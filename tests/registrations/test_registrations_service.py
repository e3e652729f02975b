"""Places, the waiting list and its promotions, lapses and cancellations, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from registrations_support import sign_up
from sqlalchemy import select

from scheduler.core.time import utcnow
from scheduler.extensions import db
from scheduler.mail.models import Reminder, ReminderKind
from scheduler.registrations.models import Registration, RegistrationMode, RegistrationState
from scheduler.registrations.service import (
    RegistrationRefused,
    availability_of,
    cancel,
    confirm,
    open_series,
    register,
)

pytestmark = pytest.mark.postgres


def purposes_mailed(row: Registration) -> list[str]:
    mails = db.session.scalars(
        select(Reminder)
        .where(Reminder.kind == ReminderKind.REGISTRATION, Reminder.recipient == row.email)
        .order_by(Reminder.id)
    )
    return [m.payload["purpose"] for m in mails]


def test_registration_is_closed_until_opened(event):
    assert availability_of(event).state == "closed"
    with pytest.raises(RegistrationRefused):
        register(event, name="Mari", email="mari@example.ee", language="et")


def test_a_pending_registration_holds_no_place_until_confirmed(training, event):
    open_series(training, capacity=1, waitlist=False)
    row = sign_up(event, "mari")
    assert row.state == RegistrationState.PENDING
    assert availability_of(event).places_left == 1
    assert purposes_mailed(row) == ["confirm"]
    confirm(row.id)
    assert row.state == RegistrationState.CONFIRMED
    assert availability_of(event).state == "full"
    assert purposes_mailed(row) == ["confirm", "confirmed"]


def test_confirming_twice_changes_nothing(training, event):
    open_series(training, capacity=2, waitlist=False)
    row = sign_up(event, "mari")
    confirm(row.id)
    confirm(row.id)
    assert availability_of(event).places_left == 1
    assert purposes_mailed(row) == ["confirm", "confirmed"]


def test_a_full_occurrence_without_waiting_list_refuses_the_confirmation(training, event):
    open_series(training, capacity=1, waitlist=False)
    first, second = sign_up(event, "mari"), sign_up(event, "jaan")
    confirm(first.id)
    with pytest.raises(RegistrationRefused) as refused:
        confirm(second.id)
    assert refused.value.reason == "full"
    assert db.session.get(Registration, second.id).state == RegistrationState.PENDING


def test_an_unconfirmed_registration_lapses_after_a_day(training, event):
    open_series(training, capacity=1, waitlist=False)
    row = sign_up(event, "mari")
    with pytest.raises(RegistrationRefused) as refused:
        confirm(row.id, now=utcnow() + timedelta(hours=24, minutes=1))
    assert refused.value.reason == "lapsed"
    assert availability_of(event).places_left == 1


def test_the_same_email_twice_is_one_registration_and_gets_its_link_again(training, event):
    open_series(training, capacity=5, waitlist=False)
    first = sign_up(event, "mari")
    again = sign_up(event, "MARI")
    assert again.id == first.id
    assert db.session.query(Registration).count() == 1
    assert purposes_mailed(first) == ["confirm", "confirm"]


def test_cancelling_gives_the_place_to_the_first_waiting_and_tells_them(training, event):
    open_series(training, capacity=1, waitlist=True)
    first, second, third = (sign_up(event, who) for who in ("mari", "jaan", "olga"))
    for row in (first, second, third):
        confirm(row.id)
    assert (second.state, second.waitlist_position) == (RegistrationState.WAITLISTED, 1)
    assert (third.state, third.waitlist_position) == (RegistrationState.WAITLISTED, 2)
    cancel(first.id)
    db.session.expire_all()
    assert db.session.get(Registration, first.id).state == RegistrationState.CANCELLED
    assert db.session.get(Registration, second.id).state == RegistrationState.CONFIRMED
    assert db.session.get(Registration, third.id).waitlist_position == 2
    assert purposes_mailed(second)[-1] == "promoted"


def test_a_larger_capacity_promotes_from_the_waiting_list(training, event):
    open_series(training, capacity=1, waitlist=True)
    rows = [sign_up(event, who) for who in ("mari", "jaan", "olga")]
    for row in rows:
        confirm(row.id)
    open_series(training, capacity=2, waitlist=True)
    db.session.expire_all()
    states = [db.session.get(Registration, r.id).state for r in rows]
    assert states == [
        RegistrationState.CONFIRMED,
        RegistrationState.CONFIRMED,
        RegistrationState.WAITLISTED,
    ]


def test_by_approval_a_confirmed_mail_link_waits_for_the_coordinator(training, event):
    open_series(training, capacity=1, waitlist=False, mode=RegistrationMode.APPROVAL)
    row = sign_up(event, "mari")
    confirm(row.id)
    assert row.state == RegistrationState.PENDING and row.email_confirmed_at is not None
    assert availability_of(event).places_left == 1
    assert purposes_mailed(row) == ["confirm", "received"]


def test_cancel_with_erase_removes_the_personal_fields(training, event):
    open_series(training, capacity=1, waitlist=False)
    row = sign_up(event, "mari", phone="+372 5555 5555")
    cancel(row.id, erase=True)
    row = db.session.get(Registration, row.id)
    assert (row.name, row.email, row.phone, row.token_hash) == (None, None, None, None)
    assert row.state == RegistrationState.CANCELLED and row.erased_at is not None
