"""Fixtures for the subscription tests: the coming public events, a real SMTP server
(aiosmtpd) the dispatcher sends to, and a browser that reads English."""

from __future__ import annotations

import pytest

from tests.reminders.reminders_support import smtp  # noqa: F401 (a fixture)
from tests.support.upcoming import upcoming  # noqa: F401 (a fixture)


@pytest.fixture
def client(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
