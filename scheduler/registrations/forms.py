"""The public registration form and the buttons behind the personal link."""

from __future__ import annotations

from datetime import UTC

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..accounts.addresses import AccountEmail
from ..core.bounds import MAX_ATTENDANCE, MAX_ID, MAX_NOTE_CHARS
from ..core.localized import SOURCE, with_texts
from ..core.time import zone
from ..events.forms import kov_choices
from ..web.forms import HoneypotForm, TranslatedForm
from .models import (
    DEFAULT_CLOSES_BEFORE_MINUTES,
    SETTING_FIELDS,
    RegistrationMode,
    RegistrationSettings,
)

#: the honeypot's name: a field people never see; what fills it is a robot
HONEYPOT = "website"


class RegistrationForm(HoneypotForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), AccountEmail()])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=40)])
    kov = SelectField(_l("Your local government"), validators=[Optional()], validate_choice=True)
    accessibility = TextAreaField(
        _l("Accessibility needs (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE_CHARS)],
    )
    answer = TextAreaField(validators=[Optional(), Length(max=MAX_NOTE_CHARS)])
    consent = BooleanField(
        _l("I agree that my data is kept for this registration as described above."),
        validators=[DataRequired(_l("Registration needs your consent."))],
    )

    def ask_only(self, settings: RegistrationSettings, question: str | None) -> None:
        """Drop the optional questions this occurrence does not ask."""
        if not settings.ask_phone:
            del self.phone
        if settings.ask_kov:
            self.kov.choices = [SelectChoice("", "—"), *kov_choices()]
        else:
            del self.kov
        if not settings.ask_accessibility:
            del self.accessibility
        if question:
            self.answer.label.text = question
        else:
            del self.answer


class PersonalActionForm(FlaskForm):
    action = HiddenField(validators=[AnyOf(["confirm", "cancel", "erase"])])


class CheckInForm(FlaskForm):
    registration_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    submit = SubmitField(_l("Present"))


class TapForm(FlaskForm):
    """A tap or a scan sent by the check-in page's script: a registration's id, or the code
    of a QR image (or the URL that holds it)."""

    registration = StringField(validators=[Optional(), Length(max=11)])
    code = StringField(validators=[Optional(), Length(max=2000)])


class WalkInForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kov = SelectField(_l("Local government"), validators=[Optional()], validate_choice=True)
    submit = SubmitField(_l("Add a walk-in"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kov.choices = [SelectChoice("", "—"), *kov_choices()]


class OutcomeFromCheckInForm(FlaskForm):
    """The outcome as check-in saw it; the organiser confirms or corrects it."""

    attendance = IntegerField(
        _l("How many came?"), validators=[Optional(), NumberRange(0, MAX_ATTENDANCE)]
    )
    kovs = SelectMultipleField(_l("Which local governments took part?"), choices=[])
    submit = SubmitField(_l("Record as held"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kovs.choices = kov_choices()


class DecisionForm(FlaskForm):
    """Accept or decline a registration that awaits approval (the button's value)."""

    decision = HiddenField(validators=[AnyOf(["accept", "decline"])])


class WriteForm(FlaskForm):
    """A message to everyone registered for an occurrence."""

    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=150)])
    text = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MAX_NOTE_CHARS)])
    submit = SubmitField(_l("Send to everyone registered"))


#: "as the series": an occurrence without settings of its own
INHERIT = "series"
MODES = [
    SelectChoice("off", _l("Off")),
    SelectChoice("open", _l("Open")),
    SelectChoice("approval", _l("By approval")),
]
QUESTION = [Optional(), Length(max=MAX_NOTE_CHARS)]


def _translated_question(language) -> TextAreaField:
    return TextAreaField(
        _l("The free question (%(language)s)", language=language), validators=QUESTION
    )


class SettingsForm(TranslatedForm):
    TRANSLATED = {"question": _translated_question}

    """A series' registration settings, or one occurrence's override."""

    mode = SelectField(_l("Registration"), choices=MODES)
    capacity = IntegerField(
        _l("Places (empty: no limit)"), validators=[Optional(), NumberRange(0, 100_000)]
    )
    waitlist = BooleanField(_l("Keep a waiting list once the places are taken"))
    opens_at = DateTimeLocalField(
        _l("Opens (empty: at once)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("Closes (empty: before the start, as below)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    closes_before_minutes = IntegerField(
        _l("Otherwise closes this many minutes before the start"),
        validators=[InputRequired(), NumberRange(0, 60 * 24 * 60)],
        default=DEFAULT_CLOSES_BEFORE_MINUTES,
    )
    ask_phone = BooleanField(_l("Ask for a phone number"))
    ask_kov = BooleanField(_l("Ask for the local government"))
    ask_accessibility = BooleanField(_l("Ask about accessibility needs"))
    question = TextAreaField(_l("A free question (Estonian)"), validators=QUESTION)
    submit = SubmitField(_l("Save"))

    def for_occurrence(self) -> None:
        """One occurrence may also follow its series."""
        self.mode.choices = [SelectChoice(INHERIT, _l("As the series")), *MODES]

    def fill(self, settings: RegistrationSettings | None, tz: str) -> None:
        """Show the stored settings (times in the series' zone)."""
        if settings is None:
            return
        for name in SETTING_NAMES:
            self[name].data = getattr(settings, name)
        self.fill_texts("question", settings)
        self.mode.data = str(settings.mode)
        for name in ("opens_at", "closes_at"):
            value = getattr(settings, name)
            self[name].data = value.astimezone(zone(tz)).replace(tzinfo=None) if value else None

    def values(self, tz: str) -> dict:
        """What to store: the settings' fields, times as instants."""
        values = {name: self[name].data for name in SETTING_NAMES}
        values["mode"] = RegistrationMode(self.mode.data)
        questions = self.texts("question")
        values["question"] = questions[SOURCE]
        values["translations"] = with_texts({}, "question", questions)
        for name in ("opens_at", "closes_at"):
            local = self[name].data
            values[name] = local.replace(tzinfo=zone(tz)).astimezone(UTC) if local else None
        return values

    def validate_closes_at(self, field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("Registration must close after it opens."))


#: the settings the form writes as they are (mode and times are converted)
SETTING_NAMES = tuple(
    name for name in SETTING_FIELDS if name not in ("mode", "opens_at", "closes_at", "translations")
)
