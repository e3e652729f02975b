"""The query string of ``GET /api/events``: the public vocabulary (``events.filters``) in
the API's dialect, where ``lang`` is the working language and ``hl`` the page language.

Every argument that cannot be used is refused with a message saying why (a 400), never
guessed, clamped or passed on to the database: impossible dates, windows beyond the
programme's calendar, huge limits and cursors that were not issued here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from ..core.bounds import MAX_ID
from ..events.filters import (
    API,
    EventsQuery,
    FilterError,
    Known,
    Limits,
    Position,
    decode_cursor,
    encode_cursor,
    parse_query,
)

__all__ = [
    "MAX_ID",
    "ApiArgumentError",
    "EventsQuery",
    "Limits",
    "Position",
    "decode_cursor",
    "encode_cursor",
    "parse_events_query",
]

ApiArgumentError = FilterError


def parse_events_query(
    args: Mapping[str, str],
    *,
    today: date,
    secret: str,
    known_orgs: Callable[[Iterable[str]], set[str]],
    event_types: Iterable[str],
    languages: Iterable[str],
    limits: Limits | None = None,
) -> EventsQuery:
    """Read ``from``, ``to``, ``org``, ``type``, ``lang`` (or ``language``), ``q``,
    ``limit`` and ``cursor``; ``known_orgs(slugs)`` answers which slugs exist."""
    known = Known(event_types=tuple(event_types), languages=tuple(languages), orgs=known_orgs)
    return parse_query(args, API, known, today=today, secret=secret, limits=limits or Limits())
