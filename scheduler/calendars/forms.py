"""The imported-calendars page's forms: importing one by address or file, and the buttons
on each calendar. Each is a Flask-WTF form, so each carries a CSRF token."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ..events.models import EVENT_TYPES
from .fetch import is_url

NAME_CHARS = 200


def _known_type(value: str | None) -> str:
    return value if value in EVENT_TYPES else "other"


def _name(value: str | None) -> str | None:
    return (value or "").strip()[:NAME_CHARS] or None


def _stripped(value: str | None) -> str:
    return (value or "").strip()


class CalendarImportForm(FlaskForm):
    """A partner's calendar by its address or as an uploaded .ics file. The organisation is
    checked against the policy by the view (403), not here."""

    org = SelectField(_l("Organisation"), validate_choice=False)
    type = SelectField(
        _l("Event type"),
        choices=[SelectChoice(t, t) for t in EVENT_TYPES],
        validate_choice=False,
        filters=[_known_type],
    )
    name = StringField(_l("Name (optional)"), filters=[_name])
    url = StringField(_l("Address (https:// or webcal://)"), filters=[_stripped])
    file = FileField(_l("…or an .ics file"))

    def offer(self, organisations, locale: str) -> CalendarImportForm:
        self.org.choices = [SelectChoice(o.slug, o.display_name(locale)) for o in organisations]
        return self

    @property
    def upload(self):
        """The uploaded file, if one was chosen."""
        data = self.file.data
        return data if data is not None and getattr(data, "filename", None) else None

    def validate_org(self, field) -> None:
        if not field.data:
            raise ValidationError(gettext("Choose an organisation."))

    def validate_url(self, field) -> None:
        if not field.data and self.upload is None:
            raise ValidationError(gettext("Give the calendar's address or choose an .ics file."))
        if field.data and not is_url(field.data):
            raise ValidationError(
                gettext(
                    "Nothing was imported: %(reason)s",
                    reason=gettext("this address is not allowed"),
                )
            )


class CalendarActionForm(FlaskForm):
    """Refresh, pause, resume or remove one calendar: no fields, the token is the point."""
