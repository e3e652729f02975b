"""Read-side queries over event rows, shared by the CLI, the pages and the feeds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select, union_all
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
    # The visitor's policy per series (internal series are visible to some people only)
    visible: Callable[[Series], bool] | None = None
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
    stmt = _series_conditions(stmt, event_filter)
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


def window_selector(event_filter: EventFilter) -> Callable[..., Select]:
    """``(*columns) -> select(*columns)`` over the events :func:`list_events` returns, for a
    page that counts them in the database and loads only those it shows. The series'
    conditions become a set of series, found once (working language and organiser, JSON
    columns, matched in Python as there), so that the events are read from the
    (start, series_id) index alone, with no join."""
    window = event_filter.window()
    series = _series_admitted(event_filter)

    def select_events(*columns, between: tuple[datetime, datetime] | None = None) -> Select:
        """``between``: instead of the filter's window, a part of it (one day): given both,
        a database would read the index over the whole window for each part."""
        start, end = between or window
        stmt = select(*columns).select_from(Event)
        if start is not None:
            stmt = stmt.where(Event.start >= start)
        if end is not None:
            stmt = stmt.where(Event.start < end)
        if not event_filter.include_cancelled:
            stmt = stmt.where(Event.status != EventStatus.CANCELLED)
        return stmt if series is None else stmt.where(Event.series_id.in_(series))

    return select_events


def _series_conditions(stmt, event_filter: EventFilter):
    """``stmt`` (with ``Series`` among what it selects from) restricted to the series the
    filter's organisation, activity, type and publicity admit."""
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
    return stmt


def _series_admitted(event_filter: EventFilter):
    """The series the filter admits: a subquery, a list of ids, or None for every series."""
    stmt = _series_conditions(select(Series.id), event_filter)
    if event_filter.visible is not None:
        found = db.session.scalars(select(Series).where(Series.id.in_(stmt))).all()
        return [
            s.id
            for s in found
            if _series_matches(event_filter, s.languages, s.organisers) and event_filter.visible(s)
        ]
    if event_filter.language or event_filter.organiser:
        rows = db.session.execute(stmt.add_columns(Series.languages, Series.organisers))
        return [sid for sid, langs, orgs in rows if _series_matches(event_filter, langs, orgs)]
    return None if stmt.whereclause is None else stmt


def day_counts(stmt_for, midnights: list[datetime]) -> list[int]:
    """How many events start on each day (the days start at ``midnights``, the last one
    ending them), in one statement of a count per day; ``stmt_for(*columns)`` selects the
    page's events."""
    counts = [
        stmt_for(func.count(), between=day).scalar_subquery()
        for day in zip(midnights, midnights[1:], strict=False)
    ]
    return list(db.session.execute(select(*counts)).one())


def first_of_each_day(stmt_for, midnights: list[datetime], limit: int) -> list[int]:
    """The ids of each day's first ``limit`` events (by start, then id), in one statement."""
    days = [
        stmt_for(Event.id, between=day).order_by(Event.start, Event.id).limit(limit).subquery()
        for day in zip(midnights, midnights[1:], strict=False)
    ]
    return list(db.session.scalars(union_all(*[select(day.c.id) for day in days])))


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
