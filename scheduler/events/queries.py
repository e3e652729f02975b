"""The read model: every surface's queries over event rows.

The CLI, the workspace calendar, the public site, the open API, the widget, the sitemap and
the feeds read events here: windows, filters (parsed by :mod:`.filters`, the public
vocabulary), visibility for the person asking (the policy's :class:`EventVisibility` as
SQL), keyset paging and the revision fingerprints that answer If-None-Match."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from flask import current_app
from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..core.bounds import MAX_ID
from ..core.policy import PUBLIC_ONLY, EventVisibility
from ..core.time import DEFAULT_TZ, local_midnight, zone
from ..extensions import db
from ..organisations.models import Organisation, OrganisationKind
from ..plans.models import Activity
from .filters import EventsQuery, Known, Limits, Surface, matches, parse_query
from .models import EVENT_TYPES, SERIES_TEXTS, Event, EventStatus, Series


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
    # Whose list it is (the policy's facts, see visible_series); None: the trusted shell's
    visibility: EventVisibility | None = None
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
    if event_filter.visibility is not None:
        visible = visible_series(event_filter.visibility)
        if visible is not None:
            stmt = stmt.where(visible)
    return stmt


def visible_series(visibility: EventVisibility):
    """The policy's ``view_event`` as SQL over ``Series`` (which the statement must select
    from): public series, and the internal ones ``visibility`` admits; None when it admits
    every series. :meth:`EventVisibility.admits` says the same of one series."""
    if visibility.every:
        return None
    admitted = [Series.is_public.is_(True)]
    if visibility.organisation_id is not None:
        admitted.append(Series.organisation_id == visibility.organisation_id)
    if visibility.organiser_email:
        admitted.append(Series.id.in_(_internal_series_naming(visibility)))
    return or_(*admitted)


def _internal_series_naming(visibility: EventVisibility) -> list[int]:
    """The internal series whose organisers name the person: the JSON column is narrowed
    portably in SQL (its text contains the address), then matched exactly by the policy."""
    stmt = select(Series.id, Series.organisers).where(
        Series.is_public.is_(False),
        func.lower(cast(Series.organisers, String)).contains(
            visibility.organiser_email, autoescape=True
        ),
    )
    return [sid for sid, organisers in db.session.execute(stmt) if visibility.names(organisers)]


def _series_admitted(event_filter: EventFilter):
    """The series the filter admits: a subquery, a list of ids, or None for every series."""
    stmt = _series_conditions(select(Series.id), event_filter)
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


def series_family(series: Series) -> list[int]:
    """The ids of a series and of every series split from it or it from ("this and
    following" changes): one activity to a visitor. A few queries, one per split."""
    root, seen = series, {series.id}
    while root.split_from_id is not None and root.split_from_id not in seen:
        parent = db.session.get(Series, root.split_from_id)
        if parent is None:
            break
        root = parent
        seen.add(root.id)
    family, frontier = [root.id], [root.id]
    while frontier:
        frontier = list(
            db.session.scalars(select(Series.id).where(Series.split_from_id.in_(frontier)))
        )
        family.extend(i for i in frontier if i not in family)
    return family


# ---------------------------------------------------------------------------------------------
# Pages of events for the public vocabulary's queries (the open API, the public site, the
# widget): windows, filters, visibility for the person asking, keyset paging, and the
# revision fingerprints that answer If-None-Match without building a page.

SCAN_BATCH = 500


def site_timezone() -> str:
    return current_app.config["TIMEZONE"]


def known_orgs(slugs: Iterable[str]) -> set[str]:
    """Which of these organisation slugs exist."""
    return set(
        db.session.scalars(select(Organisation.slug).where(Organisation.slug.in_(list(slugs))))
    )


def known_activities(codes: Iterable[str]) -> set[str]:
    """Which of these activity codes exist."""
    return set(db.session.scalars(select(Activity.code).where(Activity.code.in_(list(codes)))))


def known_values() -> Known:
    """What the vocabulary's values are checked against, from the database and settings."""
    return Known(
        event_types=EVENT_TYPES,
        languages=tuple(current_app.config["LANGUAGES"]),
        orgs=known_orgs,
        activities=known_activities,
    )


PARTNER_KINDS = (OrganisationKind.IMPLEMENTER, OrganisationKind.PARTNER)


def partner_organisations() -> list[Organisation]:
    """The partners (and the implementer): the cities of the public site and the calendar's
    organisation filter, by slug."""
    stmt = select(Organisation).where(Organisation.kind.in_(PARTNER_KINDS))
    return list(db.session.scalars(stmt.order_by(Organisation.slug)))


def city_slugs(visibility: EventVisibility = PUBLIC_ONLY) -> list[str]:
    """The partners (and the implementer) with events ``visibility`` admits."""
    stmt = (
        select(Organisation.slug)
        .where(
            Organisation.kind.in_(PARTNER_KINDS),
            Organisation.id.in_(select(Series.organisation_id).where(_visible(visibility))),
        )
        .order_by(Organisation.slug)
    )
    return list(db.session.scalars(stmt))


# What an item (and a word search) reads of a series; rules, dates lists and reminder
# settings stay unread: on a page of items they cost more than everything else.
ITEM_COLUMNS = (
    Series.id,
    Series.key,
    Series.organisation_id,
    *(getattr(Series, name) for name in SERIES_TEXTS),
    Series.event_type,
    Series.languages,
    Series.location,
    Series.online_url,
    Series.is_public,
    Series.timezone,
    Series.revision,
    Series.updated_at,
)


def _visible(visibility: EventVisibility):
    """The visibility rule as one SQL condition (true for whoever sees every event)."""
    condition = visible_series(visibility)
    return true() if condition is None else condition


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


def _window(start: date, end: date, visibility: EventVisibility) -> list:
    return [
        _visible(visibility),
        Event.start >= local_midnight(start, site_timezone()),
        Event.start < local_midnight(end, site_timezone()),
    ]


def _criteria(query: EventsQuery, visibility: EventVisibility) -> list:
    """The query's conditions but words and working languages (matched on the rows)."""
    criteria = _window(query.start, query.end, visibility)
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


def events_page(query: EventsQuery, visibility: EventVisibility = PUBLIC_ONLY) -> list[Event]:
    """The events after the query's position that ``visibility`` admits: a page and one
    more, if there are (the extra one only says that a next page exists)."""
    wanted = query.limit + 1
    criteria = _criteria(query, visibility)
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


@dataclass(frozen=True)
class PageRevision:
    """A page's validator, in the manner of the feeds' fingerprint but over exactly the rows
    the page shows (and the one telling that a next page exists): an edit, move, cancellation
    or outcome sets the event row's updated_at and SEQUENCE, a change to the series its
    updated_at and revision, and an event entering or leaving the page changes the count or
    the id sum."""

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


#: What a revision reads of each row, in the order of PageRevision.of.
REVISION_COLUMNS = (Event.id, Event.updated_at, Event.sequence, Series.updated_at, Series.revision)


def page_revision(query: EventsQuery, visibility: EventVisibility = PUBLIC_ONLY) -> PageRevision:
    """The revision of a page, read without building it: one aggregate over at most
    ``limit + 1`` rows found by the start index; with words or working languages (or for a
    person who sees internal events), the same scan the page itself makes."""
    wanted = query.limit + 1
    if query.filters_in_python or visibility != PUBLIC_ONLY:
        criteria = _criteria(query, visibility)
        return PageRevision.of(_matching(criteria, query, wanted, REVISION_COLUMNS))
    window_start, window_end = (
        local_midnight(day, site_timezone()) for day in (query.start, query.end)
    )
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
        _visible(PUBLIC_ONLY),
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
    Series.description,
    Series.translations,
    Event.description,
    Event.location,
    Series.location,
)


def _plain_texts(values) -> list[str | None]:
    """The searched columns' texts, with every language of a ``translations`` value."""
    texts: list[str | None] = []
    for value in values:
        if isinstance(value, dict):
            texts.extend(text for by_code in value.values() for text in by_code.values())
        else:
            texts.append(value)
    return texts


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
            texts = _plain_texts(row[1:texts_end])
            if matches(texts, row[0], words=query.words, languages=query.languages):
                found.append(tuple(row[texts_end:]))
                if len(found) == wanted:
                    break
    finally:
        result.close()
    return found


def visible_event(event_id: int, visibility: EventVisibility = PUBLIC_ONLY) -> Event | None:
    """One event, if ``visibility`` admits it (None for ids no row can have)."""
    if not 0 < event_id <= MAX_ID:
        return None
    stmt = _with_series(select(Event)).where(Event.id == event_id, _visible(visibility))
    return db.session.scalars(stmt).one_or_none()


def event_revision(event: Event) -> tuple:
    """What one event's validators are derived from."""
    series = event.series
    return (
        event.id,
        event.updated_at.isoformat(),
        event.sequence,
        series.updated_at.isoformat(),
        series.revision,
        series.organisation.slug,
    )


def sitemap_rows(
    start: date, end: date, cap: int, visibility: EventVisibility = PUBLIC_ONLY
) -> list[tuple[int, datetime]]:
    """(id, last change) of the events starting in [start, end), at most ``cap``."""
    stmt = (
        select(Event.id, Event.updated_at, Series.updated_at)
        .join(Event.series)
        .where(*_window(start, end, visibility))
        .order_by(Event.start, Event.id)
        .limit(cap)
    )
    return [(row[0], max(row[1], row[2])) for row in db.session.execute(stmt)]


def local_today() -> date:
    """Today in the site's zone: where default windows start."""
    return datetime.now(zone(site_timezone())).date()


def query_for(args, surface: Surface, limits: Limits) -> EventsQuery:
    """A surface's query string read by the public vocabulary, against what exists now;
    raises :class:`~.filters.FilterError` for what cannot be used."""
    return parse_query(
        args,
        surface,
        known_values(),
        today=local_today(),
        secret=current_app.config["SECRET_KEY"],
        limits=limits,
    )
