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

from ..core.fastpath import HotAnswers
from ..core.localized import localized
from ..core.policy import PUBLIC_ONLY, EventVisibility
from ..core.time import zone
from ..events import presentation as show
from ..events.filters import FEED, N_, FilterError, canonical_args, page_language, parse_window
from ..events.labels import event_type_label as type_label
from ..events.models import Event, Series
from ..events.queries import EventFilter, events_statement, list_events
from ..events.shown import family_series, rule_text
from ..events.uids import event_uid, series_uid
from ..extensions import db
from ..localisation import language_names
from .fastpath import fast_path_key
from .folding import SeriesForFeed, fold_series
from .ical import FeedCalendar, FeedEvent, Organizer, WrittenCalendar, safe_url, write_calendar

log = logging.getLogger(__name__)

FEED_KINDS = ("all", "org", "activity", "type", "lang", "mine")
MODES = ("occurrences", "series")


# A feed address's query arguments are refused as every surface refuses them.
FeedArgumentError = FilterError


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
    # A private link's events: its owner's, as the policy has them at the request
    visibility: EventVisibility = PUBLIC_ONLY

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
            visibility=self.visibility if self.private else PUBLIC_ONLY,
            include_cancelled=self.show_cancelled,
            tz=current_app.config["TIMEZONE"],
        )


def _text_language(args, kind: str, value: str | None) -> str:
    """The language of titles and texts: ``?lang=`` (or ``hl``, as calendar files take it),
    else a language feed's own, else the site's default. Calendar apps send no
    Accept-Language worth trusting, and the address is the cache key, so only the address
    chooses."""
    asked = page_language(args, current_app.config["LANGUAGES"])
    if asked is not None:
        return asked
    if kind == "lang":
        return value
    return current_app.config["BABEL_DEFAULT_LOCALE"]


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
    visibility: EventVisibility = PUBLIC_ONLY,
    today: date | None = None,
) -> FeedRequest:
    """Read ``mode``, ``cancelled``, ``from`` and ``to`` from the query string."""
    today = today or datetime.now(zone(current_app.config["TIMEZONE"])).date()
    default_start, default_end = default_window(today)
    start, end = parse_window(
        canonical_args(args, FEED),
        default_start=default_start,
        default_end=lambda _start: default_end,
    )
    mode = args.get("mode") or "occurrences"
    if mode not in MODES:
        raise FeedArgumentError(N_("mode must be 'occurrences' or 'series'"))
    cancelled = args.get("cancelled") or "hide"
    if cancelled not in ("show", "hide"):
        raise FeedArgumentError(N_("cancelled must be 'show' or 'hide'"))
    locale = _text_language(args, kind, value)
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
        visibility=visibility,
    )


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

        if request.private:  # a private link is checked against its token and owner each time
            return
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

    def stale_for(self, environ):
        """The last public feed served at this address, however old (database outages)."""
        return self._hot.get(fast_path_key(environ), stale=True)

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
            tz=current_app.config["TIMEZONE"],
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
                tz=current_app.config["TIMEZONE"],
                events=tuple(vevents),
                refresh=None,
            )
        )


def event_ics(event: Event, locale: str) -> bytes | None:
    """A mail attachment: the feeds' own VEVENT for this occurrence (same UID and SEQUENCE,
    so a client updates the event it already has), or None if it cannot be written."""
    written = event_calendar(event, locale)
    return written.body if written.written else None


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
        if not rows[0].series.is_imported and rows[0].series.rule
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
    _split_parents: set | None = None

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
        shown = show.present(event, self.locale, uid=event_uid(event), base_url=self.base_url)
        return FeedEvent(
            uid=shown.uid,
            start=event.start,
            end=event.end,
            tz=series.timezone,
            summary=shown.title.value,
            sequence=event.sequence,
            modified=max(event.updated_at, series.updated_at),
            description=self.occurrence_description(shown, series),
            location=shown.place,
            url=shown.url,
            categories=feed_categories(series),
            organizer=self.organizer(series),
            cancelled=shown.cancelled,
            private=not series.is_public,
            ref=f"event {event.id}",
        )

    def occurrence_description(self, shown: show.Shown, series: Series) -> str:
        """Why it was cancelled, what is said of this occurrence alone, then the series'."""
        reason = f"{_('Reason for cancelling')}: {shown.reason}" if shown.reason else None
        parts = (reason, shown.note, self.description(series))
        return "\n\n".join(part for part in parts if part)

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
            # the page of its first date in the feed: it lists the others
            url=show.page_url(self.base_url, rows[0].id) if rows else f"{self.base_url}/",
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

    def organizer(self, series: Series) -> Organizer | None:
        emails = [email for email in series.organisers or [] if "@" in email]
        if not emails:
            return None
        return Organizer(emails[0], series.organisation.display_name(self.locale))

    def description(self, series: Series) -> str:
        if series.id not in self._descriptions:
            family = self.family(series)
            self._descriptions[series.id] = series_description(series, self.locale, family)
        return self._descriptions[series.id]

    def family(self, series: Series) -> list[Series]:
        """The parts of a split series (one query for the whole feed to know which are)."""
        if self._split_parents is None:
            stmt = select(Series.split_from_id).where(Series.split_from_id.is_not(None))
            self._split_parents = set(db.session.scalars(stmt.distinct()))
        if series.split_from_id is None and series.id not in self._split_parents:
            return [series]
        return family_series(series)


DEMO_CATEGORY = "demo"


def feed_categories(series: Series) -> tuple[str, ...]:
    """The event type's name; and "demo" for data replayed by `flask plan demo`."""
    label = type_label(series.event_type)
    return (label, DEMO_CATEGORY) if series.is_demo else (label,)


def series_description(series: Series, locale: str, family: list[Series] | None = None) -> str:
    """The series' description, rule text (every part of a split series), activity,
    organiser, languages and online link, one to a line."""
    parts = []
    description = localized(series, "description", locale)
    if description:
        parts.append(description.strip())
    recurrence = rule_text(series, locale, family)
    if recurrence:
        parts.append(recurrence)
    if series.activity is not None:
        parts.append(f"{series.activity.code} {series.activity.display_title(locale)}")
    parts.append(_("Organiser: %(name)s", name=series.organisation.display_name(locale)))
    if series.languages:
        parts.append(_("Languages: %(names)s", names=language_names(series.languages, locale)))
    if safe_url(series.online_url):
        parts.append(safe_url(series.online_url))
    return "\n".join(parts)


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
