"""The presentation of an event with what it needs from the database and the app.

``events.presentation`` is pure; this module runs the few reads it needs (the other dates of
the series family, the rule text, the UID domain, the site's address) so that every surface
builds an event as shown in one call.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ..core.time import utcnow
from ..extensions import db
from .models import Event, Series
from .presentation import Shown, present
from .queries import series_family
from .uids import event_uid

log = logging.getLogger(__name__)

OTHER_DATES = 10


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def other_dates(event: Event, *, after: datetime | None = None, limit: int = OTHER_DATES):
    """The series' next occurrences from ``after`` (now) on, this one left out; a series split
    by a change "from this date on" counts as one, so its other part is listed too."""
    family = series_family(event.series)
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.series_id.in_(family),
                Event.id != event.id,
                Event.start >= (after or utcnow()),
            )
            .order_by(Event.start, Event.id)
            .limit(limit)
        )
    )


def family_series(series: Series) -> list[Series]:
    """The series and the parts split from it or it from, the earliest part first."""
    ids = series_family(series)
    if ids == [series.id]:
        return [series]
    parts = db.session.scalars(select(Series).where(Series.id.in_(ids)))
    return sorted(parts, key=lambda part: (part.start_date, part.id))


def rule_text(series: Series, locale: str, family: list[Series] | None = None) -> str | None:
    """How the series recurs, in ``locale``: each part of a split series in turn ("every
    Thursday at 18:00 until 3 March; every Thursday at 19:00"), so that the earlier part does
    not read as the end of the activity. ``family`` when the caller knows it (a query less);
    None for one-offs and rules that cannot be read (a description is a nicety: no page or
    feed may fail for it)."""
    parts = family if family is not None else family_series(series)
    texts = [_described(part, locale) for part in parts]
    return "; ".join(text for text in texts if text) or None


def _described(series: Series, locale: str) -> str | None:
    if not series.rule and not series.rdates:
        return None
    from ..recurrence import describe
    from .expansion import spec_for

    try:
        return describe(spec_for(series), locale)
    except Exception:
        log.debug("no rule description for series %s", series.key, exc_info=True)
        return None


def shown(
    event: Event,
    language: str,
    *,
    with_others: bool = False,
    with_rule: bool = False,
    link_language: str | None = None,
) -> Shown:
    """``event`` as read in ``language``; its other dates and rule text only when asked for
    (each costs a query or a rule expansion)."""
    return present(
        event,
        language,
        uid=event_uid(event),
        base_url=base_url(),
        link_language=link_language,
        others=other_dates(event) if with_others else (),
        rule_text=rule_text(event.series, language) if with_rule else None,
    )
