"""The subscription form (public) and the form behind the "change your choices" link."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField
from wtforms.validators import DataRequired, Length

from ..accounts.addresses import AccountEmail
from ..core.localized import localized
from ..core.vocabulary import EVENT_TYPES
from ..events import presentation as show
from ..events.labels import event_type_label
from ..events.queries import partner_organisations
from ..localisation import language_name
from ..series.forms import MultiCheckboxField
from ..web.forms import HoneypotForm
from .choices import IMMEDIATE, ONLINE, WEEKLY, Choice

FREQUENCY_LABELS = {
    WEEKLY: _l("Weekly: new and changed events, on Monday mornings"),
    IMMEDIATE: _l(
        "Immediate: the weekly mail, and a mail at once when an event of the next 7 days "
        "is cancelled or moved"
    ),
}


class ChoiceForm(FlaskForm):
    cities = MultiCheckboxField(_l("Cities"), choices=[])
    languages = MultiCheckboxField(_l("Events held in"), choices=[])
    types = MultiCheckboxField(_l("Types of event"), choices=[])
    frequency = RadioField(_l("How often"), choices=[], default=WEEKLY)
    mail_language = RadioField(_l("Language of the mail"), choices=[])

    def offer(self, language: str) -> None:
        """The choices, named in the page's ``language`` (the mail languages in their own)."""
        languages = current_app.config["LANGUAGES"]
        self.cities.choices = [
            *((org.slug, localized(org, "name", language)) for org in partner_organisations()),
            (ONLINE, _l("Online")),
        ]
        self.languages.choices = show.language_names(languages, language)
        self.types.choices = [(code, event_type_label(code)) for code in EVENT_TYPES]
        self.frequency.choices = list(FREQUENCY_LABELS.items())
        self.mail_language.choices = [(code, language_name(code, code)) for code in languages]
        if not self.mail_language.data:
            self.mail_language.data = language if language in languages else languages[0]

    def fill(self, choice: Choice) -> None:
        self.cities.data, self.languages.data = list(choice.cities), list(choice.languages)
        self.types.data, self.frequency.data = list(choice.types), choice.frequency
        self.mail_language.data = choice.mail_language

    def choice(self) -> Choice:
        return Choice(
            cities=tuple(self.cities.data or ()),
            languages=tuple(self.languages.data or ()),
            types=tuple(self.types.data or ()),
            frequency=self.frequency.data,
            mail_language=self.mail_language.data,
        )


class SubscriptionForm(ChoiceForm, HoneypotForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), AccountEmail()])
    consent = BooleanField(
        _l("I agree that my email address is kept for these alerts as described above."),
        validators=[DataRequired(_l("Email alerts need your consent."))],
    )
