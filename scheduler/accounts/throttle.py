"""Rate limits kept in the database: failed sign-ins, and requests that send account mail.

The rows live in ``login_failure`` and ``mail_request`` so that every web worker (and every
host sharing the database) sees the same counts. Refused attempts are not counted, so the
wait never grows while someone keeps trying.

Sign-ins: after LOGIN_MAX_FAILURES failures within LOGIN_WINDOW_MINUTES from one client
address, that address is refused (for every account) until the oldest of them leaves the
window. After as many failures for one account, from however many addresses, the addresses
that failed for it are refused for it; an address that has not failed for it may still try,
so a stranger cannot lock the owner out, and each further address gets one guess. The same
counts cover the current-password check of the change-password form.

Account mail: at most ``<ACTION>_MAX_PER_ACCOUNT`` requests per email and
``<ACTION>_MAX_PER_ADDRESS`` per client address within MAIL_REQUEST_WINDOW_MINUTES, counted
whether or not the email belongs to anyone, so the limit tells nothing about accounts.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, exists, select
from werkzeug.exceptions import TooManyRequests

from ..core.time import utcnow
from ..extensions import db
from .models import LoginFailure, MailRequest

RESET = "reset"
INVITATION = "invitation"
REGISTRATION = "registration"
SUBSCRIPTION = "subscription"
_LIMIT_SETTINGS = {
    RESET: "PASSWORD_RESET",
    INVITATION: "INVITATION",
    REGISTRATION: "REGISTRATION",
    SUBSCRIPTION: "SUBSCRIPTION",
}


def account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def _minutes(setting: str) -> timedelta:
    return timedelta(minutes=float(current_app.config[setting]))


def _free_at(column, condition, since: datetime, limit: int, window: timedelta):
    """The moment fewer than ``limit`` rows remain in the window, if there are that many."""
    stmt = (
        select(column)
        .where(condition, column > since)
        .order_by(column.desc())
        .offset(max(limit, 1) - 1)
        .limit(1)
    )
    oldest_that_counts = db.session.scalar(stmt)
    return None if oldest_that_counts is None else oldest_that_counts + window


def _latest(waits, now: datetime) -> datetime | None:
    latest = max((wait for wait in waits if wait is not None), default=None)
    return latest if latest is not None and latest > now else None


# --- sign-ins ------------------------------------------------------------------------------


def blocked_until(email: str, address: str, now: datetime | None = None) -> datetime | None:
    """When sign-ins for this account from this address are allowed again (None: now)."""
    now = now or utcnow()
    window = _minutes("LOGIN_WINDOW_MINUTES")
    since = now - window
    limit = int(current_app.config["LOGIN_MAX_FAILURES"])
    key, address = account_key(email), _address(address)
    at = LoginFailure.failed_at_utc
    waits = [_free_at(at, LoginFailure.address == address, since, limit, window)]
    if _failed_here(key, address, since):
        waits.append(_free_at(at, LoginFailure.account_key == key, since, limit, window))
    return _latest(waits, now)


def _failed_here(key: str, address: str, since: datetime) -> bool:
    """Whether this address failed for this account within the window."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    LoginFailure.account_key == key,
                    LoginFailure.address == address,
                    LoginFailure.failed_at_utc > since,
                )
            )
        )
    )


def record_failure(email: str, address: str) -> None:
    now = utcnow()
    window = _minutes("LOGIN_WINDOW_MINUTES")
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at_utc <= now - window))
    db.session.add(
        LoginFailure(account_key=account_key(email), address=_address(address), failed_at_utc=now)
    )
    db.session.commit()


def forget_failures(email: str) -> None:
    """A successful sign-in clears the account's failures (not the address's)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.account_key == account_key(email)))
    db.session.commit()


def too_many_sign_ins(until: datetime) -> TooManyRequests:
    return _too_many(_("Too many failed sign-in attempts."), until)


# --- account mail --------------------------------------------------------------------------


def mail_blocked_until(
    action: str, email: str, address: str | None, now: datetime | None = None
) -> datetime | None:
    """When another ``action`` mail for this email from this address may be asked for."""
    now = now or utcnow()
    window = _minutes("MAIL_REQUEST_WINDOW_MINUTES")
    since = now - window
    prefix = _LIMIT_SETTINGS[action]
    of_action = MailRequest.action == action

    def free_at(requests, limit_setting: str) -> datetime | None:
        limit = int(current_app.config[f"{prefix}_{limit_setting}"])
        return _free_at(MailRequest.requested_at_utc, of_action & requests, since, limit, window)

    waits = [
        free_at(MailRequest.account_key == account_key(email), "MAX_PER_ACCOUNT"),
        free_at(MailRequest.address == _address(address), "MAX_PER_ADDRESS"),
    ]
    return _latest(waits, now)


def record_mail_request(action: str, email: str, address: str | None) -> None:
    """Count one request; committed with the mail it asks for (the caller commits)."""
    now = utcnow()
    window = _minutes("MAIL_REQUEST_WINDOW_MINUTES")
    db.session.execute(delete(MailRequest).where(MailRequest.requested_at_utc <= now - window))
    db.session.add(
        MailRequest(
            action=action,
            account_key=account_key(email),
            address=_address(address),
            requested_at_utc=now,
        )
    )


def check_mail_request(action: str, email: str, address: str | None) -> None:
    """429 if the limit is reached, else count this request (committed by the caller)."""
    until = mail_blocked_until(action, email, address)
    if until is not None:
        current_app.logger.warning("%s mail throttled from %s", action, _address(address))
        raise _too_many(_("Too many requests to send mail."), until)
    record_mail_request(action, email, address)


# --- shared --------------------------------------------------------------------------------


def _too_many(what: str, until: datetime) -> TooManyRequests:
    seconds = max(1, math.ceil((until - utcnow()).total_seconds()))
    minutes = math.ceil(seconds / 60)
    description = " ".join(
        [
            what,
            ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes),
        ]
    )
    return TooManyRequests(description=description, retry_after=seconds)


def _address(address: str | None) -> str:
    return (address or "unknown")[:64]
