"""The service behind the pages and jobs: a subscription never confirmed is erased."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from scheduler.core.time import utcnow
from scheduler.extensions import db
from scheduler.jobs.clock import run_job
from scheduler.mail.models import Reminder
from scheduler.subscriptions.choices import Choice
from scheduler.subscriptions.models import Subscriber
from scheduler.subscriptions.service import confirm, erase_unconfirmed, subscribe

pytestmark = pytest.mark.postgres


def test_a_subscription_never_confirmed_is_erased_after_seven_days(app):
    eight_days_ago = utcnow() - timedelta(days=8)
    subscribe("stale@example.ee", Choice(), now=eight_days_ago)
    subscribe("fresh@example.ee", Choice(), now=utcnow() - timedelta(days=6))
    kept = subscribe("kept@example.ee", Choice(), now=eight_days_ago)
    db.session.commit()
    confirm(kept, now=eight_days_ago)
    assert "erased 1 unconfirmed subscription(s)" in run_job(app, "erase_unconfirmed_subscribers")
    emails = set(db.session.scalars(select(Subscriber.email)))
    assert emails == {"fresh@example.ee", "kept@example.ee"}
    assert "stale@example.ee" not in set(db.session.scalars(select(Reminder.recipient)))


def test_an_unconfirmed_new_choice_lapses_and_the_old_one_stays(app):
    long_ago = utcnow() - timedelta(days=30)
    row = subscribe("kept@example.ee", Choice(cities=("tartu",)), now=long_ago)
    db.session.commit()
    confirm(row, now=long_ago)
    subscribe("kept@example.ee", Choice(cities=("parnu",)), now=long_ago)
    db.session.commit()
    assert erase_unconfirmed() == 0
    db.session.expire_all()
    row = db.session.scalar(select(Subscriber))
    assert row.cities == ["tartu"] and row.pending_choice is None and row.confirm_hash is None
