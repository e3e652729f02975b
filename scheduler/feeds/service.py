"""From a feed address to iCalendar bytes: which events, in which form, cached by revision.

A feed is rebuilt only when its data changed: a cheap aggregate over the filtered rows
(count, latest change, sum of SEQUENCEs, series revisions) is the fingerprint, and the
rendered bytes are kept per (feed, fingerprint). The same fingerprint answers
If-Modified-Since before anything is built.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.bounds import FIRST_YEAR, LAST_YEAR, is_reasonable_date
from ..core.fastpath import HotAnswers
from ..core.localized import localized
from ..core.time import zone
from ..events.labels import event_type_label as type_label
from ..events.models import Event, EventStatus, Series
from ..events.queries import EventFilter, events_statement, list_events
from ..extensions import db
from .fastpath import fast_path_key
from .folding import SeriesForFeed, fold_series
from .ical import FeedCalendar, FeedEvent, Organizer, WrittenCalendar, safe_url, write_calendar
from .uids import event_uid, series_uid

log = logging.getLogger(__name__)

FEED_KINDS = ("all", "org", "activity", "type", "lang", "mine")
MODES = ("occurrences", "series")
MAX_WINDOW_DAYS = 366 * 5


class FeedArgumentError(ValueError):
    """A query argument of a feed address that cannot be used; the message says why."""


@dataclass(frozen=True)
class FeedRequest:
    kind: str
    value: str | None
    start: date
    end: date
    mode: str = "occurrences"
    show_cancelled: bool = False
    private: bool = False
    organiser_email: str | None = None
    locale: str = "et"

    def event_filter(self) -> EventFilter:
        return EventFilter(
            start=self.start,
            end=self.end,
            org=self.value if self.kind == "org" else None,
            activity=self.value if self.kind == "activity" else None,
            event_type=self.value if self.kind == "type" else None,
            language=self.value if self.kind == "lang" else None,
            organiser=self.organiser_email if self.kind == "mine" else None,
            public_only=not self.private,
            include_cancelled=self.show_cancelled,
            tz=current_app.config.get("TIMEZONE", "Europe/Tallinn"),
        )


def default_window(today: date) -> tuple[date, date]:
    config = current_app.config
    return _window(today, config["FEEDS_DAYS_BACK"], config["FEEDS_MONTHS_AHEAD"])


@lru_cache(maxsize=8)
def _window(today: date, days_back: int, months_ahead: int) -> tuple[date, date]:
    # every feed request needs it; relativedelta is slow enough to show per request
    return today - timedelta(days=days_back), today + relativedelta(months=months_ahead)


def feed_request(
    kind: str,
    value: str | None,
    args,
    *,
    private: bool = False,
    organiser_email: str | None = None,
    today: date | None = None,
) -> FeedRequest:
    """Read ``mode``, ``cancelled``, ``from`` and ``to`` from the query string."""
    today = today or datetime.now(zone(current_app.config["TIMEZONE"])).date()
    start, end = default_window(today)
    start = _date_arg(args.get("from"), "from") or start
    end = _date_arg(args.get("to"), "to") or end
    if end <= start:
        raise FeedArgumentError(_("'to' must be after 'from'"))
    if (end - start).days > MAX_WINDOW_DAYS:
        raise FeedArgumentError(_("a feed covers at most five years"))
    mode = args.get("mode") or "occurrences"
    if mode not in MODES:
        raise FeedArgumentError(_("mode must be 'occurrences' or 'series'"))
    cancelled = args.get("cancelled") or "hide"
    if cancelled not in ("show", "hide"):
        raise FeedArgumentError(_("cancelled must be 'show' or 'hide'"))
    locale = value if kind == "lang" else current_app.config.get("BABEL_DEFAULT_LOCALE", "et")
    return FeedRequest(
        kind=kind,
        value=value,
        start=start,
        end=end,
        mode=mode,
        show_cancelled=cancelled == "show",
        private=private,
        organiser_email=organiser_email,
        locale=locale,
    )


def _date_arg(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise FeedArgumentError(_("'%(name)s' must be a date (YYYY-MM-DD)", name=name)) from None
    if not is_reasonable_date(day):
        raise FeedArgumentError(
            _(
                "'%(name)s' must be a date between %(first)s and %(last)s",
                name=name,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    return day


# ---------------------------------------------------------------------------------------------
# Fingerprint and cache


@dataclass(frozen=True)
class Fingerprint:
    count: int
    last_change: datetime | None
    sequences: int
    series_revisions: int
    # series mode: the SEQUENCEs of every row of the feed's series, in the window or not
    # (a series master's SEQUENCE and LAST-MODIFIED are derived from all of them)
    series_sequences: int = 0

    @property
    def last_modified(self) -> datetime:
        moment = self.last_change or datetime(2024, 1, 1, tzinfo=UTC)
        return moment.replace(microsecond=0)


def fingerprint(request: FeedRequest) -> Fingerprint:
    """A few aggregates over the rows the feed reads; any edit, move, cancel or series
    change alters one of them."""
    stmt = (
        events_statement(request.event_filter())
        .with_only_columns(
            func.count(Event.id),
            func.max(Event.updated_at),
            func.coalesce(func.sum(Event.sequence), 0),
            func.max(Series.updated_at),
            func.coalesce(func.sum(Series.revision), 0),
        )
        .order_by(None)
    )
    count, event_change, sequences, series_change, revisions = db.session.execute(stmt).one()
    changes = [moment for moment in (event_change, series_change) if moment is not None]
    series_sequences = 0
    if request.mode == "series":
        history_change, series_sequences = _series_history(request)
        if history_change is not None:
            changes.append(history_change)
    return Fingerprint(
        count,
        max(changes) if changes else None,
        int(sequences),
        int(revisions),
        int(series_sequences),
    )


def _series_history(request: FeedRequest) -> tuple[datetime | None, int]:
    """Latest change and sum of SEQUENCEs over every row (any time, any status) of the
    series the feed may show: what the masters of series mode are derived from."""
    whole = replace(request.event_filter(), start=None, end=None, include_cancelled=True)
    stmt = (
        events_statement(whole)
        .with_only_columns(func.max(Event.updated_at), func.coalesce(func.sum(Event.sequence), 0))
        .order_by(None)
    )
    return db.session.execute(stmt).one()


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    gzipped: bytes
    etag: str
    gzip_etag: str
    last_modified: datetime
    event_count: int


@dataclass
class FeedCache:
    """Rendered feeds by (request, fingerprint), least recently used out first, and each
    request's fingerprint for a short while (FEEDS_FINGERPRINT_TTL) so that a burst of
    requests does not run the aggregate each time. A commit touching events or series in
    this process forgets the fingerprints at once."""

    size: int = 128
    fingerprint_ttl: float = 2.0
    _feeds: OrderedDict = field(default_factory=OrderedDict)
    _fingerprints: dict = field(default_factory=dict)
    _building: dict = field(default_factory=dict)
    _hot: HotAnswers = field(default_factory=HotAnswers)  # fast-path key -> fastpath.HotFeed
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._hot.size = self.size

    def fingerprint(self, request: FeedRequest) -> Fingerprint:
        now = time.monotonic()
        with self._lock:
            known = self._fingerprints.get(request)
        if known is not None and now - known[1] < self.fingerprint_ttl:
            return known[0]
        value = fingerprint(request)
        with self._lock:
            self._fingerprints[request] = (value, now)
            if len(self._fingerprints) > self.size * 4:
                self._fingerprints.clear()
        return value

    def get(self, request: FeedRequest, print_: Fingerprint) -> RenderedFeed | None:
        with self._lock:
            found = self._feeds.get((request, print_))
            if found is not None:
                self._feeds.move_to_end((request, print_))
            return found

    def get_or_render(self, request: FeedRequest, print_: Fingerprint, render) -> RenderedFeed:
        """The cached feed, or ``render(request, print_)`` run once however many requests
        ask for the same missing feed at the same time (a big feed takes seconds to build;
        a burst of clients after an edit must not build it once each)."""
        found = self.get(request, print_)
        if found is not None:
            return found
        key = (request, print_)
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        try:
            with building:
                found = self.get(request, print_)
                if found is None:
                    found = render(request, print_)
                    self.put(request, print_, found)
        finally:
            with self._lock:
                self._building.pop(key, None)
        return found

    def put(self, request: FeedRequest, print_: Fingerprint, feed: RenderedFeed) -> None:
        with self._lock:
            self._feeds[(request, print_)] = feed
            while len(self._feeds) > self.size:
                self._feeds.popitem(last=False)

    def remember_hot(
        self, key, request: FeedRequest, print_: Fingerprint, feed: RenderedFeed, headers: dict
    ) -> None:
        """Let the fast path answer ``key`` with this feed for as long as its fingerprint is
        trusted — and not at all if the fingerprint changed or was forgotten meanwhile."""
        from .fastpath import HotFeed

        with self._lock:
            known = self._fingerprints.get(request)
            if known is None or known[0] != print_:
                return
            expires = known[1] + self.fingerprint_ttl
            self._hot.put(key, HotFeed(feed, tuple(headers.items()), expires))

    def hot_feed(self, key):
        return self._hot.get(key)

    def hot_for(self, environ):
        """The fast path's look-up: a remembered public feed for this address, or None."""
        return self._hot.get(fast_path_key(environ))

    def forget_fingerprints(self) -> None:
        with self._lock:
            self._fingerprints.clear()
            self._hot.clear()

    def clear(self) -> None:
        """Forget everything: the next request of every feed builds it again."""
        with self._lock:
            self._fingerprints.clear()
            self._hot.clear()
            self._feeds.clear()


def feed_cache() -> FeedCache:
    return current_app.extensions["feeds.cache"]


def rendered_feed(request: FeedRequest, print_: Fingerprint | None = None) -> RenderedFeed:
    cache = feed_cache()
    print_ = print_ or cache.fingerprint(request)
    return cache.get_or_render(request, print_, render)


def render(request: FeedRequest, print_: Fingerprint) -> RenderedFeed:
    calendar = build_calendar(request)
    written = write_calendar(calendar)
    body = written.body
    gzipped = gzip.compress(body, compresslevel=6, mtime=0)
    digest = hashlib.sha256(body).hexdigest()[:40]
    return RenderedFeed(
        body=body,
        gzipped=gzipped,
        etag=digest,
        gzip_etag=f"{digest}-gz",
        last_modified=print_.last_modified,
        event_count=written.written,
    )


# ---------------------------------------------------------------------------------------------
# Rows to VEVENTs


def feed_events(request: FeedRequest) -> list[Event]:
    return list_events(request.event_filter())


def build_calendar(request: FeedRequest) -> FeedCalendar:
    with force_locale(request.locale):
        events = feed_events(request)
        _load_import_links(events)
        context = _Context(request.locale, _base_url())
        if request.mode == "series":
            vevents = _series_mode(events, context)
        else:
            vevents = context.occurrences(events)
        return FeedCalendar(
            name=calendar_name(request),
            tz=current_app.config.get("TIMEZONE", "Europe/Tallinn"),
            events=tuple(vevents),
            description=_("Events of ELVL's newcomer-integration programme"),
            refresh=timedelta(seconds=current_app.config["FEEDS_REFRESH_SECONDS"]),
        )


def event_calendar(event: Event, locale: str) -> WrittenCalendar:
    """The .ics of one occurrence, for mail attachments: the very VEVENT the feeds publish
    for it (same builder: UID, SEQUENCE, DTSTAMP, TZID with its VTIMEZONE, CLASS), in a file
    without a calendar name or refresh hints. ``written`` is 0 when it cannot be written."""
    with force_locale(locale):
        _load_import_links([event])
        vevents = _Context(locale, _base_url()).occurrences([event])
        return write_calendar(
            FeedCalendar(
                name=None,
                tz=current_app.config.get("TIMEZONE", "Europe/Tallinn"),
                events=tuple(vevents),
                refresh=None,
            )
        )


def _load_import_links(events: list[Event]) -> None:
    """Load the import links of the feed's series in one query, not one per series."""
    series = list({event.series_id: event.series for event in events}.values())
    if series and hasattr(Series, "import_link"):
        db.session.scalars(
            db.select(Series)
            .where(Series.id.in_([s.id for s in series]))
            .options(selectinload(Series.import_link))
        ).all()


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _series_mode(events: list[Event], context: _Context) -> list[FeedEvent]:
    by_series: dict[int, list[Event]] = {}
    for event in events:
        by_series.setdefault(event.series_id, []).append(event)
    folding = [
        rows
        for rows in by_series.values()
        if getattr(rows[0].series, "import_link", None) is None and rows[0].series.rule
    ]
    history = _series_history_by_id([rows[0].series_id for rows in folding])
    vevents: list[FeedEvent] = []
    for rows in by_series.values():
        series = rows[0].series
        if series.id not in history:
            vevents.extend(context.occurrences(rows))
            continue
        try:
            vevents.extend(fold_series(context.series_for_feed(series, rows, history[series.id])))
        except Exception:
            # an unreadable rule, zone…: the occurrences, each written if it can be
            log.warning(
                "feed series %s published as occurrences: it cannot be folded",
                series.id,
                exc_info=True,
            )
            vevents.extend(context.occurrences(rows))
    return vevents


@dataclass(frozen=True)
class SeriesHistory:
    """What every row of a series, in the feed's window or not, says about its master."""

    sequences: int  # sum of the rows' SEQUENCEs: each cancel, restore, move, edit adds one
    last_change: datetime | None


HISTORY_CHUNK = 500


def _series_history_by_id(series_ids: list[int]) -> dict[int, SeriesHistory]:
    found: dict[int, SeriesHistory] = {}
    for first in range(0, len(series_ids), HISTORY_CHUNK):
        chunk = series_ids[first : first + HISTORY_CHUNK]
        stmt = (
            select(
                Event.series_id,
                func.coalesce(func.sum(Event.sequence), 0),
                func.max(Event.updated_at),
            )
            .where(Event.series_id.in_(chunk))
            .group_by(Event.series_id)
        )
        for series_id, sequences, last_change in db.session.execute(stmt):
            found[series_id] = SeriesHistory(int(sequences), last_change)
    return found


def master_sequence(series: Series, history: SeriesHistory) -> int:
    """The SEQUENCE of a series' RRULE master: its own revision (raised by plan reloads that
    change it) plus the SEQUENCEs of all its occurrence rows (each cancel, restore, move or
    edit raises one, rows are never deleted), so every change to its rule, EXDATEs or
    overrides raises it and nothing lowers it; a restore after a cancel goes up again."""
    return series.revision + history.sequences


def master_modified(series: Series, history: SeriesHistory) -> datetime:
    """DTSTAMP/LAST-MODIFIED of the master: the latest change to the series or any of its
    rows (never earlier than before, whichever rows the window shows)."""
    changes = [series.updated_at]
    if history.last_change is not None:
        changes.append(history.last_change)
    return max(changes)


@dataclass
class _Context:
    locale: str
    base_url: str
    _descriptions: dict = field(default_factory=dict)

    def occurrences(self, events: list[Event]) -> list[FeedEvent]:
        """The occurrences that can be read; one whose row cannot is left out and logged."""
        found = []
        for event in events:
            try:
                found.append(self.occurrence(event))
            except Exception:
                log.warning("feed event %s left out: it cannot be read", event.id, exc_info=True)
        return found

    def occurrence(self, event: Event) -> FeedEvent:
        series = event.series
        return FeedEvent(
            uid=event_uid(event),
            start=event.start,
            end=event.end,
            tz=series.timezone,
            summary=event.title or series.title_for(self.locale),
            sequence=event.sequence,
            modified=max(event.updated_at, series.updated_at),
            description=(
                f"{event.description.strip()}\n\n{self.description(series)}"
                if event.description
                else self.description(series)
            ),
            location=event.location or series.location,
            url=self.url(series),
            categories=feed_categories(series),
            organizer=self.organizer(series),
            cancelled=event.status == EventStatus.CANCELLED,
            private=not series.is_public,
            ref=f"event {event.id}",
        )

    def series_for_feed(
        self, series: Series, rows: list[Event], history: SeriesHistory
    ) -> SeriesForFeed:
        from ..events.expansion import spec_for

        spec = spec_for(series)
        master = FeedEvent(
            uid=series_uid(series),
            start=spec.start,
            end=spec.start + spec.duration,
            tz=series.timezone,
            summary=series.title_for(self.locale),
            sequence=master_sequence(series, history),
            modified=master_modified(series, history),
            description=self.description(series),
            location=series.location,
            url=self.url(series),
            categories=feed_categories(series),
            organizer=self.organizer(series),
            private=not series.is_public,
            ref=f"series {series.id}",
        )
        return SeriesForFeed(
            uid=series_uid(series),
            rule=series.rule,
            anchor=spec.start,
            duration=spec.duration,
            tz=series.timezone,
            master=master,
            occurrences=tuple((event.original_start, self.occurrence(event)) for event in rows),
        )

    def url(self, series: Series) -> str:
        return series.online_url or f"{self.base_url}/"

    def organizer(self, series: Series) -> Organizer | None:
        emails = [email for email in series.organisers or [] if "@" in email]
        if not emails:
            return None
        return Organizer(emails[0], series.organisation.display_name(self.locale))

    def description(self, series: Series) -> str:
        if series.id not in self._descriptions:
            self._descriptions[series.id] = series_description(series, self.locale)
        return self._descriptions[series.id]


DEMO_CATEGORY = "demo"


def feed_categories(series: Series) -> tuple[str, ...]:
    """The event type's name; and "demo" for data replayed by `flask plan demo`."""
    label = type_label(series.event_type)
    return (label, DEMO_CATEGORY) if series.is_demo else (label,)


def series_description(series: Series, locale: str) -> str:
    parts = []
    description = localized(series, "description", locale)
    if description:
        parts.append(description.strip())
    rule_text = _rule_description(series, locale)
    if rule_text:
        parts.append(rule_text)
    if series.activity is not None:
        parts.append(f"{series.activity.code} {series.activity.display_title(locale)}")
    parts.append(_("Organiser: %(name)s", name=series.organisation.display_name(locale)))
    if series.languages:
        parts.append(_("Languages: %(codes)s", codes=", ".join(series.languages)))
    if safe_url(series.online_url):
        parts.append(safe_url(series.online_url))
    return "\n".join(parts)


def _rule_description(series: Series, locale: str) -> str | None:
    if not series.rule and not series.rdates:
        return None
    try:
        from ..events.expansion import spec_for
        from ..recurrence import describe

        return describe(spec_for(series), locale)
    except Exception:  # a description is a nicety; a feed must never fail for it
        current_app.logger.debug("no rule description for series %s", series.key, exc_info=True)
        return None


def calendar_name(request: FeedRequest) -> str:
    value = request.value or ""
    if request.kind == "org":
        from ..organisations.models import Organisation

        org = db.session.scalars(db.select(Organisation).filter_by(slug=value)).one_or_none()
        value = org.display_name(request.locale) if org else value
        name = _("ELVL: %(what)s", what=value)
    elif request.kind == "activity":
        name = _("ELVL: activity %(code)s", code=value)
    elif request.kind == "type":
        name = _("ELVL: %(what)s", what=type_label(value))
    elif request.kind == "lang":
        name = _("ELVL: events in %(language)s", language=language_name(value, request.locale))
    elif request.kind == "mine":
        name = _("ELVL: my events")
    else:
        name = _("ELVL: all events")
    if request.private and request.kind != "mine":
        name += " " + _("(with internal)")
    return name


def language_name(code: str, locale: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(code).get_display_name(locale) or code
    except Exception:
        return code
