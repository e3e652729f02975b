"""A subscriber: one row per email address, erased when they unsubscribe."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from .choices import Choice


class SubscriberState(enum.StrEnum):
    PENDING = "pending"  # waiting for the confirmation link; erased if never followed
    CONFIRMED = "confirmed"


class Subscriber(db.Model):
    """An address and what it chose. Links in mail are signed with SECRET_KEY and name the
    row's random ``token_hash`` (manage, unsubscribe) or ``confirm_hash`` (the confirmation),
    as registrations' personal links do: the database alone gives no working link, and a new
    value makes every earlier link stop working."""

    __tablename__ = "subscriber"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    state: Mapped[SubscriberState] = mapped_column(
        enum_column(SubscriberState), default=SubscriberState.PENDING
    )
    cities: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    frequency: Mapped[str] = mapped_column(String(16), default="weekly")
    mail_language: Mapped[str] = mapped_column(String(8), default="et")
    # A confirmed subscriber's new choice, applied when its confirmation link is followed.
    pending_choice: Mapped[dict | None] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(64))
    confirm_hash: Mapped[str | None] = mapped_column(String(64))  # None: nothing to confirm
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # last confirmation
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the next digest starts from: the last digest (None: none yet, all is news).
    digest_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def choice(self) -> Choice:
        return Choice.of(
            {
                "cities": self.cities,
                "languages": self.languages,
                "types": self.types,
                "frequency": self.frequency,
                "mail_language": self.mail_language,
            }
        )

    def take(self, choice: Choice) -> None:
        self.cities, self.languages = list(choice.cities), list(choice.languages)
        self.types, self.frequency = list(choice.types), choice.frequency
        self.mail_language = choice.mail_language

    def as_dict(self) -> dict:
        """What ``flask subscribers list`` shows (the email only there)."""
        return {
            "id": self.id,
            "state": str(self.state),
            "cities": list(self.cities),
            "languages": list(self.languages),
            "types": list(self.types),
            "frequency": self.frequency,
            "mail_language": self.mail_language,
            "email": self.email,
        }
