"""Forms the web layer reads for every feature."""

from __future__ import annotations

from functools import cache
from typing import TypeVar

from flask import abort, flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from ..core.localized import SOURCE, flat_name, texts_of, translated_languages

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


class _LanguageName:
    """The name of a language in the page's language, when a label is shown."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __str__(self) -> str:
        from ..localisation import language_name

        return language_name(self.code)


class _TranslatedFormMeta(type(FlaskForm)):
    def __call__(cls, *args, **kwargs):
        made = _with_languages(cls, translated_languages())
        return super(_TranslatedFormMeta, made).__call__(*args, **kwargs)


class TranslatedForm(FlaskForm, metaclass=_TranslatedFormMeta):
    """A form with a text in every configured language (``core.localized``): for each name
    in ``TRANSLATED`` (``{"title": make_field}``), a field per language other than the
    official one, named ``title_ru`` and made by ``make_field(language_name)``. The fields
    follow the LANGUAGES setting: a new language needs no change here or in the form."""

    TRANSLATED: dict = {}

    def translated_fields(self, field: str) -> list[tuple[str, object]]:
        """(language code, form field) of ``field`` in each language but the official one."""
        return [(code, self[flat_name(field, code)]) for code in translated_languages()]

    def texts(self, field: str) -> dict[str, str | None]:
        """What was typed for ``field`` in each language, by code (blank ones as None)."""
        typed = {SOURCE: self[field].data}
        typed |= {code: box.data for code, box in self.translated_fields(field)}
        return {code: (text or "").strip() or None for code, text in typed.items()}

    def fill_texts(self, field: str, row) -> None:
        """Show ``row``'s ``field`` in each language."""
        for code, text in texts_of(row, field).items():
            self[flat_name(field, code)].data = text


@cache
def _with_languages(cls: type, codes: tuple[str, ...]) -> type:
    if "_languages" in cls.__dict__:  # already made for a set of languages
        return cls
    fields = {
        flat_name(field, code): make(_LanguageName(code))
        for field, make in cls.TRANSLATED.items()
        for code in codes
    }
    namespace = {**fields, "_languages": codes, "__module__": cls.__module__}
    return type(cls)(cls.__name__, (cls,), namespace)
