"""Event rows to API items. Pure: no Flask, no database; URLs come from the caller.

A title exists per language (the series' Estonian title and its English and Russian
translations); a single occurrence's own title, when a person or the source calendar set
one, stands for it in every language, as it does in the feeds. The item's ``title`` is the
requested language's, else English, else Estonian.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

FALLBACK = ("en", "et")


def titles_of(event) -> dict[str, str]:
    series = event.series
    found = {
        code: text
        for code, text in (("et", series.title), ("en", series.title_en), ("ru", series.title_ru))
        if text
    }
    if event.title:
        return {code: event.title for code in found} or {"et": event.title}
    return found


def pick_title(titles: dict[str, str], language: str) -> str:
    for code in (language, *FALLBACK):
        if titles.get(code):
            return titles[code]
    return next(iter(titles.values()), "")


@lru_cache(maxsize=64)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def local_iso(moment, tz: str) -> str:
    return moment.astimezone(_zone(tz)).isoformat()


def event_item(
    event,
    *,
    language: str,
    uid: str,
    page_url: Callable[[int], str],
    ics_url: Callable[[int], str],
) -> dict:
    series = event.series
    titles = titles_of(event)
    return {
        "id": event.id,
        "uid": uid,
        "title": pick_title(titles, language),
        "titles": titles,
        "start": local_iso(event.start, series.timezone),
        "end": local_iso(event.end, series.timezone),
        "status": event.status.value,
        "org": series.organisation.slug,
        "type": series.event_type,
        "languages": list(series.languages or []),
        "location": event.location or series.location,
        "url": page_url(event.id),
        "ics": ics_url(event.id),
    }


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


def strong_etag(*parts: object) -> str:
    """A strong validator from anything with a stable ``repr`` (the query and a revision)."""
    digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:40]
    return f'"{digest}"'
