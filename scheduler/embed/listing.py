"""Events as the iframe form lists them. Pure: event rows in, entries out.

Each entry is the event as the one presentation shows it (``events.presentation``: title and
the language it is in, place, status and reason), so the widget says what the page, the API
and the feeds say. Only the times are the widget's own: the event's wall-clock time, written
as ``embed.js`` writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_skeleton

from ..events import presentation as show


@dataclass(frozen=True)
class Entry:
    """An event as the one presentation shows it, and its times as ``embed.js`` writes them."""

    shown: show.Shown
    start_text: str
    end_text: str


def when_texts(start: datetime, end: datetime, locale: str) -> tuple[str, str]:
    """(``Thu, Feb 15, 18:00``, ``19:30``): the end names its day only when it differs."""
    first = f"{format_skeleton('MMMEd', start, tzinfo=start.tzinfo, locale=locale)}, {start:%H:%M}"
    if end.date() == start.date():
        return first, f"{end:%H:%M}"
    return first, f"{format_skeleton('MMMEd', end, tzinfo=end.tzinfo, locale=locale)}, {end:%H:%M}"


def entry(shown: show.Shown) -> Entry:
    return Entry(shown, *when_texts(shown.start, shown.end, shown.language))


def entries(events: Iterable, *, language: str, uid: Callable, base_url: str) -> list[Entry]:
    """The widget's entries; links open the event's page in the list's language."""
    return [
        entry(show.present(e, language, uid=uid(e), base_url=base_url, link_language=language))
        for e in events
    ]
