from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.localized import localized
from ..core.time import DEFAULT_TZ, utcnow
from ..core.types import TranslatedRow, UTCDateTime, enum_column, translations_column
from ..core.vocabulary import EVENT_TYPES  # noqa: F401 (re-exported)
from ..extensions import db
from ..organisations.models import Organisation
from ..plans.models import Activity, Plan


class EventStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    NOT_HELD = "not_held"
    CANCELLED = "cancelled"


# The columns holding a series' texts: the official title and description, and the others.
SERIES_TEXTS = ("title", "description", "translations")


class Series(TranslatedRow, db.Model):
    """A recurring (or one-off) activity item: its rule lives here, its occurrences are events."""

    __tablename__ = "series"

    TRANSLATED = ("title", "description")
    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable key from the plan file (e.g. "tartu-club-et"); unique across plans.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    translations: Mapped[dict] = translations_column()  # title and description, other languages
    event_type: Mapped[str] = mapped_column(String(32))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    location: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    organisers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The organisers agreed to have their addresses shown on the public event page.
    contact_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    # Replayed by `flask plan demo` from a real plan into a current year (see plans.demo).
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TZ)
    start_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    rule: Mapped[str | None] = mapped_column(String(500))
    rdates: Mapped[list[str]] = mapped_column(JSON, default=list)  # local ISO datetimes
    exdates: Mapped[list[str]] = mapped_column(JSON, default=list)  # local ISO datetimes
    pauses: Mapped[list[str]] = mapped_column(JSON, default=list)  # "YYYY-MM-DD/YYYY-MM-DD"
    holiday_policy: Mapped[str] = mapped_column(String(8), default="keep")
    bound_start: Mapped[date | None] = mapped_column(Date)
    bound_end: Mapped[date | None] = mapped_column(Date)
    # Per-series reminder overrides (see the reminders feature); None: the configured default.
    reminder_policy: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # The series this one was split from ("this and following"): together they are one
    # activity to a visitor, whose other dates span both.
    split_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("series.id", ondelete="SET NULL", name="fk_series_split_from")
    )
    # What the last plan load wrote ({"series": …, "overrides": …}, as `flask plan export`
    # writes them), so a later load sees what changed on the web since; None: not written
    # by a plan load (created on the web, or loaded before this was kept).
    plan_definition: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[Plan | None] = relationship()
    activity: Mapped[Activity | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
    events: Mapped[list[Event]] = relationship(
        back_populates="series", order_by="Event.original_start", passive_deletes=True
    )

    def title_for(self, locale: str = "et") -> str:
        return localized(self, "title", locale)

    @property
    def is_imported(self) -> bool:
        """Whether it comes from an imported calendar and changes at its source; the link
        (``import_link``) is the calendars feature's, which this layer does not import."""
        return getattr(self, "import_link", None) is not None


class Event(TranslatedRow, db.Model):
    """One occurrence of a series, keyed by (series, original start) — the RECURRENCE-ID."""

    __tablename__ = "event"
    TRANSLATED = ("cancel_reason",)
    __table_args__ = (
        UniqueConstraint("series_id", "original_start"),
        Index("ix_event_start", "start"),
        # the calendar pages count each day's events from the index alone
        Index("ix_event_start_series", "start", "series_id"),
        # the awaiting-outcome worklist: past events still planned, counted from the index
        # alone (series_id: the scope of a coordinator or organiser), and oldest first
        Index("ix_event_status_end", "status", "end", "series_id"),
        Index("ix_event_status_start", "status", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    original_start: Mapped[datetime] = mapped_column(UTCDateTime)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus), default=EventStatus.PLANNED
    )
    # True once a person moved or edited this single occurrence: re-expansion leaves it alone.
    is_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    # False when the current rule no longer produces this occurrence but it was kept
    # because it holds an outcome or an override.
    in_rule: Mapped[bool] = mapped_column(Boolean, default=True)
    title: Mapped[str | None] = mapped_column(String(300))  # override of the series title
    location: Mapped[str | None] = mapped_column(String(300))  # override of the series location
    # Said of this occurrence alone, shown (and put in feeds) before the series' description.
    description: Mapped[str | None] = mapped_column(Text)
    # The reason given when it was cancelled: public, unlike the notes (None when restored).
    # Estonian, with optional versions in other languages (``translations``), shown as titles are.
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    translations: Mapped[dict] = translations_column()  # cancel_reason in other languages
    attendance: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # The UID calendars know this occurrence by, written once its derived UID (series key and
    # original start: events.uids) would change — a series time change, a split — and kept.
    uid: Mapped[str | None] = mapped_column(String(500))
    # Raised by every recorded change (scheduler.history): a form opened on an older version
    # gets the conflict page instead of overwriting the newer change. No server default in the
    # model (the migration has one for old rows): one the ORM would read back after each
    # INSERT would turn an import's one executemany into a statement per row.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    series: Mapped[Series] = relationship(back_populates="events")
    participants: Mapped[list[Organisation]] = relationship(
        secondary="event_participation", order_by="Organisation.slug"
    )

    @property
    def has_outcome(self) -> bool:
        return self.status in (EventStatus.HELD, EventStatus.NOT_HELD) or bool(
            self.attendance or self.participants
        )

    @property
    def display_title(self) -> str:
        return self.title or self.series.title

    @property
    def display_location(self) -> str | None:
        return self.location or self.series.location


class EventParticipation(db.Model):
    """A local government that took part in a held event (one "osaluskord")."""

    __tablename__ = "event_participation"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
