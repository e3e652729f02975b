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
    stmt = select(Event).options(
        joinedload(Event.series).joinedload(Series.organisation),
        joinedload(Event.series).joinedload(Series.activity),
        selectinload(Event.participants),
    )
    return _filtered(stmt, event_filter).order_by(Event.start, Event.id)


def _filtered(stmt, event_filter: EventFilter):
    """``stmt`` (selecting from events) restricted to the filter's window and columns."""
    stmt = stmt.join(Event.series)
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


def _series_matches(event_filter: EventFilter, languages, organisers) -> bool:
    if event_filter.language and event_filter.language not in (languages or []):
        return False
    if event_filter.organiser:
        wanted = event_filter.organiser.lower()
        return wanted in [o.lower() for o in organisers or []]
    return True


def event_rows(event_filter: EventFilter, *, with_status: bool = False) -> list:
    """``(id, start)`` rows (``with_status``: ``(id, start, end, status)``) of the events
    :func:`list_events` returns, in the same order, without building objects: a page counts
    them all and loads only those it shows. Working language and organiser (JSON columns)
    are matched on the series, in Python."""
    columns = (
        (Event.id, Event.start, Event.end, Event.status) if with_status else (Event.id, Event.start)
    )
    stmt = _filtered(select(*columns), event_filter)
    if event_filter.language or event_filter.organiser:
        series = db.session.execute(select(Series.id, Series.languages, Series.organisers))
        wanted = [sid for sid, langs, orgs in series if _series_matches(event_filter, langs, orgs)]
        stmt = stmt.where(Event.series_id.in_(wanted))
    return db.session.execute(stmt.order_by(Event.start, Event.id)).all()


def events_by_id(ids: list[int]) -> list[Event]:
    """The events with these ids in time order, each series (with its organisation and
    activity) loaded once rather than joined into every row."""
    if not ids:
        return []
    series = selectinload(Event.series)
    stmt = (
        select(Event)
        .where(Event.id.in_(ids))
        .options(
            series.joinedload(Series.organisation),
            series.joinedload(Series.activity),
        )
        .order_by(Event.start, Event.id)
    )
    return list(db.session.scalars(stmt))
