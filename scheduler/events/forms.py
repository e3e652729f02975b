"""The forms that change one occurrence: validation and CSRF in one place.

Views hand the validated data to :mod:`.service`, which re-times reminders and notifies
organisers through its signals, exactly as the CLI does.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import pycountry
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.bounds import MAX_ATTENDANCE, MAX_NOTE_CHARS
from ..core.localized import estonian_key
from ..core.time import zone
from ..extensions import db
from ..organisations.models import Organisation
from ..web.conflicts import VersionedForm
from ..web.forms import TranslatedForm
from .models import Event

NOTE = [Optional(), Length(max=MAX_NOTE_CHARS)]


@lru_cache(maxsize=32)
def county_name(county_code: str | None) -> str:
    if not county_code:
        return "—"
    try:
        found = pycountry.subdivisions.get(code=f"EE-{county_code}")
    except (KeyError, LookupError):
        found = None
    return found.name if found is not None else county_code


def kov_choices() -> list[SelectChoice]:
    """The local governments grouped by county (each group an <optgroup>), counties and
    names in Estonian alphabetical order."""
    kovs = db.session.scalars(select(Organisation).where(Organisation.ehak_code.is_not(None))).all()
    return [
        SelectChoice(kov.slug, kov.name, optgroup=county_name(kov.county_code))
        for kov in sorted(
            kovs, key=lambda o: (estonian_key(county_name(o.county_code)), estonian_key(o.name))
        )
    ]


def suggested_kovs(event: Event) -> list[str]:
    """What the picker shows selected: the recorded participants, else the organisation's
    own local government."""
    if event.participants:
        return [o.slug for o in event.participants]
    org = event.series.organisation
    return [org.slug] if org is not None and org.ehak_code else []


class OccurrenceForm(VersionedForm, FlaskForm):
    """A form on an event's page: it carries the event's version (a stale one gets the
    conflict page) and, unless ``prefilled`` is off, is filled from the event as it is now."""

    prefilled = True

    def current_values(self, event: Event) -> dict:
        """What each field shows for the event as it is now."""
        return {}

    def for_event(self, event: Event):
        self.carry_version(event.version)
        if self.prefilled and not self.is_submitted():
            for name, value in self.current_values(event).items():
                getattr(self, name).data = value
        return self


class OutcomeForm(OccurrenceForm):
    attendance = IntegerField(
        _l("How many came?"), validators=[Optional(), NumberRange(0, MAX_ATTENDANCE)]
    )
    kovs = SelectMultipleField(_l("Which local governments took part?"), choices=[])
    note = TextAreaField(_l("Note"), validators=NOTE)

    def current_values(self, event: Event) -> dict:
        return {
            "attendance": event.attendance,
            "kovs": suggested_kovs(event),
            "note": event.notes,
        }

    def for_event(self, event: Event) -> OutcomeForm:
        self.kovs.choices = kov_choices()
        return super().for_event(event)


class NotHeldForm(OccurrenceForm):
    prefilled = False
    note = TextAreaField(_l("Note"), validators=NOTE)

    def current_values(self, event: Event) -> dict:
        return {"note": event.notes}


def _translated_reason(language) -> StringField:
    return StringField(
        _l("Reason for cancelling (%(language)s)", language=language), validators=NOTE
    )


class CancelForm(OccurrenceForm, TranslatedForm):
    prefilled = False
    TRANSLATED = {"reason": _translated_reason}
    reason = StringField(_l("Reason for cancelling"), validators=NOTE)

    def current_values(self, event: Event) -> dict:
        return {"reason": event.notes}


class RestoreForm(OccurrenceForm):
    """No fields but the version: the token is the point."""


class MoveForm(OccurrenceForm):
    date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at"), validators=[Optional()])

    def current_values(self, event: Event) -> dict:
        local = zone(event.series.timezone)
        start, end = event.start.astimezone(local), event.end.astimezone(local)
        return {"date": start.date(), "start_time": start.time(), "end_time": end.time()}

    def instants(self, event: Event) -> tuple[datetime, datetime | None]:
        """Wall-clock date and times in the series' zone; an end before the start is on the
        next day (an evening event running past midnight)."""
        from datetime import timedelta

        local = zone(event.series.timezone)
        start = datetime.combine(self.date.data, self.start_time.data, tzinfo=local)
        if self.end_time.data is None:
            return start, None
        end = datetime.combine(self.date.data, self.end_time.data, tzinfo=local)
        if end <= start:
            end = datetime.combine(
                self.date.data + timedelta(days=1), self.end_time.data, tzinfo=local
            )
        return start, end


class EditForm(OccurrenceForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=NOTE)
    notes = TextAreaField(_l("Notes"), validators=NOTE)

    def current_values(self, event: Event) -> dict:
        return {
            "title": event.display_title,
            "location": event.display_location,
            "description": event.description,
            "notes": event.notes,
        }


OUTCOME_CHOICES = [
    SelectChoice("", _l("not yet")),
    SelectChoice("held", _l("held")),
    SelectChoice("not_held", _l("not held")),
]


class OutcomeRow(Form):
    """One row of the worklist table."""

    event_id = HiddenField(validators=[DataRequired()])
    outcome = SelectField(_l("Outcome"), choices=OUTCOME_CHOICES, default="")
    attendance = IntegerField(
        _l("How many came?"), validators=[Optional(), NumberRange(0, MAX_ATTENDANCE)]
    )
    kovs = SelectMultipleField(_l("Which local governments took part?"), choices=[])
    note = StringField(_l("Note"), validators=NOTE)


class WorklistForm(FlaskForm):
    """A row per awaiting event; rows left at "not yet" are skipped."""

    rows = FieldList(FormField(OutcomeRow), min_entries=0, max_entries=200)
