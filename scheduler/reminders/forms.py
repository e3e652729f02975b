"""The reminders' forms: the no-password follow-up form (reached from a signed link in the
reminder mail), the opt-out button behind another such link, and the outbox's retry button."""

from __future__ import annotations

from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from ..core.bounds import MAX_ATTENDANCE, MAX_NOTE_CHARS


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        if valuelist and (valuelist[0] or "").strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError:
                self.data = None
                raise ValueError(_l("Attendance must be a whole number.")) from None
        else:
            self.data = None


def _at_most(_form, field):
    if field.data is not None and field.data > MAX_ATTENDANCE:
        raise ValidationError(
            gettext("Attendance must be at most %(limit)s.", limit=format_number(MAX_ATTENDANCE))
        )


def _note_length(_form, field):
    if field.data and len(field.data.strip()) > MAX_NOTE_CHARS:
        raise ValidationError(
            gettext("The note is too long (at most %(limit)s characters).", limit=MAX_NOTE_CHARS)
        )


class FollowupForm(FlaskForm):
    held = RadioField(
        choices=[SelectChoice("yes", "yes"), SelectChoice("no", "no")],
        validators=[InputRequired(message=_l("Please say whether the event was held."))],
    )
    attendance = WholeNumberField(
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Attendance cannot be negative.")),
            _at_most,
        ]
    )
    kov = SelectMultipleField(choices=[])
    note = TextAreaField(validators=[Optional(), _note_length])

    def values(self) -> dict:
        """The validated outcome, as ``record_outcome`` takes it."""
        return {
            "held": self.held.data == "yes",
            "attendance": self.attendance.data,
            "kov_slugs": list(self.kov.data or []),
            "note": (self.note.data or "").strip() or None,
        }


class OptOutForm(FlaskForm):
    """Stop ("out", the default) or resume ("in") reminder mail to the link's address."""

    action = HiddenField(default="out")


class RetryForm(FlaskForm):
    """Queue a failed reminder again: no fields, the token is the point."""
