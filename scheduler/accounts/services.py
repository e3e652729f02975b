"""What signing in, signing out and managing accounts do; shared by the views and the CLI."""

from __future__ import annotations

import secrets
from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..mail.message import link_to
from .models import User, find_user


def _dummy_hash() -> str:
    """A hash made like real ones, checked for unknown emails so they cost the same time."""
    return _dummy_hash_by(current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _dummy_hash_by(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


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
    """Create the invited person (or take up their pending invitation) and mail them a link.

    Returns the person, the link and why the mail could not be sent (None: it was sent); an
    unsent invitation can be sent again. Only a pending invitation the inviter may manage is
    sent again (with the role and organisation they give now); a person with a password, a
    deactivated person, or an invitation with rights beyond the inviter's is left as it is
    and AccountError says why. ``inviter`` None is the command line, which may do anything.
    """
    from flask_babel import gettext as _

    from .links import INVITATION, user_token
    from .models import Role

    role = Role(role)
    if role == Role.COORDINATOR and organisation is None:
        raise AccountError(_("A coordinator needs an organisation."))
    user = find_user(email)
    if user is not None:
        _refuse_to_take_over(user, inviter)
    else:
        user = User(email=email.strip().lower())
        db.session.add(user)
    user.role, user.organisation, user.locale = role, organisation, locale
    user.name = name or user.name
    db.session.flush()
    link = link_to("accounts.accept_invitation", token=user_token(user, INVITATION))
    db.session.commit()
    return user, link, _send(user, "invitation", link=link, inviter=inviter)


def _refuse_to_take_over(user: User, inviter: User | None) -> None:
    """AccountError unless ``user`` is a pending invitation that ``inviter`` may change."""
    from flask_babel import gettext as _

    from ..core.policy import can

    if user.password_hash:
        raise AccountError(_("This person already has an account."))
    if not user.is_active:
        raise AccountError(
            _("This person was deactivated; reactivate them on the people page instead.")
        )
    if inviter is not None and not can(inviter, "manage_user", user):
        raise AccountError(
            _(
                "This address was already invited by someone else, with a role you cannot "
                "change. Ask an administrator."
            )
        )


def request_password_reset(email: str) -> None:
    """Queue a reset mail if an active person has this email, and commit.

    Nothing is sent here: the reminder dispatcher sends the outbox row, so the request does
    the same work for every email (one lookup, one commit; a known one adds one row)."""
    from ..mail.models import ReminderKind
    from .mail import queue_account_mail

    user = find_user(email)
    if user is not None and user.is_active:
        queue_account_mail(user, ReminderKind.PASSWORD_RESET)
    db.session.commit()


def _send(user: User, kind: str, **context) -> str | None:
    """Send one account mail now; the reason it failed, or None."""
    import logging

    from ..mail.transport import DeliveryError
    from .mail import send_account_mail

    try:
        send_account_mail(user, kind, **context)
    except DeliveryError as error:
        logging.getLogger(__name__).error("%s mail to user %s failed: %s", kind, user.id, error)
        return str(error)
    return None


def create_first_admin(
    email: str, password: str, name: str | None = None, *, locale: str | None = None
) -> User:
    """The first administrator, in the language of the page they signed up on."""
    from .models import Role

    user = find_user(email) or User(email=email.strip().lower())
    user.role, user.active = Role.ADMIN, True
    user.locale = locale or user.locale or "et"
    user.name = name or user.name
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def reactivate(user: User) -> None:
    user.active = True
    db.session.commit()


def set_role(user: User, role, *, by: User | None = None) -> bool:
    """A new role ends the person's sessions, so pages they have open cannot act on the old
    one; a person who has not yet taken up their invitation gets it again, naming the new
    role (the first mail named the old one). Whether the invitation was sent again."""
    from .links import INVITATION, user_token
    from .models import Role

    changed = user.role != Role(role)
    user.role = Role(role)
    user.end_sessions()
    db.session.commit()
    if not changed or user.password_hash or not user.is_active:
        return False
    link = link_to("accounts.accept_invitation", token=user_token(user, INVITATION))
    return _send(user, "invitation", link=link, inviter=by) is None
