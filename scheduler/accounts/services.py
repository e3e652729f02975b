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


# --- invitations, password resets, the first admin, people --------------------------------


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why (translated)."""


def invite(
    email: str,
    role,
    organisation,
    *,
    name: str | None = None,
    locale: str = "et",
    inviter: User | None = None,
) -> tuple[User, str, str | None]:
    """Create (or refresh) the invited person and mail them a link.

    Returns the person, the link and why the mail could not be sent (None: it was sent); an
    unsent invitation can be sent again. A person who already has a password is not invited
    again: they can reset it.
    """
    from flask_babel import gettext as _

    from .links import INVITATION, user_token
    from .models import Role

    role = Role(role)
    if role == Role.COORDINATOR and organisation is None:
        raise AccountError(_("A coordinator needs an organisation."))
    user = find_user(email)
    if user is not None and user.password_hash:
        raise AccountError(_("This person already has an account."))
    if user is None:
        user = User(email=email.strip().lower())
        db.session.add(user)
    user.role, user.organisation, user.locale = role, organisation, locale
    user.name = name or user.name
    user.active = True
    db.session.flush()
    link = link_to("accounts.accept_invitation", token=user_token(user, INVITATION))
    db.session.commit()
    return user, link, _send(user, "invitation", link=link, inviter=inviter)


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active person has this email; otherwise do nothing."""
    from .links import RESET, user_token

    user = find_user(email)
    if user is None or not user.is_active:
        return
    link = link_to("accounts.reset_password", token=user_token(user, RESET))
    _send(user, "reset", link=link)  # a failure is logged; the answer stays the same


def _send(user: User, kind: str, **context) -> str | None:
    """Send one account mail now; the reason it failed, or None."""
    import logging

    from ..reminders.transport import DeliveryError
    from .mail import send_account_mail

    try:
        send_account_mail(user, kind, **context)
    except DeliveryError as error:
        logging.getLogger(__name__).error("%s mail to user %s failed: %s", kind, user.id, error)
        return str(error)
    return None


def create_first_admin(email: str, password: str, name: str | None = None) -> User:
    from .models import Role

    user = find_user(email) or User(email=email.strip().lower())
    user.role, user.active = Role.ADMIN, True
    user.name = name or user.name
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def reactivate(user: User) -> None:
    user.active = True
    db.session.commit()


def set_role(user: User, role) -> None:
    """A new role ends the person's sessions, so pages they have open cannot act on the old one."""
    from .models import Role

    user.role = Role(role)
    user.end_sessions()
    db.session.commit()


def link_to(endpoint: str, **values) -> str:
    """An absolute address under BASE_URL (also from the command line)."""
    from flask import current_app, url_for

    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)
