"""Admins' forms on an indicator's page: the same changes as ``flask indicators set / revise /
close-year``, through the same service functions. The value and target forms carry the
indicator's version: one opened before another change gets the conflict page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..web.conflicts import VersionedForm

YEARS = NumberRange(2000, 2100)


class ManualValueForm(VersionedForm, FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), YEARS])
    value = StringField(_l("Value"), validators=[DataRequired(), Length(max=40)])
    evidence = TextAreaField(
        _l("Evidence: what shows this figure"), validators=[DataRequired(), Length(max=5000)]
    )
    as_of = DateField(_l("As of"), validators=[Optional()])

    def arguments(self) -> dict:
        """The service's ``set_manual_value`` arguments (after the indicator's code)."""
        return {
            "year": self.year.data,
            "value": self.value.data,
            "evidence": self.evidence.data,
            "as_of": self.as_of.data,
        }


class TargetForm(VersionedForm, FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), YEARS])
    value = StringField(_l("New target"), validators=[DataRequired(), Length(max=40)])
    reason = TextAreaField(
        _l("Why the target changes"), validators=[DataRequired(), Length(max=5000)]
    )
    final = BooleanField(_l("The final (2029) target"))

    def arguments(self) -> dict:
        """The service's ``revise_target`` arguments (after the indicator's code)."""
        return {
            "year": self.year.data,
            "value": self.value.data,
            "reason": self.reason.data,
            "kind": "final" if self.final.data else "year",
        }


class CloseYearForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), YEARS])
    note = StringField(_l("Note (e.g. the submission's reference)"), validators=[Length(max=500)])

    def arguments(self) -> dict:
        """The service's ``close_year`` arguments."""
        return {"year": self.year.data, "note": self.note.data or None}
