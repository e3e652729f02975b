"""The fill-in form of one worklist row: which text, and its versions in further languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.bounds import MAX_ID, MAX_NOTE_CHARS
from ..web.forms import TranslatedForm
from .worklist import KINDS

FIELDS = ("title", "description", "cancel_reason", "name")


def _translated_text(language) -> TextAreaField:
    return TextAreaField(
        _l("In %(language)s", language=language),
        validators=[Optional(), Length(max=MAX_NOTE_CHARS)],
    )


class FillForm(TranslatedForm):
    TRANSLATED = {"text": _translated_text}
    text = HiddenField()  # the official text is not changed here
    kind = SelectField(
        choices=[SelectChoice(kind, kind) for kind in KINDS], validators=[DataRequired()]
    )
    row_id = IntegerField(validators=[DataRequired(), NumberRange(1, MAX_ID)])
    field = SelectField(
        choices=[SelectChoice(name, name) for name in FIELDS], validators=[DataRequired()]
    )

    def typed(self) -> dict[str, str | None]:
        """The versions typed, by language: only those the page offered (and so posted)."""
        return {code: box.data for code, box in self.translated_fields("text") if box.raw_data}
