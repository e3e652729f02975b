"""Failed sign-ins counted per account and per client address, in the database.

The rows live in ``login_failure`` so that every web worker (and every host sharing the
database) sees the same counts. After LOGIN_MAX_FAILURES failures within
LOGIN_WINDOW_MINUTES for the account or for the address, sign-ins are refused until the
oldest of those failures leaves the window; refused attempts are not counted, so the wait
never grows while someone keeps trying.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..core.time import utcnow
from ..extensions import db
from .models import LoginFailure


def account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=float(current_app.config["LOGIN_WINDOW_MINUTES"]))


def blocked_until(email: str, address: str, now: datetime | None = None) -> datetime | None:
    """When sign-ins for this account or from this address are allowed again (None: now)."""
    now = now or utcnow()
    since = now - _window()
    limit = int(current_app.config["LOGIN_MAX_FAILURES"])
    waits = [
        _free_at(column == value, since, limit)
        for column, value in (
            (LoginFailure.account_key, account_key(email)),
            (LoginFailure.address, _address(address)),
        )
    ]
    latest = max((wait for wait in waits if wait is not None), default=None)
    return latest if latest is not None and latest > now else None


def _free_at(condition, since: datetime, limit: int) -> datetime | None:
    """The moment fewer than ``limit`` failures remain in the window, if there are that many."""
    stmt = (
        select(LoginFailure.failed_at_utc)
        .where(condition, LoginFailure.failed_at_utc > since)
        .order_by(LoginFailure.failed_at_utc.desc())
        .offset(limit - 1)
        .limit(1)
    )
    oldest_that_counts = db.session.scalar(stmt)
    return None if oldest_that_counts is None else oldest_that_counts + _window()


def record_failure(email: str, address: str) -> None:
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at_utc <= now - _window()))
    db.session.add(
        LoginFailure(account_key=account_key(email), address=_address(address), failed_at_utc=now)
    )
    db.session.commit()


def forget_failures(email: str) -> None:
    """A successful sign-in clears the account's failures (not the address's)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.account_key == account_key(email)))
    db.session.commit()


def _address(address: str | None) -> str:
    return (address or "unknown")[:64]
