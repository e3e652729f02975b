"""Fixtures for the registration tests: a training with a few places, a month ahead, and a
real SMTP server (aiosmtpd) the app sends through."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.core.time import utcnow, zone
from scheduler.extensions import db
from tests.factories import expand, make_org, make_series
from tests.reminders.reminders_support import smtp  # noqa: F401 (a fixture)


@pytest.fixture
def training(app):
    """A one-off public training 30 days from now, organised by Tartu."""
    day = (utcnow() + timedelta(days=30)).astimezone(zone()).date()
    series = make_series(
        "training",
        org=make_org("tartu"),
        rule=None,
        start=day,
        bounds=None,
        title="Koolitus",
        title_en="Training",
        title_ru="Тренинг",
        event_type="training",
        organisers=["korraldaja@tartu.ee"],
    )
    expand(series)
    db.session.commit()
    return series


@pytest.fixture
def event(training):
    return training.events[0]


@pytest.fixture
def client(app):
    """A browser that prefers English, the language these tests read the pages in."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def registered(training, event):
    """Mari Maasikas and Jaan Tamm hold places (five, no waiting list)."""
    from registrations_support import sign_up

    from scheduler.registrations.service import confirm, open_series

    open_series(training, capacity=5, waitlist=False)
    rows = [sign_up(event, who) for who in ("mari maasikas", "jaan tamm")]
    for row in rows:
        confirm(row.id)
    return rows
