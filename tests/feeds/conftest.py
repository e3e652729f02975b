"""Fixtures of the feeds tests (helpers live in feeds_helpers.py)."""

from __future__ import annotations

import pytest
from feeds_helpers import build_club_calendar

from tests.support.upcoming import upcoming  # noqa: F401 (a fixture)


@pytest.fixture
def club_calendar(app):
    """Tartu's weekly club (Q3 pause, holidays skipped, one occurrence moved across the
    spring DST change, one cancelled), a monthly meeting, a rule Outlook cannot map, a
    one-off info day, an internal meeting and an RDATE-only series."""
    return build_club_calendar()
