"""Imported calendars and the link from each series to the upstream event it mirrors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..events.models import Series
from ..extensions import db
from ..organisations.models import Organisation


class ImportedCalendar(db.Model):
    __tablename__ = "imported_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # An http(s) URL, or a file path when added from the command line.
    source: Mapped[str] = mapped_column(String(1000))
    name: Mapped[str | None] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(32), default="other")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "ok", "unchanged" or "error"; the error's text in last_error
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
    http_etag: Mapped[str | None] = mapped_column(String(300))
    http_last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    # Values the last import cleaned or dropped (control characters, over-long text, …).
    import_warnings: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    # Removed by a person: no longer listed or refreshed; kept for its events' history.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    links: Mapped[list[ImportedSeries]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_url(self) -> bool:
        from .fetch import is_url

        return is_url(self.source)

    @property
    def is_paused(self) -> bool:
        return not self.is_active and self.removed_at is None

    @property
    def masked_source(self) -> str:
        """The source for those who may not see it whole: addresses are often secret
        links, so only the scheme and host are shown; a file only by its name."""
        if not self.is_url:
            return self.source.rsplit("/", 1)[-1].removeprefix("upload:")
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(self.source)
            return f"{parts.scheme}://{parts.hostname}/…"
        except ValueError:
            return "…"


class ImportedSeries(db.Model):
    """One upstream event (a UID: master plus overrides), mirrored by one series."""

    __tablename__ = "imported_series"
    __table_args__ = (UniqueConstraint("calendar_id", "uid"),)

    series_id: Mapped[int] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), primary_key=True
    )
    calendar_id: Mapped[int] = mapped_column(ForeignKey("imported_calendar.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(400))
    is_recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    # The UID is gone from the source: its occurrences were cancelled here.
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    calendar: Mapped[ImportedCalendar] = relationship(back_populates="links")
    series: Mapped[Series] = relationship(
        backref=backref("import_link", uselist=False, passive_deletes=True)
    )
