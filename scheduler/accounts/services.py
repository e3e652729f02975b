"""What signing in, signing out and managing accounts do; shared by the views and the CLI."""

from __future__ import annotations

import secrets
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .models import User, find_user


@cache
def _dummy_hash() -> str:
    """A hash made like real ones, checked for unknown emails so they cost the same time."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    The password is always checked against a hash of the same method and cost, also for an
    unknown email or a user without a password, so the answer time tells nothing.
    """
    user = find_user(email)
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


def end_sessions(user: User) -> None:
    """Every session and remember-me cookie of the user stops working."""
    user.end_sessions()
    db.session.commit()


def change_password(user: User, password: str) -> None:
    user.set_password(password)  # also ends the user's sessions
    db.session.commit()


def deactivate(user: User) -> None:
    user.active = False
    user.end_sessions()
    db.session.commit()
