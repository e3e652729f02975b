"""The buttons on the imported-calendars page: each a form, so each carries a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm


class CalendarActionForm(FlaskForm):
    """Refresh, pause, resume or remove one calendar: no fields, the token is the point."""
