"""Helpers for the reminder tests: local times, events built without a rule, SMTP settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduler.events import signals
from scheduler.events.models import Event, EventStatus
from scheduler.extensions import db, mail


def make_event(series, start: datetime, minutes: int = 90) -> Event:
    """An occurrence row announced the way expansion announces it."""
    start = start.astimezone(UTC)
    event = Event(
        series=series,
        original_start=start,
        start=start,
        end=start + timedelta(minutes=minutes),
        status=EventStatus.PLANNED,
    )
    db.session.add(event)
    db.session.flush()
    signals.occurrence_scheduled.send(event)
    return event


def use_smtp(app, port: int) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)  # Flask-Mail reads its settings when initialised


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) on a free loopback port, which the app sends through;
    import it into a test module or conftest to use it."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    use_smtp(app, sink.port)
    yield sink
    sink.stop()
