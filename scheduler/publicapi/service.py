"""Database side of the open API: public event rows, their revision, one event's calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager

from ..core.time import local_midnight
from ..events.models import Event, Series
from ..extensions import db
from ..feeds.service import event_calendar as feeds_event_calendar
from ..feeds.uids import event_uid
from ..organisations.models import Organisation
from .params import MAX_ID, EventsQuery
from .serialise import matches

SCAN_BATCH = 500


def tz() -> str:
    return current_app.config.get("TIMEZONE", "Europe/Tallinn")


def known_orgs(slugs: Iterable[str]) -> set[str]:
    return set(
        db.session.scalars(select(Organisation.slug).where(Organisation.slug.in_(list(slugs))))
    )


# What an item (and a word search) reads of a series; rules, dates lists and reminder
# settings stay unread: on a page of items they cost more than everything else.
ITEM_COLUMNS = (
    Series.id,
    Series.key,
    Series.organisation_id,
    Series.title,
    Series.title_en,
    Series.title_ru,
    Series.description,
    Series.event_type,
    Series.languages,
    Series.location,
    Series.is_public,
    Series.timezone,
    Series.revision,
    Series.updated_at,
)


def _with_series(stmt, *, item_columns_only: bool = False):
    """Series and organisation from the same row; the import links (which decide the UIDs
    of imported events) in one more query, not one per series."""
    series = contains_eager(Event.series)
    options = [series.contains_eager(Series.organisation)]
    if item_columns_only:
        options.append(series.load_only(*ITEM_COLUMNS))
    if hasattr(Series, "import_link"):
        options.append(series.selectinload(Series.import_link))
    return stmt.join(Event.series).join(Series.organisation).options(*options)


def _window(start: date, end: date) -> list:
    return [
        Series.is_public.is_(True),
        Event.start >= local_midnight(start, tz()),
        Event.start < local_midnight(end, tz()),
    ]


def _criteria(query: EventsQuery) -> list:
    """The query's conditions but words and working languages (matched on the rows)."""
    criteria = _window(query.start, query.end)
    if query.orgs:
        criteria.append(Organisation.slug.in_(query.orgs))
    if query.types:
        criteria.append(Series.event_type.in_(query.types))
    if query.after is not None:
        start, event_id = query.after.start, query.after.event_id
        criteria.append(or_(Event.start > start, and_(Event.start == start, Event.id > event_id)))
    return criteria


def events_page(query: EventsQuery) -> list[Event]:
    """The public events after the query's position: a page and one more, if there are
    (the extra one only says that a next page exists)."""
    wanted = query.limit + 1
    criteria = _criteria(query)
    if query.filters_in_python:
        ids = [row[0] for row in _matching(criteria, query, wanted, (Event.id,))]
        if not ids:
            return []
        criteria = [Event.id.in_(ids)]
    stmt = (
        _with_series(select(Event), item_columns_only=True)
        .where(*criteria)
        .order_by(Event.start, Event.id)
        .limit(wanted)
    )
    return list(db.session.scalars(stmt))


# What a page's validator is made of, per row: anything that changes an item changes one of
# these (an edit, move, cancellation or outcome touches the event row; a change to the series
# its updated_at and revision), and an event entering or leaving the page changes the ids.
REVISION_COLUMNS = (
    Event.id,
    Event.updated_at,
    Event.sequence,
    Series.updated_at,
    Series.revision,
    Organisation.slug,
)


def _revision_of(values) -> tuple:
    event_id, changed, sequence, series_changed, series_revision, org = values
    return (
        event_id,
        changed.isoformat(),
        sequence,
        series_changed.isoformat(),
        series_revision,
        org,
    )


def page_revision(query: EventsQuery) -> tuple:
    """The revision of exactly the rows a page shows (and the one telling that a next page
    exists), read without building anything: one indexed query of at most ``limit + 1``
    short rows; with words or working languages, the same scan the page itself makes."""
    wanted = query.limit + 1
    criteria = _criteria(query)
    if query.filters_in_python:
        rows = _matching(criteria, query, wanted, REVISION_COLUMNS)
    else:
        stmt = (
            select(*REVISION_COLUMNS)
            .join(Event.series)
            .join(Series.organisation)
            .where(*criteria)
            .order_by(Event.start, Event.id)
            .limit(wanted)
        )
        rows = db.session.execute(stmt).all()
    return tuple(_revision_of(row) for row in rows)


def rows_revision(rows: list[Event]) -> tuple:
    """:func:`page_revision` of rows already loaded (the same values, no query)."""
    return tuple(
        _revision_of(
            (
                event.id,
                event.updated_at,
                event.sequence,
                event.series.updated_at,
                event.series.revision,
                event.series.organisation.slug,
            )
        )
        for event in rows
    )


SEARCHED = (
    Event.title,
    Series.title,
    Series.title_en,
    Series.title_ru,
    Series.description,
    Event.location,
    Series.location,
)


def _matching(criteria: list, query: EventsQuery, wanted: int, columns: tuple) -> list[tuple]:
    """Words and working languages: the texts of the window's rows stream in (start, id)
    order, plain columns rather than objects, until a page and one more have matched; the
    ``columns`` of the matching rows."""
    light = (
        select(Series.languages, *SEARCHED, *columns)
        .join(Event.series)
        .join(Series.organisation)
        .where(*criteria)
        .order_by(Event.start, Event.id)
    )
    found: list[tuple] = []
    texts_end = 1 + len(SEARCHED)
    result = db.session.execute(light.execution_options(yield_per=SCAN_BATCH))
    try:
        for row in result:
            texts = row[1:texts_end]
            if matches(texts, row[0], words=query.words, languages=query.languages):
                found.append(tuple(row[texts_end:]))
                if len(found) == wanted:
                    break
    finally:
        result.close()
    return found


def public_event(event_id: int) -> Event | None:
    if not 0 < event_id <= MAX_ID:
        return None
    stmt = _with_series(select(Event)).where(Event.id == event_id, Series.is_public.is_(True))
    return db.session.scalars(stmt).one_or_none()


def event_revision(event: Event) -> tuple:
    series = event.series
    return (
        event.id,
        event.updated_at.isoformat(),
        event.sequence,
        series.updated_at.isoformat(),
        series.revision,
        series.organisation.slug,
    )


def uid(event: Event) -> str:
    return event_uid(event)


def event_calendar(event: Event, language: str) -> bytes | None:
    """One event as an iCalendar file: the very VEVENT (UID, SEQUENCE, VTIMEZONE…) the feeds
    publish for it, from the feeds' builder; None if its row cannot be written."""
    written = feeds_event_calendar(event, language)
    return written.body if written.written else None


def sitemap_rows(start: date, end: date, cap: int) -> list[tuple[int, datetime]]:
    """(id, last change) of public events starting in [start, end), at most ``cap``."""
    stmt = (
        select(Event.id, Event.updated_at, Series.updated_at)
        .join(Event.series)
        .where(*_window(start, end))
        .order_by(Event.start, Event.id)
        .limit(cap)
    )
    return [(row[0], max(row[1], row[2])) for row in db.session.execute(stmt)]
