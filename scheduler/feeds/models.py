"""Private feed tokens: the secret part of a ``/feeds/<token>/…`` address, stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db

TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class FeedToken(db.Model):
    __tablename__ = "feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, shown in lists so that a person can tell tokens apart.
    hint: Mapped[str] = mapped_column(String(8))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def issue_token(user: User, label: str | None = None) -> tuple[FeedToken, str]:
    """A new token row and the secret itself; the secret is shown once and never stored."""
    secret = _new_secret()
    row = FeedToken(user=user, token_hash=hash_token(secret), hint=secret[:6], label=label)
    db.session.add(row)
    db.session.flush()
    return row, secret


def _new_secret() -> str:
    # A secret starting with "-" would read as an option in `flask feeds token revoke SECRET`.
    while (secret := secrets.token_urlsafe(TOKEN_BYTES)).startswith("-"):
        pass
    return secret


def active_token(secret: str) -> FeedToken | None:
    if not secret or len(secret) > 128:
        return None
    return db.session.scalars(
        select(FeedToken).where(
            FeedToken.token_hash == hash_token(secret), FeedToken.revoked_at.is_(None)
        )
    ).one_or_none()


def tokens_of(user: User, include_revoked: bool = False) -> list[FeedToken]:
    stmt = select(FeedToken).where(FeedToken.user_id == user.id).order_by(FeedToken.id)
    if not include_revoked:
        stmt = stmt.where(FeedToken.revoked_at.is_(None))
    return list(db.session.scalars(stmt))


def revoke(row: FeedToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
