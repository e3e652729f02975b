"""What the tables themselves refuse: a second sign-up with one email, an ownerless setting."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from scheduler.extensions import db
from scheduler.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationSettings,
    RegistrationState,
)

pytestmark = pytest.mark.postgres


def _registration(event, key: str, **fields) -> Registration:
    row = Registration(event_id=event.id, email=f"{key}@example.ee", email_key=key, **fields)
    db.session.add(row)
    return row


def test_one_registration_per_email_per_occurrence(event):
    _registration(event, "same")
    db.session.commit()
    _registration(event, "same")
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_walk_ins_without_email_are_not_one_registration(event):
    for name in ("Mari", "Jaan"):
        db.session.add(Registration(event_id=event.id, name=name, is_walk_in=True))
    db.session.commit()
    assert db.session.query(Registration).count() == 2


def test_a_new_registration_is_pending_and_checked_in_later(event):
    row = _registration(event, "new")
    db.session.commit()
    assert row.state == RegistrationState.PENDING
    assert row.checked_in is False and row.waitlist_position is None
    assert row.created_at.tzinfo is not None


def test_settings_belong_to_a_series_or_to_one_occurrence_not_both(training, event):
    db.session.add(
        RegistrationSettings(series_id=training.id, event_id=event.id, mode=RegistrationMode.OPEN)
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_series_settings_default_to_closing_two_hours_before(training):
    settings = RegistrationSettings(series_id=training.id, mode=RegistrationMode.OPEN)
    db.session.add(settings)
    db.session.commit()
    assert settings.closes_before_minutes == 120
    assert settings.capacity is None and settings.waitlist is False
