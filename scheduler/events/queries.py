"""Read-side queries over event rows, shared by the CLI, the pages and the feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..core.time import DEFAULT_TZ, local_midnight
from ..extensions import db
from ..organisations.models import Organisation
from ..plans.models import Activity
from .models import Event, EventStatus, Series


@dataclass(frozen=True)
class EventFilter:
    start: date | None = None  # inclusive, local date
    end: date | None = None  # exclusive, local date
    org: str | None = None
    activity: str | None = None  # an activity code; its sub-activities are included
    event_type: str | None = None
    language: str | None = None
    organiser: str | None = None
    public_only: bool = False
    include_cancelled: bool = True
    tz: str = DEFAULT_TZ

    def window(self) -> tuple[datetime | None, datetime | None]:
        start = local_midnight(self.start, self.tz) if self.start else None
        end = local_midnight(self.end, self.tz) if self.end else None
        return start, end


def events_statement(event_filter: EventFilter):
    stmt = (
        select(Event)
        .join(Event.series)
        .options(
            joinedload(Event.series).joinedload(Series.organisation),
            joinedload(Event.series).joinedload(Series.activity),
            selectinload(Event.participants),
        )
        .order_by(Event.start, Event.id)
    )
    start, end = event_filter.window()
    if start is not None:
        stmt = stmt.where(Event.start >= start)
    if end is not None:
        stmt = stmt.where(Event.start < end)
    if event_filter.org:
        stmt = stmt.join(Series.organisation).where(Organisation.slug == event_filter.org)
    if event_filter.activity:
        code = event_filter.activity
        stmt = stmt.join(Series.activity).where(
            (Activity.code == code) | Activity.code.startswith(f"{code}.")
        )
    if event_filter.event_type:
        stmt = stmt.where(Series.event_type == event_filter.event_type)
    if event_filter.public_only:
        stmt = stmt.where(Series.is_public.is_(True))
    if not event_filter.include_cancelled:
        stmt = stmt.where(Event.status != EventStatus.CANCELLED)
    return stmt


def list_events(event_filter: EventFilter) -> list[Event]:
    events = db.session.scalars(events_statement(event_filter)).unique().all()
    # JSON columns (languages, organisers) are filtered in Python: portable across backends.
    if event_filter.language:
        events = [e for e in events if event_filter.language in (e.series.languages or [])]
    if event_filter.organiser:
        wanted = event_filter.organiser.lower()
        events = [e for e in events if wanted in [o.lower() for o in e.series.organisers or []]]
    return events
