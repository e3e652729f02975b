"""The query string of ``GET /api/events``, read and checked without touching the database.

Every argument that cannot be used is refused with a message saying why (a 400), never
guessed, clamped or passed on to the database: impossible dates, windows beyond the
programme's calendar, huge limits and cursors that were not issued here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer

# The programme runs 2023-2029; a margin either side, and nothing a date type cannot hold.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
MAX_WINDOW_DAYS = 366 * 5
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
MAX_VALUES = 50  # organisations, types or languages in one comma-separated argument
# Event ids are INTEGER columns (32 bits on PostgreSQL): a larger id is not found, and is
# never handed to a database that would refuse it.
MAX_ID = 2**31 - 1
CURSOR_SALT = "publicapi.events.cursor"


class ApiArgumentError(ValueError):
    """A query argument that cannot be used; the message says why (answered with a 400)."""


@dataclass(frozen=True)
class Position:
    """Where the previous page ended: the last item's start instant and id."""

    start: datetime  # UTC
    event_id: int


@dataclass(frozen=True)
class EventsQuery:
    start: date  # inclusive, local date
    end: date  # exclusive, local date
    orgs: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    limit: int = 50
    after: Position | None = None
    online: bool = False  # only events with an online link (the public site's "online" city)

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
        """The arguments of this query as a ``next`` link repeats them (window pinned, so
        that paging across midnight does not shift it)."""
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


@dataclass(frozen=True)
class Limits:
    default_limit: int = 50
    max_limit: int = 200
    default_weeks: int = 8


def parse_events_query(
    args: Mapping[str, str],
    *,
    today: date,
    secret: str,
    known_orgs: Callable[[Iterable[str]], set[str]],
    event_types: Iterable[str],
    languages: Iterable[str],
    limits: Limits = Limits(),
) -> EventsQuery:
    """Read ``from``, ``to``, ``org``, ``type``, ``lang``, ``q``, ``limit`` and ``cursor``.

    ``known_orgs(slugs)`` answers which of the given organisation slugs exist."""
    start = _date(args.get("from"), "from") or today
    end = _date(args.get("to"), "to") or start + timedelta(weeks=limits.default_weeks)
    if end <= start:
        raise ApiArgumentError(_("'to' must be after 'from'"))
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ApiArgumentError(_("'from' and 'to' may be at most five years apart"))
    orgs = _list(args.get("org"), "org")
    unknown = sorted(set(orgs) - known_orgs(orgs)) if orgs else []
    if unknown:
        raise ApiArgumentError(_("unknown organisation: %(values)s", values=", ".join(unknown)))
    types = _list(args.get("type"), "type")
    _require_known(types, event_types, "type")
    working = _list(args.get("lang"), "lang")
    _require_known(working, languages, "lang")
    return EventsQuery(
        start=start,
        end=end,
        orgs=orgs,
        types=types,
        languages=working,
        words=_words(args.get("q")),
        limit=_limit(args.get("limit"), limits),
        after=decode_cursor(args.get("cursor"), secret),
    )


def _date(text: str | None, name: str) -> date | None:
    if text is None or text == "":
        return None
    try:
        value = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        value = None
    if value is None:
        raise ApiArgumentError(_("'%(name)s' must be a date (YYYY-MM-DD)", name=name))
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ApiArgumentError(
            _(
                "'%(name)s' must lie between %(first)s and %(last)s",
                name=name,
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            )
        )
    return value


def _list(text: str | None, name: str) -> tuple[str, ...]:
    if not text:
        return ()
    values = tuple(sorted({part.strip() for part in text.split(",") if part.strip()}))
    if len(values) > MAX_VALUES:
        raise ApiArgumentError(
            _("'%(name)s' may list at most %(count)s values", name=name, count=MAX_VALUES)
        )
    return values


def _require_known(values: tuple[str, ...], known: Iterable[str], name: str) -> None:
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ApiArgumentError(
            _(
                "unknown %(name)s: %(values)s (known: %(known)s)",
                name=name,
                values=", ".join(unknown),
                known=", ".join(known),
            )
        )


def _words(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    if len(text) > MAX_QUERY_LENGTH:
        raise ApiArgumentError(
            _("'q' may have at most %(count)s characters", count=MAX_QUERY_LENGTH)
        )
    words = tuple(dict.fromkeys(word.casefold() for word in text.split()))
    if len(words) > MAX_WORDS:
        raise ApiArgumentError(_("'q' may have at most %(count)s words", count=MAX_WORDS))
    return words


def _limit(text: str | None, limits: Limits) -> int:
    if text is None or text == "":
        return limits.default_limit
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= limits.max_limit:
        raise ApiArgumentError(
            _("'limit' must be a whole number from 1 to %(max)s", max=limits.max_limit)
        )
    return int(text)


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
        raise ApiArgumentError(
            _("'cursor' is not one this API issued: follow the 'next' link as given")
        ) from None
    return Position(start, event_id)
