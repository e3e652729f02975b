"""Stale forms: a form carries the version it was opened on; saving it over a newer change
shows both versions and overwrites nothing.

Use it in three steps (the occurrence, outcome, indicator and series forms do; so can any other):

1. mix :class:`VersionedForm` into the FlaskForm (a hidden ``version`` field, rendered by
   ``hidden_tag()``) and call ``form.carry_version(obj.version)`` when showing it;
2. after validating, with the object read afresh (ideally locked), ask
   ``form.is_stale(obj.version)``;
3. if stale, ``return conflict_response(...)``: the conflict page (HTTP 409) with your values
   and the current ones field by field, the changes made since, a link to reload the current
   version and a button that re-applies yours on top of it.

A form posted without a version (a script, an old page) is not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any

from flask import render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from wtforms import HiddenField

from ..core.bounds import is_valid_id

EMPTY = "—"  # an empty value, here and in the history
NOT_COMPARED = ("csrf_token", "version")


class VersionedForm:
    """A mixin for FlaskForms: the hidden ``version`` the form was opened on."""

    version = HiddenField()

    def carry_version(self, version: int | None) -> None:
        if not self.is_submitted():
            self.version.data = "" if version is None else str(version)

    def opened_on(self) -> int | None:
        """The version the form was opened on; None when it carries none we could have sent."""
        try:
            version = int(str(self.version.data or "").strip())
        except (TypeError, ValueError):
            return None
        return version if is_valid_id(version) else None

    def is_stale(self, current: int | None) -> bool:
        """Whether the object changed since the form was opened. A form posted without a
        version is not checked; one with a version we could not have sent is stale."""
        if current is None or not str(self.version.data or "").strip():
            return False
        return self.opened_on() != current


@dataclass
class ConflictRow:
    label: str
    yours: str
    current: str

    @property
    def differs(self) -> bool:
        return self.yours != self.current


def shown(value: Any, choices: dict | None = None) -> str:
    """A form value as the conflict page shows it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return format_date(value, "d MMM y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple):
        return ", ".join(str((choices or {}).get(item, item)) for item in value)
    return str(value)


def _choices(field) -> dict:
    result = {}
    for choice in getattr(field, "choices", None) or []:
        value, label = (choice.value, choice.label) if hasattr(choice, "value") else choice[:2]
        result[value] = label
    return result


def compare(form, current: dict[str, Any]) -> list[ConflictRow]:
    """Field by field: what the form says and what ``current`` (field name → value, the same
    types as the form's data) holds now."""
    rows = []
    for field in form:
        if field.name in NOT_COMPARED or field.type in ("CSRFTokenField", "SubmitField"):
            continue
        choices = _choices(field)
        rows.append(
            ConflictRow(
                str(field.label.text),
                shown(field.data, choices),
                shown(current.get(field.name), choices),
            )
        )
    return rows


def conflict_response(
    form,
    *,
    title: str,
    back_url: str,
    rows: list[ConflictRow],
    changes: list,
    version: int,
    action_url: str | None = None,
):
    """The conflict page (409): nothing was saved. ``action_url`` (default: where the form
    was posted) gets the re-applied form (what ``form`` was sent), carrying the current
    ``version``."""
    resubmit = [
        (field.name, value)
        for field in form
        if field.name not in NOT_COMPARED
        for value in (field.raw_data or ())
    ]
    return render_template(
        "web/conflict.html",
        title=title,
        back_url=back_url,
        rows=rows,
        changes=changes,
        resubmit=resubmit,
        version=version,
        action_url=action_url or request.path,
    ), 409
