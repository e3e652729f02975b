"""Event rows to API items. Pure: no Flask, no database; URLs come from the caller.

What an item says of an event (titles, times, status and its reason, the start it was moved
from, place) is the one presentation's (``events.presentation``); ``title`` is the requested
language's along the one fallback chain, ``titles`` every language's as written.
"""

from __future__ import annotations

from collections.abc import Callable

from ..events import presentation as show
from ..registrations.presentation import registration_of_event


def event_item(
    event,
    *,
    language: str,
    uid: str,
    page_url: Callable[[int], str],
    ics_url: Callable[[int], str],
) -> dict:
    series = event.series
    shown = show.present(event, language, uid=uid, base_url="")
    return {
        "id": event.id,
        "uid": uid,
        "title": shown.title.value,
        "titles": shown.titles,
        "start": shown.start.isoformat(),
        "end": shown.end.isoformat(),
        "status": shown.status,
        "cancel_reason": shown.reason.value if shown.reason else None,
        "previous_start": shown.moved_from.isoformat() if shown.moved_from else None,
        "org": series.organisation.slug,
        "type": series.event_type,
        "languages": list(shown.languages),
        "location": shown.place,
        "url": page_url(event.id),
        "ics": ics_url(event.id),
        "registration": registration_of_event(event),
    }
