"""Admins' forms on the plan page: the same changes as `flask plan roll / publish`.

The year is in the URL; the forms carry only their CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm


class RollForm(FlaskForm):
    """Draft the next year's plan from this one."""


class PublishForm(FlaskForm):
    """Publish this year's draft."""
