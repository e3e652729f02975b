"""Rows and pages for the web through the policy: the one loader and the one decorator.

``load(Model, id, action)`` answers 404 when the row does not exist or is not the person's to
see (nobody learns which ids exist), and 403 when they see it but may not do ``action`` on it.
``@requires(action)`` guards a whole page: a visitor is sent to sign in, a signed-in person
without the right gets 403; ``permit(action, value)`` asks the same of a value that is no row
(a role to give). What "see" and every action mean is ``core/policy.py``'s alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user, login_required

from ..core.bounds import is_valid_id
from ..core.policy import can
from ..extensions import db

log = logging.getLogger(__name__)

Row = TypeVar("Row")

SEE = "see"


def load(model: type[Row], row_id: int | None, action: str = SEE, user=None) -> Row:
    """The row of ``model`` with this primary key, if ``user`` (default: the signed-in one)
    may see it (else 404) and do ``action`` on it (else 403)."""
    row = db.session.get(model, row_id) if isinstance(row_id, int) and is_valid_id(row_id) else None
    return admit(row, action, user)


def admit(row: Row | None, action: str = SEE, user=None) -> Row:
    """The loader's answer for a row found by other means (an indicator's code, a plan's
    year, a row locked for update)."""
    user = current_user if user is None else user
    if row is None or not can(user, SEE, row):
        abort(404)
    if action != SEE and not can(user, action, row):
        log.warning(
            "refused %s on %s %s for %s",
            action,
            getattr(row, "__tablename__", type(row).__name__),
            getattr(row, "id", "?"),
            getattr(user, "email", "anonymous"),
        )
        abort(403)
    return row


def permit(action: str, obj=None, user=None) -> None:
    """403 unless ``user`` (default: the signed-in one) may do ``action`` on ``obj``: for
    what is not a row to load (a role to give, an organisation's id in a form)."""
    user = current_user if user is None else user
    if not can(user, action, obj):
        abort(403)


def requires(action: str) -> Callable:
    """Decorate a view that only people who may do ``action`` (on nothing in particular) use:
    visitors are asked to sign in, others refused with 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            permit(action)
            return view(*args, **kwargs)

        return login_required(checked)

    return decorate
