"""The one rule for the email address of an account, used by every form and command.

Addresses are checked by email-validator without DNS (no deliverability check), with its
test environment on: the reserved ``.test`` domain (RFC 2606), where a site run for testing
keeps its people, is accepted; other special-use names (``.local``, ``localhost``,
``.invalid``) are not. The stored form is the normalised address in lower case.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

MAX_LENGTH = 254


class InvalidEmail(ValueError):
    """Not an address an account can have; the message says why (in English)."""


def normalise_email(text: str) -> str:
    """The address as accounts store and look it up, or InvalidEmail."""
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise InvalidEmail(f"longer than {MAX_LENGTH} characters")
    try:
        checked = validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from error
    return checked.normalized.lower()


def cli_email(email: str, param_hint: str = "EMAIL") -> str:
    """``normalise_email`` for a command's argument: a usage error (exit 2) if invalid."""
    import click

    try:
        return normalise_email(email)
    except InvalidEmail as error:
        message = f"not a valid email address: {error}"
        raise click.BadParameter(message, param_hint=param_hint) from error


class AccountEmail:
    """The WTForms validator for ``normalise_email``: the field's data becomes the stored form."""

    def __init__(self, message=None) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        try:
            field.data = normalise_email(field.data)
        except InvalidEmail as error:
            raise ValidationError(self.message or _l("Enter a valid email address.")) from error
