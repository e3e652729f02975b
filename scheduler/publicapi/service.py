"""Database side of the open API: public event rows, their revision, one event's calendar."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from flask import current_app
from sqlalchemy import Integer, and_, bindparam, func, or_, select
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
    Series.description_en,
    Series.description_ru,
    Series.event_type,
    Series.languages,
    Series.location,
    Series.online_url,
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
    if query.online:
        criteria.append(_is_online())
    if query.after is not None:
        start, event_id = query.after.start, query.after.event_id
        criteria.append(or_(Event.start > start, and_(Event.start == start, Event.id > event_id)))
    return criteria


def _is_online():
    return and_(Series.online_url.is_not(None), Series.online_url != "")


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


# A page's validator, in the manner of the feeds' fingerprint but over exactly the rows the
# page shows (and the one telling that a next page exists): an edit, move, cancellation or
# outcome sets the event row's updated_at and SEQUENCE, a change to the series its updated_at
# and revision, and an event entering or leaving the page changes the count or the id sum.
REVISION_COLUMNS = (
    Event.id,
    Event.updated_at,
    Event.sequence,
    Series.updated_at,
    Series.revision,
)


@dataclass(frozen=True)
class PageRevision:
    count: int
    id_sum: int
    last_change: str | None
    sequences: int
    last_series_change: str | None
    series_revisions: int

    @classmethod
    def of(cls, rows) -> PageRevision:
        """From rows of REVISION_COLUMNS' values."""
        rows = list(rows)
        return cls(
            count=len(rows),
            id_sum=sum(row[0] for row in rows),
            last_change=_latest(row[1] for row in rows),
            sequences=sum(row[2] for row in rows),
            last_series_change=_latest(row[3] for row in rows),
            series_revisions=sum(row[4] for row in rows),
        )


def _latest(moments) -> str | None:
    return max((moment.isoformat() for moment in moments), default=None)


def page_revision(query: EventsQuery) -> PageRevision:
    """The revision of a page, read without building it: one aggregate over at most
    ``limit + 1`` rows found by the start index; with words or working languages, the same
    scan the page itself makes."""
    wanted = query.limit + 1
    if query.filters_in_python:
        return PageRevision.of(_matching(_criteria(query), query, wanted, REVISION_COLUMNS))
    window_start, window_end = (local_midnight(day, tz()) for day in (query.start, query.end))
    params = {"window_start": window_start, "window_end": window_end, "wanted": wanted}
    if query.orgs:
        params["orgs"] = list(query.orgs)
    if query.types:
        params["types"] = list(query.types)
    if query.after is not None:
        params["after_start"], params["after_id"] = query.after.start, query.after.event_id
    statement = _revision_statement(
        bool(query.orgs), bool(query.types), query.after is not None, query.online
    )
    count, id_sum, changed, sequences, series_changed, revisions = db.session.execute(
        statement, params
    ).one()
    return PageRevision(
        int(count),
        int(id_sum),
        changed.isoformat() if changed is not None else None,
        int(sequences),
        series_changed.isoformat() if series_changed is not None else None,
        int(revisions),
    )


@lru_cache(maxsize=8)
def _revision_statement(orgs: bool, types: bool, after: bool, online: bool = False):
    """The aggregate of :func:`page_revision` for one combination of filters, built once
    with bound parameters: building it per request would cost more than running it."""
    start = bindparam("window_start", type_=Event.start.type)
    criteria = [
        Series.is_public.is_(True),
        Event.start >= start,
        Event.start < bindparam("window_end", type_=Event.start.type),
    ]
    if orgs:
        criteria.append(Organisation.slug.in_(bindparam("orgs", expanding=True)))
    if types:
        criteria.append(Series.event_type.in_(bindparam("types", expanding=True)))
    if online:
        criteria.append(_is_online())
    if after:
        after_start = bindparam("after_start", type_=Event.start.type)
        after_id = bindparam("after_id", type_=Event.id.type)
        criteria.append(
            or_(Event.start > after_start, and_(Event.start == after_start, Event.id > after_id))
        )
    page = (
        select(*(column.label(f"c{i}") for i, column in enumerate(REVISION_COLUMNS)))
        .join(Event.series)
        .join(Series.organisation)
        .where(*criteria)
        .order_by(Event.start, Event.id)
        .limit(bindparam("wanted", type_=Integer))
        .subquery()
    )
    return select(
        func.count(),
        func.coalesce(func.sum(page.c.c0), 0),
        func.max(page.c.c1),
        func.coalesce(func.sum(page.c.c2), 0),
        func.max(page.c.c3),
        func.coalesce(func.sum(page.c.c4), 0),
    )


def rows_revision(rows: list[Event]) -> PageRevision:
    """:func:`page_revision` of rows already loaded (the same values, no query)."""
    return PageRevision.of(
        (e.id, e.updated_at, e.sequence, e.series.updated_at, e.series.revision) for e in rows
    )


SEARCHED = (
    Event.title,
    Series.title,
    Series.title_en,
    Series.title_ru,
    Series.description,
    Series.description_en,
    Series.description_ru,
    Event.description,
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


def city_slugs() -> list[str]:
    """The partners (and the implementer) that have public events: the public site's city
    pages."""
    from ..organisations.models import OrganisationKind

    stmt = (
        select(Organisation.slug)
        .where(
            Organisation.kind.in_([OrganisationKind.IMPLEMENTER, OrganisationKind.PARTNER]),
            Organisation.id.in_(select(Series.organisation_id).where(Series.is_public.is_(True))),
        )
        .order_by(Organisation.slug)
    )
    return list(db.session.scalars(stmt))


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
