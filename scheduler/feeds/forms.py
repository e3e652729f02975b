"""The private feed link forms (the feeds page and the account page): each carries a CSRF
token; the label is trimmed and cut to its column."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

LABEL_CHARS = 200


def _label(value: str | None) -> str | None:
    return (value or "").strip()[:LABEL_CHARS] or None


class FeedTokenForm(FlaskForm):
    label = StringField(_l("Label (e.g. Outlook at work)"), filters=[_label])


class RevokeFeedTokenForm(FlaskForm):
    """The revoke button: no fields, the token is the point."""
