"""Checks every request passes before a view runs: what no view could use is refused here."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _

from ..core.bounds import is_valid_id


def ids_within_database_range(_endpoint: str | None, values: dict | None) -> None:
    """An id beyond the database's integer range names nothing: 404, not a database error."""
    for value in (values or {}).values():
        if isinstance(value, int) and not isinstance(value, bool) and not is_valid_id(value):
            abort(404)


def refuse_nul_bytes() -> None:
    """NUL is never text people type; PostgreSQL refuses it in every text column."""
    if "\x00" in request.path or _has_nul(request.args) or _has_nul_in_form():
        abort(400, description=_("The request contains a NUL character."))


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def _has_nul_in_form() -> bool:
    return request.method in ("POST", "PUT", "PATCH") and _has_nul(request.form)
