"""What the open API reads beyond the read model (``events.queries``): one event's calendar
file, from the feeds' builder."""

from __future__ import annotations

from ..events.models import Event
from ..events.uids import event_uid
from ..feeds.service import event_calendar as feeds_event_calendar


def uid(event: Event) -> str:
    return event_uid(event)


def event_calendar(event: Event, language: str) -> bytes | None:
    """One event as an iCalendar file: the very VEVENT (UID, SEQUENCE, VTIMEZONE…) the feeds
    publish for it, from the feeds' builder; None if its row cannot be written."""
    written = feeds_event_calendar(event, language)
    return written.body if written.written else None
