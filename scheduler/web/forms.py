"""Forms the web layer reads for every feature."""

from __future__ import annotations

from typing import TypeVar

from flask import abort, flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

Form = TypeVar("Form", bound=FlaskForm)


def submitted(form: Form) -> Form:
    """The posted form, valid (its CSRF token included), else 400: for buttons and pickers
    whose only wrong values are ones no page of ours offers, nothing to show next to a field."""
    if not form.validate_on_submit():
        abort(400)
    return form


def flash_errors(form: FlaskForm) -> None:
    """Each of the form's errors as a message, its field's label first (for forms whose page
    is redirected to rather than shown again)."""
    for field, messages in form.errors.items():
        label = getattr(getattr(form, field, None), "label", None)
        for message in messages:
            flash(f"{label.text}: {message}" if label else str(message), "error")


class HoneypotForm(FlaskForm):
    """A public form with a field people never see (the page hides it from eyes and screen
    readers): what fills it is a robot, which the view tells that it worked and ignores."""

    website = StringField(_l("Leave this field empty"))

    def is_robot(self) -> bool:
        return bool((self.website.data or "").strip())
