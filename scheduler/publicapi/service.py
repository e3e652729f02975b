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
from ..feeds.service import FeedRequest, feed_cache
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


def events_page(query: EventsQuery) -> tuple[list[Event], bool]:
    """Up to ``limit`` public events after the query's position, and whether more follow."""
    wanted = query.limit + 1
    criteria = _criteria(query)
    if query.filters_in_python:
        ids = _matching_ids(criteria, query, wanted)
        if not ids:
            return [], False
        criteria = [Event.id.in_(ids)]
    stmt = (
        _with_series(select(Event), item_columns_only=True)
        .where(*criteria)
        .order_by(Event.start, Event.id)
        .limit(wanted)
    )
    rows = list(db.session.scalars(stmt))
    return rows[: query.limit], len(rows) > query.limit


SEARCHED = (
    Event.title,
    Series.title,
    Series.title_en,
    Series.title_ru,
    Series.description,
    Event.location,
    Series.location,
)


def _matching_ids(criteria: list, query: EventsQuery, wanted: int) -> list[int]:
    """Words and working languages: the texts of the window's rows stream in (start, id)
    order, plain columns rather than objects, until a page and one more have matched."""
    light = (
        select(Event.id, Series.languages, *SEARCHED)
        .join(Event.series)
        .join(Series.organisation)
        .where(*criteria)
        .order_by(Event.start, Event.id)
    )
    ids: list[int] = []
    result = db.session.execute(light.execution_options(yield_per=SCAN_BATCH))
    try:
        for event_id, event_languages, *texts in result:
            if matches(texts, event_languages, words=query.words, languages=query.languages):
                ids.append(event_id)
                if len(ids) == wanted:
                    break
    finally:
        result.close()
    return ids


def revision(query: EventsQuery):
    """The feeds' fingerprint of every public event in the query's window (cached for
    FEEDS_FINGERPRINT_TTL, forgotten on any commit touching events or series): one aggregate
    query, and any change to an event the answer could contain alters it."""
    request = FeedRequest(
        kind="all",
        value=None,
        start=query.start,
        end=query.end,
        show_cancelled=True,
        private=False,
        locale="api",
    )
    return feed_cache().fingerprint(request)


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
