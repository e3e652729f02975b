"""Registration settings (a series, or one occurrence overriding it) and registrations."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..core.types import TranslatedRow, UTCDateTime, enum_column, translations_column
from ..events.models import Event, Series
from ..extensions import db
from ..organisations.models import Organisation


class RegistrationMode(enum.StrEnum):
    OFF = "off"
    OPEN = "open"
    APPROVAL = "approval"  # a coordinator accepts or declines each confirmed sign-up


class RegistrationState(enum.StrEnum):
    PENDING = "pending"  # waiting for the mail link (or, by approval, for a coordinator)
    CONFIRMED = "confirmed"  # holds a place
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


#: the default close: this many minutes before the occurrence starts
DEFAULT_CLOSES_BEFORE_MINUTES = 120


#: what a coordinator sets, on a series or on one occurrence (the override)
SETTING_FIELDS = (
    "mode",
    "capacity",
    "waitlist",
    "opens_at",
    "closes_at",
    "closes_before_minutes",
    "ask_phone",
    "ask_kov",
    "ask_accessibility",
    "question",
    "translations",
)


class RegistrationSettings(TranslatedRow, db.Model):
    """How an occurrence takes registrations: set on a series, or on one event (an override
    that replaces the series' settings for that occurrence as a whole)."""

    __tablename__ = "registration_settings"
    TRANSLATED = ("question",)
    __table_args__ = (
        CheckConstraint(
            "(series_id IS NULL) <> (event_id IS NULL)", name="ck_registration_settings_owner"
        ),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="ck_registration_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), unique=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), unique=True
    )
    mode: Mapped[RegistrationMode] = mapped_column(
        enum_column(RegistrationMode), default=RegistrationMode.OFF
    )
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    waitlist: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: at once
    # An absolute close (an occurrence's override); else this long before its start.
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_before_minutes: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_CLOSES_BEFORE_MINUTES
    )
    ask_phone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ask_kov: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ask_accessibility: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    question: Mapped[str | None] = mapped_column(Text)  # the free question, Estonian
    translations: Mapped[dict] = translations_column()  # the question in other languages
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    series: Mapped[Series | None] = relationship()
    event: Mapped[Event | None] = relationship()


class Registration(db.Model):
    """One person's sign-up for one occurrence. Personal fields (name, email, phone, the
    answers) are erased after the retention period; state, government and check-in stay."""

    __tablename__ = "registration"
    __table_args__ = (
        # one registration per email per occurrence (a hash: it outlives no erasure)
        UniqueConstraint("event_id", "email_key", name="uq_registration_event_email"),
        Index("ix_registration_event_state", "event_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    state: Mapped[RegistrationState] = mapped_column(
        enum_column(RegistrationState), default=RegistrationState.PENDING
    )
    waitlist_position: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8), default="et")
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    email_key: Mapped[str | None] = mapped_column(String(64))  # sha256 of the normalised email
    phone: Mapped[str | None] = mapped_column(String(40))
    kov_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    answers: Mapped[dict | None] = mapped_column(JSON)  # {"accessibility": …, "question": …}
    is_walk_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    checked_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the mail link was followed (by approval: before a coordinator accepted it).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a place was given
    # sha256 of the secret in the personal link; None once cancelled or erased (link dead)
    token_hash: Mapped[str | None] = mapped_column(String(64))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    kov: Mapped[Organisation | None] = relationship()
