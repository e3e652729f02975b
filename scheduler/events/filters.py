"""One public vocabulary: the query-string names every surface reads, and one parser.

The public pages, the open API, the widget, the workspace calendar and the feeds filter
events with the same names (``org``, ``activity``, ``type``, ``language``, ``status``,
``mine``, ``q``, ``from``, ``to``, ``limit``, ``cursor``) and refuse an unusable value with the
same message. Names that some surface used before for one of these filters stay as aliases,
so that no existing address breaks:

- ``city`` is ``org`` (the public site's city pages and form);
- ``held_in`` is ``language`` (the widget's iframe form);
- on ``/api/events`` only, ``lang`` is ``language``: there the page language has always
  been ``hl``, while everywhere else ``lang`` is the page language (``hl`` its alias on
  calendar files and feeds).

Pure: no Flask, no database. Messages are marked here and translated where they are shown
(:meth:`FilterError.message`); what exists (organisations, activities) is asked through
callables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from itsdangerous import BadData, URLSafeSerializer

from ..core.bounds import MAX_ID


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


# The programme runs 2023-2029; a margin either side, and nothing a date type cannot hold.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
MAX_WINDOW_DAYS = 366 * 5
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
MAX_VALUES = 50  # organisations, types or languages in one comma-separated argument
MAX_VALUE_LENGTH = 100
CURSOR_SALT = "publicapi.events.cursor"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # RFC 3339 full-date
ONLINE = "online"  # the public site's "city" of events with an online link
AWAITING = "awaiting_outcome"
STATUSES = ("planned", AWAITING, "held", "not_held", "cancelled")
TRUE_WORDS = ("1", "on", "true", "yes")

#: every filter's canonical name, and the older names that still mean it on every surface
ALIASES = {"city": "org", "held_in": "language"}
#: ``/api/events`` alone: ``lang`` is the working language there (``hl`` the page language)
API_ALIASES = {**ALIASES, "lang": "language"}
#: the page language (interface, titles of a list, texts of a calendar file) everywhere but
#: ``/api/events``, where it is ``hl``
PAGE_LANGUAGE = ("lang", "hl")


class FilterError(ValueError):
    """An argument that cannot be used; the message says why (a 400 on every surface)."""

    def __init__(self, template: str, **params) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)

    def message(self, gettext: Callable[..., str]) -> str:
        """The message in the reader's language (``gettext``: Flask-Babel's)."""
        return gettext(self.template, **self.params)


@dataclass(frozen=True)
class Surface:
    """Where a query string comes from: which filters it reads, its aliases, and whether an
    empty value is a form's "all" (pages) or refused (the API and the widget)."""

    name: str
    filters: frozenset[str]
    aliases: Mapping[str, str] = field(default_factory=lambda: ALIASES)
    empty_means_all: bool = False
    single: frozenset[str] = frozenset()  # filters that take one value here (a select field)
    online_org: bool = False  # ``org=online``: the public site's "city" of online events


API = Surface(
    "api",
    frozenset(("from", "to", "org", "type", "language", "q", "limit", "cursor")),
    aliases=API_ALIASES,
)
PUBLIC = Surface(
    "public",
    frozenset(("from", "org", "type", "language", "q", "cursor")),
    empty_means_all=True,
    single=frozenset(("org", "type", "language")),
    online_org=True,
)
WIDGET = Surface("widget", frozenset(("org", "type", "language", "limit")))
# RSS and Atom: the public site's filters (``lang`` stays the feed's language, as on pages)
NEWS = Surface(
    "news", frozenset(("org", "type", "language", "limit")), empty_means_all=True, online_org=True
)
WORKSPACE = Surface(
    "workspace",
    frozenset(("org", "activity", "type", "language", "status", "mine")),
    empty_means_all=True,
    single=frozenset(("org", "activity", "type", "language", "status")),
)
# A feed's other filter is its address (``/feeds/org/<slug>.ics``); an empty window field is
# the default window, as calendar apps keep whatever address they were given.
FEED = Surface("feed", frozenset(("from", "to")), empty_means_all=True)


@dataclass(frozen=True)
class Known:
    """What exists, asked when a value must be checked."""

    event_types: Iterable[str]
    languages: Iterable[str]
    orgs: Callable[[Iterable[str]], set[str]] = lambda slugs: set(slugs)
    activities: Callable[[Iterable[str]], set[str]] = lambda codes: set(codes)
    statuses: Iterable[str] = STATUSES


@dataclass(frozen=True)
class Limits:
    default_limit: int = 50
    max_limit: int = 200
    default_weeks: int = 8


@dataclass(frozen=True)
class Position:
    """Where the previous page ended: the last item's start instant and id."""

    start: datetime  # UTC
    event_id: int


@dataclass(frozen=True)
class EventsQuery:
    """A parsed query: the window, the filters and the page."""

    start: date  # inclusive, local date
    end: date  # exclusive, local date
    orgs: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    limit: int = 50
    after: Position | None = None
    online: bool = False  # only events with an online link (the public site's "online" city)
    activities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    mine: bool = False

    @property
    def filters_in_python(self) -> bool:
        """Words and working languages are matched on the rows (JSON and case-folded text
        compare alike on every backend); the rest is SQL."""
        return bool(self.words or self.languages)

    def key(self) -> tuple:
        """Everything that decides the answer, in a canonical form (for the ETag)."""
        after = (self.after.start.isoformat(), self.after.event_id) if self.after else None
        return (
            self.start.isoformat(),
            self.end.isoformat(),
            self.orgs,
            self.types,
            self.languages,
            self.words,
            self.limit,
            after,
            self.online,
        )

    def link_args(self) -> dict[str, str]:
        """The arguments of this query as the API's ``next`` link repeats them (window
        pinned, so that paging across midnight does not shift it; ``lang`` as the API has
        always written the working language)."""
        args = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.orgs:
            args["org"] = ",".join(self.orgs)
        if self.types:
            args["type"] = ",".join(self.types)
        if self.languages:
            args["lang"] = ",".join(self.languages)
        if self.words:
            args["q"] = " ".join(self.words)
        args["limit"] = str(self.limit)
        return args


# ---------------------------------------------------------------------------------------------
# Names


def names_of(surface: Surface) -> list[tuple[str, str]]:
    """(name, canonical name) of every name the surface reads: canonical names first."""
    canonical = [(name, name) for name in sorted(surface.filters)]
    aliases = [(alias, name) for alias, name in surface.aliases.items() if name in surface.filters]
    return canonical + aliases


def canonical_args(args: Mapping[str, str], surface: Surface) -> dict[str, str]:
    """The surface's filters by their canonical names; an alias given beside its canonical
    name (``city=tartu&org=parnu``) is refused rather than one of them silently ignored.
    Each name is asked for by name (never by walking ``args``), so that what a view reads
    can be listed by watching it."""
    found: dict[str, str] = {}
    given_as: dict[str, str] = {}
    for name, canonical in names_of(surface):
        value = args.get(name)
        if value is None or (surface.empty_means_all and not value.strip()):
            continue
        if canonical in given_as:
            raise FilterError(
                N_("'%(first)s' and '%(second)s' name the same filter: give only one"),
                first=given_as[canonical],
                second=name,
            )
        given_as[canonical] = name
        found[canonical] = value
    return found


def alias_of(args: Mapping[str, str], canonical: str, surface: Surface) -> str:
    """The name under which ``args`` gave a filter (for messages)."""
    for name, meaning in names_of(surface):
        if meaning == canonical and name in args:
            return name
    return canonical


# ---------------------------------------------------------------------------------------------
# The parser


def parse_query(
    args: Mapping[str, str],
    surface: Surface,
    known: Known,
    *,
    today: date,
    secret: str = "",
    limits: Limits = Limits(),
) -> EventsQuery:
    """Read the surface's filters from ``args`` (a query string's mapping)."""
    given = canonical_args(args, surface)

    def name(canonical: str) -> str:
        return alias_of(args, canonical, surface)

    weeks = timedelta(weeks=limits.default_weeks)
    start, end = parse_window(given, default_start=today, default_end=lambda day: day + weeks)
    orgs = _list(given.get("org"), name("org"))
    online = surface.online_org and ONLINE in orgs
    orgs = tuple(org for org in orgs if not (online and org == ONLINE))
    unknown = sorted(set(orgs) - known.orgs(orgs)) if orgs else []
    if unknown:
        raise FilterError(N_("unknown organisation: %(values)s"), values=", ".join(unknown))
    activities = _list(given.get("activity"), name("activity"))
    missing = sorted(set(activities) - known.activities(activities)) if activities else []
    if missing:
        raise FilterError(N_("unknown activity: %(values)s"), values=", ".join(missing))
    types = _known_list(given.get("type"), name("type"), known.event_types)
    languages = _known_list(given.get("language"), name("language"), known.languages)
    statuses = _known_list(given.get("status"), name("status"), known.statuses)
    query = EventsQuery(
        start=start,
        end=end,
        orgs=orgs,
        types=types,
        languages=languages,
        words=_words(given.get("q")),
        limit=_limit(given.get("limit"), limits),
        after=decode_cursor(given.get("cursor"), secret),
        online=online,
        activities=activities,
        statuses=statuses,
        mine=given.get("mine", "").strip().lower() in TRUE_WORDS,
    )
    _refuse_lists_where_single(query, surface)
    return query


def _refuse_lists_where_single(query: EventsQuery, surface: Surface) -> None:
    chosen = {
        "org": len(query.orgs) + query.online,
        "activity": len(query.activities),
        "type": len(query.types),
        "language": len(query.languages),
        "status": len(query.statuses),
    }
    if any(chosen[name] > 1 for name in surface.single):
        raise FilterError(N_("Choose one city, one type and one language at a time."))


def parse_window(
    given: Mapping[str, str],
    *,
    default_start: date,
    default_end: Callable[[date], date],
) -> tuple[date, date]:
    """``from`` and ``to`` (local dates, ``to`` exclusive); a missing ``from`` is
    ``default_start``, a missing ``to`` is ``default_end(start)``."""
    start = _date(given.get("from"), "from") or default_start
    end = _date(given.get("to"), "to") or default_end(start)
    if end <= start:
        raise FilterError(N_("'to' must be after 'from'"))
    if (end - start).days > MAX_WINDOW_DAYS:
        raise FilterError(N_("'from' and 'to' may be at most five years apart"))
    return start, end


def page_language(
    args: Mapping[str, str], known: Iterable[str], names: tuple[str, ...] = PAGE_LANGUAGE
) -> str | None:
    """The page language an address asks for (``lang``, else ``hl``), None if it asks for
    none; a code that is not one of ``known`` is refused."""
    known = tuple(known)
    for name in names:
        chosen = args.get(name)
        if chosen is None:
            continue
        if chosen not in known:
            raise FilterError(
                N_("'%(name)s' must be one of %(codes)s"), name=name, codes=", ".join(known)
            )
        return chosen
    return None


def _date(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        value = date.fromisoformat(text) if ISO_DATE.fullmatch(text) else None
    except ValueError:
        value = None
    if value is None:
        raise FilterError(N_("'%(name)s' must be a date (YYYY-MM-DD)"), name=name)
    if not FIRST_DAY <= value <= LAST_DAY:
        raise FilterError(
            N_("'%(name)s' must lie between %(first)s and %(last)s"),
            name=name,
            first=FIRST_DAY.isoformat(),
            last=LAST_DAY.isoformat(),
        )
    return value


def _list(text: str | None, name: str) -> tuple[str, ...]:
    """Comma-separated values, spaces around each allowed; an empty value or an empty item
    (``org=``, ``org=tartu,``, ``type=club,,info_day``) is refused."""
    if text is None:
        return ()
    parts = [part.strip(" ") for part in text.split(",")]
    if not all(parts):
        raise FilterError(
            N_(
                "'%(name)s' must list one or more values separated by single commas, "
                "with no empty ones"
            ),
            name=name,
        )
    values = tuple(sorted(set(parts)))
    if len(values) > MAX_VALUES:
        raise FilterError(
            N_("'%(name)s' may list at most %(count)s values"), name=name, count=MAX_VALUES
        )
    if any(len(value) > MAX_VALUE_LENGTH or "\x00" in value for value in values):
        raise FilterError(N_("A filter value is too long or not text."))
    return values


def _known_list(text: str | None, name: str, known: Iterable[str]) -> tuple[str, ...]:
    values = _list(text, name)
    known = tuple(known)
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise FilterError(
            N_("unknown %(name)s: %(values)s (known: %(known)s)"),
            name=name,
            values=", ".join(unknown),
            known=", ".join(known),
        )
    return values


def _words(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    if len(text) > MAX_QUERY_LENGTH:
        raise FilterError(N_("'q' may have at most %(count)s characters"), count=MAX_QUERY_LENGTH)
    words = tuple(dict.fromkeys(word.casefold() for word in text.split()))
    if len(words) > MAX_WORDS:
        raise FilterError(N_("'q' may have at most %(count)s words"), count=MAX_WORDS)
    return words


def _limit(text: str | None, limits: Limits) -> int:
    if text is None:
        return limits.default_limit
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= limits.max_limit:
        raise FilterError(
            N_("'limit' must be a whole number from 1 to %(max)s"), max=limits.max_limit
        )
    return int(text)


# ---------------------------------------------------------------------------------------------
# Words and working languages, matched on rows (JSON and case-folded text alike everywhere)


def searchable_text(*parts: str | None) -> str:
    """Title (every language), description and place, case-folded, for ``q``."""
    return "\n".join(part for part in parts if part).casefold()


def matches(
    texts: Iterable[str | None],
    event_languages: Iterable[str] | None,
    *,
    words: Iterable[str] = (),
    languages: Iterable[str] = (),
) -> bool:
    """Every word appears in the texts; at least one of ``languages`` is the event's."""
    languages = tuple(languages)
    if languages and not set(languages) & set(event_languages or ()):
        return False
    words = tuple(words)
    if words:
        text = searchable_text(*texts)
        return all(word in text for word in words)
    return True


# ---------------------------------------------------------------------------------------------
# Cursor: the position after the last item, signed so that only positions issued here are read


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=CURSOR_SALT)


def encode_cursor(position: Position, secret: str) -> str:
    micros = (position.start - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    return _serializer(secret).dumps([micros, position.event_id])


def decode_cursor(text: str | None, secret: str) -> Position | None:
    if text is None or text == "":
        return None
    try:
        if len(text) > 200:
            raise BadData("too long")
        micros, event_id = _serializer(secret).loads(text)
        if not all(type(v) is int for v in (micros, event_id)) or not 0 < event_id <= MAX_ID:
            raise BadData("not a position")
        start = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    except (BadData, ValueError, TypeError, OverflowError):
        raise FilterError(
            N_("'cursor' is not one this API issued: follow the 'next' link as given")
        ) from None
    return Position(start, event_id)
