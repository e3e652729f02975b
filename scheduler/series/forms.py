"""The series editor's form: every field of a plan file's series, the rule as plain controls
(or raw RRULE text), and the scope of a change."""

from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import get_day_names
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.bounds import MAX_NOTE_CHARS, is_reasonable_date
from ..core.localized import localized, with_texts
from ..core.policy import can
from ..core.vocabulary import EVENT_TYPES, LANGUAGES
from ..events.labels import HOLIDAY_LABELS, event_type_label
from ..events.models import SERIES_TEXTS
from ..extensions import db
from ..localisation import language_name
from ..organisations.models import Organisation, OrganisationKind
from ..plans.models import Activity
from ..plans.schema import format_range, parse_pause
from ..recurrence import RuleError
from ..web.conflicts import VersionedForm
from ..web.forms import TranslatedForm
from .definition import RuleControls, controls_for, rule_text
from .service import SeriesValues, activity_bounds

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TEXT = [Optional(), Length(max=300)]


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FormProblem(ValueError):
    """A value the form cannot turn into a series; ``field`` names where to show it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


RULE_KIND_LABELS = {
    "weekly": _l("Every N weeks on these days"),
    "monthly_day": _l("Monthly on day N"),
    "monthly_weekday": _l("Monthly on the Nth weekday"),
    "yearly": _l("Yearly"),
    "once": _l("Only on the start date and the specific dates"),
    "raw": _l("RRULE text"),
}
ORDINAL_LABELS = {
    "1": _l("first"),
    "2": _l("second"),
    "3": _l("third"),
    "4": _l("fourth"),
    "-1": _l("last"),
}
END_LABELS = {
    "never": _l("No end (its activity's timeframe)"),
    "until": _l("On a date"),
    "count": _l("After a number of events"),
}
SCOPE_LABELS = {
    "one": _l("Only this event"),
    "following": _l("This and following events"),
    "all": _l("All events"),
}


def _translated_title(language) -> StringField:
    return StringField(_l("Title (%(language)s)", language=language), validators=TEXT)


def _translated_description(language) -> TextAreaField:
    return TextAreaField(
        _l("Description (%(language)s)", language=language),
        validators=[Optional(), Length(max=MAX_NOTE_CHARS)],
    )


class SeriesForm(VersionedForm, TranslatedForm):
    TRANSLATED = {"title": _translated_title, "description": _translated_description}

    organisation = SelectField(_l("Organisation"), choices=[], validators=[DataRequired()])
    activity = SelectField(_l("Activity"), choices=[])
    event_type = SelectField(_l("Type"), choices=[], validators=[DataRequired()])
    title = StringField(_l("Title (Estonian)"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(
        _l("Description (Estonian)"), validators=[Optional(), Length(max=MAX_NOTE_CHARS)]
    )
    languages = MultiCheckboxField(_l("Working languages"), choices=[])
    location = StringField(_l("Place"), validators=TEXT)
    online_url = StringField(
        _l("Online link"), validators=[Optional(), Length(max=500), URL(require_tld=False)]
    )
    organisers = TextAreaField(_l("Organisers (email addresses, one a line)"))
    is_public = BooleanField(_l("Public (shown to everyone and in public feeds)"))
    start_date = DateField(_l("First date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    duration = IntegerField(
        _l("Duration (minutes)"), validators=[InputRequired(), NumberRange(1, 60 * 24 * 14)]
    )
    rule_kind = RadioField(_l("Repeats"), choices=_choices(RULE_KIND_LABELS), default="weekly")
    interval = IntegerField(
        _l("Every N (weeks, months or years)"),
        default=1,
        validators=[Optional(), NumberRange(1, 99)],
    )
    weekdays = MultiCheckboxField(_l("On these days"), choices=[])
    month_day = IntegerField(_l("Day of the month"), validators=[Optional(), NumberRange(1, 31)])
    ordinal = SelectField(_l("Which"), choices=_choices(ORDINAL_LABELS), default="1")
    ordinal_weekday = SelectField(_l("Weekday"), choices=[])
    raw_rule = StringField(_l("RRULE text"), validators=[Optional(), Length(max=500)])
    rdates = TextAreaField(_l("Specific dates (one a line, e.g. 2025-06-11 or 2025-06-11 09:00)"))
    exdates = TextAreaField(_l("Dates left out (one a line)"))
    pauses = TextAreaField(_l("Pauses (one a line, e.g. 2025-07-01/2025-08-31 or 2025-Q3)"))
    holiday_policy = SelectField(
        _l("On Estonian public holidays"), choices=_choices(HOLIDAY_LABELS), default="keep"
    )
    end_kind = RadioField(_l("Ends"), choices=_choices(END_LABELS), default="never")
    until = DateField(_l("Last date"), validators=[Optional()])
    count = IntegerField(_l("Number of events"), validators=[Optional(), NumberRange(1, 1000)])
    note = TextAreaField(
        _l("Assumptions (a note for planners)"), validators=[Optional(), Length(max=MAX_NOTE_CHARS)]
    )
    scope = RadioField(
        _l("Apply the change to"),
        choices=_choices(SCOPE_LABELS),
        validators=[Optional()],
        validate_choice=False,
    )
    occurrence = SelectField(_l("Starting from the event on"), choices=[], validate_choice=False)
    preview = SubmitField(_l("Preview"))

    def setup(self, user, series=None, occurrences=()) -> SeriesForm:
        """Choices for this user and, on a first GET, the series' values."""
        locale = str(get_locale())
        days = get_day_names("wide", locale=locale)
        day_choices = [SelectChoice(str(number), days[number]) for number in range(7)]
        self.weekdays.choices = day_choices
        self.ordinal_weekday.choices = day_choices
        self.event_type.choices = [
            SelectChoice(code, event_type_label(code)) for code in EVENT_TYPES
        ]
        self.languages.choices = [SelectChoice(code, language_name(code)) for code in LANGUAGES]
        self.organisation.choices = organisation_choices(user, series, locale)
        activities = sorted(db.session.scalars(select(Activity)), key=lambda a: _code_key(a.code))
        self.activity.choices = [SelectChoice("", "—")] + [
            SelectChoice(a.code, f"{a.code} {localized(a, 'title', locale)}") for a in activities
        ]
        self.occurrence.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(event.id), _local_label(event)) for event in occurrences
        ]
        if not self.is_submitted():
            self.fill(series)
        return self

    def fill(self, series) -> None:
        if series is None:
            self.languages.data = ["et"]
            self.is_public.data = True
            self.duration.data = 90
            return
        self.version.data = str(series.revision)
        self.organisation.data = str(series.organisation_id)
        self.activity.data = series.activity.code if series.activity else ""
        self.event_type.data = series.event_type
        for name in SERIES_TEXTS:
            if name != "translations":
                self.fill_texts(name, series)
        for name in ("location", "online_url"):
            getattr(self, name).data = getattr(series, name)
        self.note.data = series.note
        self.languages.data = list(series.languages or [])
        self.organisers.data = "\n".join(series.organisers or [])
        self.is_public.data = series.is_public
        self.start_date.data = series.start_date
        self.start_time.data = series.start_time
        self.duration.data = series.duration_minutes
        self.rdates.data = "\n".join(_shown_date(text) for text in series.rdates or [])
        self.exdates.data = "\n".join(_shown_date(text) for text in series.exdates or [])
        self.pauses.data = "\n".join(series.pauses or [])
        self.holiday_policy.data = series.holiday_policy
        controls = controls_for(series.rule)
        self.rule_kind.data = controls.kind
        self.interval.data = controls.interval
        self.weekdays.data = [str(day) for day in controls.weekdays]
        self.month_day.data = controls.month_day
        self.ordinal.data = str(controls.ordinal or 1)
        self.ordinal_weekday.data = str(
            controls.ordinal_weekday
            if controls.ordinal_weekday is not None
            else series.start_date.weekday()
        )
        self.raw_rule.data = controls.raw
        self.until.data, self.count.data = controls.until, controls.count
        self.end_kind.data = "count" if controls.count else "until" if controls.until else "never"

    def values(self, series=None) -> SeriesValues:
        """The series these fields describe; FormProblem names a field that cannot be read."""
        try:
            organisation_id = int(self.organisation.data)
        except (TypeError, ValueError):
            raise FormProblem("organisation", _("Not a valid choice.")) from None
        for name in ("start_date", "until"):
            day = getattr(self, name).data
            if day is not None and not is_reasonable_date(day):
                raise FormProblem(
                    name, _("%(value)s is not a date like 2025-06-11 09:00", value=day.isoformat())
                )
        activity = None
        if self.activity.data:
            activity = db.session.scalar(
                select(Activity).where(Activity.code == self.activity.data)
            )
            if activity is None:
                raise FormProblem("activity", _("Not a valid choice."))
        if series is not None and (activity.id if activity else None) == series.activity_id:
            bounds = (series.bound_start, series.bound_end)
        else:
            bounds = activity_bounds(activity.id if activity else None)
        start_time = self.start_time.data.replace(second=0, microsecond=0)
        return SeriesValues(
            organisation_id=organisation_id,
            activity_id=activity.id if activity else None,
            event_type=self.event_type.data,
            title=self.title.data.strip(),
            description=_text(self.description.data),
            translations=with_texts(
                with_texts({}, "title", self.texts("title")),
                "description",
                self.texts("description"),
            ),
            languages=[code for code in LANGUAGES if code in (self.languages.data or [])],
            location=_text(self.location.data),
            online_url=_text(self.online_url.data),
            organisers=self._organisers(),
            is_public=bool(self.is_public.data),
            start_date=self.start_date.data,
            start_time=start_time,
            duration_minutes=self.duration.data,
            rule=self._rule(),
            rdates=_local_dates(self.rdates.data, start_time, "rdates"),
            exdates=_local_dates(self.exdates.data, start_time, "exdates"),
            pauses=self._pauses(),
            holiday_policy=self.holiday_policy.data,
            note=_text(self.note.data),
            timezone=series.timezone if series is not None else current_app.config["TIMEZONE"],
            bound_start=bounds[0],
            bound_end=bounds[1],
        )

    def _organisers(self) -> list[str]:
        emails = [e.strip().lower() for e in re.split(r"[\s,;]+", self.organisers.data or "")]
        emails = [e for e in emails if e]
        for email in emails:
            if not _EMAIL.match(email) or len(email) > 254:
                raise FormProblem("organisers", _("%(value)s is not an email address", value=email))
        return list(dict.fromkeys(emails))

    def _rule(self) -> str | None:
        controls = RuleControls(
            kind=self.rule_kind.data or "weekly",
            interval=self.interval.data or 1,
            weekdays=tuple(_choice(self.weekdays, day) for day in self.weekdays.data or []),
            month_day=self.month_day.data,
            ordinal=_choice(self.ordinal, self.ordinal.data or "1"),
            ordinal_weekday=_choice(
                self.ordinal_weekday, self.ordinal_weekday.data or self.start_date.data.weekday()
            ),
            until=self.until.data if self.end_kind.data == "until" else None,
            count=self.count.data if self.end_kind.data == "count" else None,
            raw=self.raw_rule.data or "",
        )
        if controls.kind == "raw" and not controls.raw.strip():
            raise FormProblem("raw_rule", _("Type the rule, e.g. FREQ=WEEKLY;BYDAY=TU"))
        try:
            return rule_text(controls, self.start_date.data)
        except RuleError as error:
            raise FormProblem(
                "raw_rule" if controls.kind == "raw" else "rule_kind", str(error)
            ) from None

    def _pauses(self) -> list[str]:
        found = []
        for line in (self.pauses.data or "").splitlines():
            if line.strip():
                try:
                    found.append(format_range(parse_pause(line.strip())))
                except ValueError as error:
                    raise FormProblem("pauses", str(error)) from None
        return found


class SeriesPreviewForm(SeriesForm):
    """The editor's fields as the preview reads them: a GET query or a POST body, without a
    CSRF token, since a preview changes nothing. Always as typed: a GET is never "submitted"
    for Flask-WTF, but the editor's defaults (90 minutes, public, Estonian) or the saved
    series' values must not fill in what the query leaves out (an unticked box)."""

    class Meta:
        csrf = False

    series = IntegerField(validators=[Optional()])

    def fill(self, series) -> None:
        if series is not None:
            self.version.data = str(series.revision)


class WithdrawForm(VersionedForm, FlaskForm):
    """Withdraw a series: the token and the version the page was opened on."""


def organisation_choices(user, series, locale: str) -> list[SelectChoice]:
    """The organisations the user may make series for (and the series' own)."""
    organisations = db.session.scalars(
        select(Organisation).where(
            Organisation.kind.in_([OrganisationKind.IMPLEMENTER, OrganisationKind.PARTNER])
        )
    ).all()
    allowed = [org for org in organisations if can(user, "create_series", org.id)]
    if series is not None and series.organisation not in allowed:
        allowed.append(series.organisation)
    return [SelectChoice(str(org.id), org.display_name(locale)) for org in allowed]


def _choice(field, value) -> int:
    """A number among the field's choices (weekdays 0-6, ordinals): FormProblem otherwise,
    where int() would let -1 through as Sunday and 7 fail deep in the rule."""
    text = str(value).strip()
    if text not in {str(choice.value) for choice in field.choices}:
        raise FormProblem(field.name, _("%(value)s is not a valid choice", value=text))
    return int(text)


def _code_key(code: str) -> tuple:
    return tuple(int(part) for part in code.split(".")) if code else ()


def _local_label(event) -> str:
    from flask_babel import format_datetime

    return format_datetime(event.start, "EEE d MMM y, HH:mm")


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _shown_date(text: str) -> str:
    return text.replace("T", " ")


def _local_dates(text: str | None, default_time, field: str) -> list[str]:
    """ "2025-06-11" or "2025-06-11 09:00" a line, as local ISO datetimes to the minute."""
    found = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            if len(line) <= 10:
                moment = datetime.combine(date.fromisoformat(line), default_time)
            else:
                moment = datetime.fromisoformat(line.replace(" ", "T", 1))
        except ValueError:
            raise FormProblem(
                field, _("%(value)s is not a date like 2025-06-11 09:00", value=line)
            ) from None
        if moment.tzinfo is not None or not is_reasonable_date(moment.date()):
            raise FormProblem(field, _("%(value)s is not a date like 2025-06-11 09:00", value=line))
        found.append(f"{moment:%Y-%m-%dT%H:%M}")
    return sorted(set(found))
