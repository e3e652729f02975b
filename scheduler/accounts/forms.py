from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..core.localized import sorted_estonian
from ..organisations.models import OrganisationKind
from .addresses import AccountEmail
from .labels import ROLE_LABELS, language_autonyms
from .models import Role

MIN_PASSWORD = 10


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), AccountEmail()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


def _email_field():
    return EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254), AccountEmail()],
    )


def _language_choices() -> list[SelectChoice]:
    return [
        SelectChoice(code, name, render_kw={"lang": code})
        for code, name in language_autonyms().items()
    ]


def _language_field():
    return SelectField(_l("Language"), choices=_language_choices, default="et")


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class FirstAdminForm(NewPasswordForm):
    email = _email_field()
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class InviteForm(FlaskForm):
    email = _email_field()
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), validate_choice=True)
    organisation = SelectField(_l("Organisation"), validate_choice=True)
    locale = _language_field()

    def offer(self, roles, organisations, locale: str) -> None:
        """The roles and organisations the inviting person may choose from: the least role
        first and chosen unless another is asked for (least privilege), the partners before
        the 79 local governments."""
        least_first = sorted(roles, key=lambda role: -list(Role).index(role))
        self.role.choices = [SelectChoice(r.value, str(ROLE_LABELS[r])) for r in least_first]
        if not self.role.data and least_first:
            self.role.data = least_first[0].value
        governments = [o for o in organisations if o.kind == OrganisationKind.KOV]
        partners = [o for o in organisations if o.kind != OrganisationKind.KOV]
        choices = [SelectChoice("", "—")] * (len(organisations) != 1)
        choices += [SelectChoice(o.slug, o.display_name(locale)) for o in partners]
        if governments:
            label = str(_l("Local governments"))
            choices += [
                SelectChoice(o.slug, o.display_name(locale), optgroup=label)
                for o in sorted_estonian(governments, key=lambda o: o.display_name("et"))
            ]
        self.organisation.choices = choices


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )


class PreferencesForm(FlaskForm):
    locale = _language_field()
    reminders = BooleanField(_l("Send me reminder mail about my events"))


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token is checked."""
