"""Signed, single-use links sent by mail: invitations, password resets, the first admin.

A link carries the person's id and a fingerprint of their password state, signed with the
app's SECRET_KEY (one salt per kind). Setting a password changes the fingerprint, so a link
stops working once used; its age is checked against the setting for its kind.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.exceptions import BadRequest, Gone

from ..extensions import db
from .models import Role, User

INVITATION = "accounts.invitation"
RESET = "accounts.password-reset"
FIRST_ADMIN = "accounts.first-admin"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _max_age(salt: str) -> timedelta:
    config = current_app.config
    if salt == INVITATION:
        return timedelta(days=config["INVITATION_MAX_AGE_DAYS"])
    if salt == RESET:
        return timedelta(minutes=config["PASSWORD_RESET_MAX_AGE_MINUTES"])
    return timedelta(days=config["FIRST_ADMIN_LINK_MAX_AGE_DAYS"])


def password_state(user: User) -> str:
    """Changes whenever the password is set: what makes a link single-use."""
    seed = f"{user.id}:{user.password_hash or ''}:{int(bool(user.active))}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:20]


def user_token(user: User, salt: str) -> str:
    return _serializer(salt).dumps({"u": user.id, "s": password_state(user)})


def first_admin_token() -> str:
    return _serializer(FIRST_ADMIN).dumps({"first": True})


def _loads(token: str, salt: str) -> dict:
    """The link's content; 400 if it was not made by us, 410 if it is too old."""
    if not token or len(token) > 500:
        raise BadRequest(_invalid())
    try:
        data = _serializer(salt).loads(token, max_age=_max_age(salt).total_seconds())
    except SignatureExpired as error:
        raise Gone(_expired()) from error
    except BadSignature as error:
        raise BadRequest(_invalid()) from error
    if not isinstance(data, dict):
        raise BadRequest(_invalid())
    return data


def user_of_token(token: str, salt: str) -> User:
    """The active person the link is for; 410 if it was used (or the person deactivated)."""
    data = _loads(token, salt)
    user_id = data.get("u")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise BadRequest(_invalid())
    if not user.is_active or data.get("s") != password_state(user):
        raise Gone(_used())
    return user


def check_first_admin_token(token: str) -> None:
    if _loads(token, FIRST_ADMIN).get("first") is not True:
        raise BadRequest(_invalid())
    if admin_exists():
        raise Gone(_admin_exists())


def admin_exists() -> bool:
    return db.session.query(User.id).filter(User.role == Role.ADMIN).first() is not None


def _invalid() -> str:
    from flask_babel import gettext as _

    return _("This link is not valid. Check that it was copied completely.")


def _expired() -> str:
    from flask_babel import gettext as _

    return _("This link has expired. Ask for a new one.")


def _used() -> str:
    from flask_babel import gettext as _

    return _("This link has already been used. Sign in, or ask for a new link.")


def _admin_exists() -> str:
    from flask_babel import gettext as _

    return _("An administrator already exists. Sign in instead.")
