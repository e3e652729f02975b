from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.time import utcnow
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..organisations.models import Organisation


class Role(enum.StrEnum):
    ADMIN = "admin"  # ELVL adviser / coordinator: every organisation
    COORDINATOR = "coordinator"  # a partner city's coordinator: their own organisation
    ORGANISER = "organiser"  # club leader, librarian: their own events
    VIEWER = "viewer"  # e.g. the implementing agency: reads reports


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        enum_column(Role),
        default=Role.ORGANISER,
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    locale: Mapped[str] = mapped_column(String(5), default="et")
    password_hash: Mapped[str | None] = mapped_column(String(300))
    reminders_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Deactivated users cannot sign in and lose their sessions.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Part of every session's user id: raising it ends all sessions of this user.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    organisation: Mapped[Organisation | None] = relationship()

    def set_password(self, password: str) -> None:
        """Set a new password; sessions signed in with the old one end."""
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)
        self.end_sessions()

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 1) + 1

    def get_id(self) -> str:
        """The session's user id, ``"<id>:<session version>"`` (Flask-Login stores it)."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class LoginFailure(db.Model):
    """One failed sign-in, kept for the throttling window (accounts/throttle.py)."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the normalised email: no typed-in address (or password) is stored.
    account_key: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    failed_at_utc: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_login_failure_account_key_failed_at_utc", "account_key", "failed_at_utc"),
        Index("ix_login_failure_address_failed_at_utc", "address", "failed_at_utc"),
    )


class MailRequest(db.Model):
    """One request that sends account mail (a password reset, an invitation), kept for the
    rate limit's window (accounts/throttle.py); counted whether or not the account exists."""

    __tablename__ = "mail_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(16))  # "reset" or "invitation"
    # sha256 of the normalised email the mail is for; the client's address.
    account_key: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    requested_at_utc: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_mail_request_account", "action", "account_key", "requested_at_utc"),
        Index("ix_mail_request_address", "action", "address", "requested_at_utc"),
    )


def find_user(email: str) -> User | None:
    return db.session.query(User).filter(User.email == email.strip().lower()).one_or_none()
