"""Fixtures for the reminder tests: a live SMTP sink and an app that sends through it."""

from __future__ import annotations

import pytest
from reminders_support import use_smtp
from smtp_sink import SmtpSink


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_app(app, smtp):
    use_smtp(app, smtp.port)
    return app


@pytest.fixture
def client(app):
    """A browser that prefers English, the language these tests read the pages in."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
