"""Stable, globally unique UIDs for events.

A calendar client knows an event only by its UID: a changed UID is a deleted event plus a
new one, and some clients keep both. So a UID is built from what never changes for an
occurrence — the series key and its original start (the RECURRENCE-ID) — never from the
current start, the row id or the title. Imported events keep the UID their source gave
them, so that a client subscribed to both calendars sees one event.
"""

from __future__ import annotations

from datetime import UTC, datetime

DEFAULT_UID_DOMAIN = "elvl-scheduler.ee"


def uid_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def uid_domain() -> str:
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.config.get("UID_DOMAIN") or DEFAULT_UID_DOMAIN
    return DEFAULT_UID_DOMAIN


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
    """The UID an event has in the default (one VEVENT per occurrence) feeds."""
    return occurrence_uid(event.series, event.original_start, domain)
