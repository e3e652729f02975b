"""Stable, globally unique UIDs for events.

A calendar client knows an event only by its UID: a changed UID is a deleted event plus a
new one, and some clients keep both. So a UID is built from the series key and the
occurrence's original start (the RECURRENCE-ID) — never from the current start, the row id
or the title — and when even those change (the series' time of day, a split into a new
series), the UID it had is written on the row first and kept for life. Imported events keep
the UID their source gave them, so that a client subscribed to both calendars sees one event.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
# an occurrence UID of ours: "<series key>-<original start>@<domain>"
_OCCURRENCE_UID = re.compile(r"-(\d{8}T\d{6}Z)@[^@]+$")


def uid_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def published_start(uid: str) -> datetime | None:
    """The original start an occurrence UID of ours was made from (the start the occurrence
    was first published at); None for any other UID (an imported event's)."""
    found = _OCCURRENCE_UID.search(uid)
    if found is None:
        return None
    return datetime.strptime(found.group(1), STAMP_FORMAT).replace(tzinfo=UTC)


def uid_domain() -> str:
    """The configured UID domain; outside an application, the one config.py gives."""
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.config["UID_DOMAIN"]
    from config import Config

    return Config.UID_DOMAIN


def series_uid(series, domain: str | None = None) -> str:
    """The UID of a series' RRULE master (``?mode=series``) and of its overrides."""
    link = getattr(series, "import_link", None)
    if link is not None:
        return link.uid
    return f"{series.key}@{domain or uid_domain()}"


def occurrence_uid(series, original_start: datetime, domain: str | None = None) -> str:
    """The UID of one occurrence published as a standalone VEVENT (the default mode)."""
    link = getattr(series, "import_link", None)
    if link is not None:
        if not link.is_recurring:
            return link.uid
        # each occurrence of a recurring upstream event is its own VEVENT here: the upstream
        # UID plus the RECURRENCE-ID keeps them distinct and stable across upstream moves
        return f"{link.uid}-{uid_stamp(original_start)}"
    return f"{series.key}-{uid_stamp(original_start)}@{domain or uid_domain()}"


def event_uid(event, domain: str | None = None) -> str:
    """The UID an event has in the default (one VEVENT per occurrence) feeds: the one it was
    first published under, for life."""
    return event.uid or occurrence_uid(event.series, event.original_start, domain)


def keep_uid(event) -> None:
    """Write down the event's UID before what it is derived from changes (its original
    start, its series), so that every calendar keeps seeing the same event."""
    if not event.uid:
        event.uid = occurrence_uid(event.series, event.original_start)
