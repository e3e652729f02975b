"""Events as the iframe form lists them. Pure: event rows in, plain entries out.

Titles follow the open API (``publicapi.serialise``): the requested language, then English,
then Estonian, and each entry knows which language its title is in (for ``lang``). Dates and
times are the event's own wall-clock time, written as ``embed.js`` writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from ..publicapi.serialise import FALLBACK, titles_of


@dataclass(frozen=True)
class Entry:
    title: str
    title_language: str
    start: datetime  # aware, in the event's zone
    end: datetime
    start_text: str
    end_text: str
    cancelled: bool
    location: str
    url: str


def title_and_language(titles: dict[str, str], language: str) -> tuple[str, str]:
    for code in (language, *FALLBACK):
        if titles.get(code):
            return titles[code], code
    for code, text in titles.items():
        return text, code
    return "", language


def when_texts(start: datetime, end: datetime, locale: str) -> tuple[str, str]:
    """(``Thu, Feb 15, 18:00``, ``19:30``): the end names its day only when it differs."""
    first = f"{format_skeleton('MMMEd', start, tzinfo=start.tzinfo, locale=locale)}, {start:%H:%M}"
    if end.date() == start.date():
        return first, f"{end:%H:%M}"
    return first, f"{format_skeleton('MMMEd', end, tzinfo=end.tzinfo, locale=locale)}, {end:%H:%M}"


def entries(events: Iterable, *, language: str, page_url: Callable[[int], str]) -> list[Entry]:
    listed = []
    for event in events:
        series = event.series
        tz = ZoneInfo(series.timezone)
        start, end = event.start.astimezone(tz), event.end.astimezone(tz)
        title, title_language = title_and_language(titles_of(event), language)
        start_text, end_text = when_texts(start, end, language)
        listed.append(
            Entry(
                title=title,
                title_language=title_language,
                start=start,
                end=end,
                start_text=start_text,
                end_text=end_text,
                cancelled=event.status.value == "cancelled",
                location=event.location or series.location or "",
                url=page_url(event.id),
            )
        )
    return listed
