"""The awaiting-outcome worklist's query: whose past events still wait for their outcome."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..core.policy import can, outcome_scope
from ..core.time import utcnow
from ..extensions import db
from .models import Event, EventStatus, Series


def is_awaiting_outcome(event: Event, now: datetime | None = None) -> bool:
    """A derived display status: the event has ended, is still planned and has no outcome."""
    return event.status == EventStatus.PLANNED and event.end <= (now or utcnow())


def _awaiting_where(stmt, user, now: datetime):
    """Restrict ``stmt`` (over events) to the user's awaiting events; None: none at all.

    The scope is a set of series rather than a join, so that counting reads only the
    (status, end, series_id) index: the header counts the worklist on every page."""
    stmt = stmt.where(Event.status == EventStatus.PLANNED, Event.end <= now)
    scope = outcome_scope(user) if can(user, "see_worklist") else None
    if scope is None:
        return None
    kind, value = scope
    if kind == "all":
        return stmt
    if kind == "organisation":
        return stmt.where(
            Event.series_id.in_(select(Series.id).where(Series.organisation_id == value))
        )
    # The organisers column is a JSON list of emails: match the quoted email in its text,
    # the same on SQLite and PostgreSQL (one query, no per-row JSON functions).
    organised = select(Series.id).where(
        func.lower(cast(Series.organisers, String)).contains(f'"{value}"', autoescape=True)
    )
    return stmt.where(Event.series_id.in_(organised))


def awaiting_count(user, now: datetime | None = None) -> int:
    stmt = _awaiting_where(
        select(func.count()).select_from(Event),
        user,
        now or utcnow(),
    )
    return 0 if stmt is None else int(db.session.scalar(stmt) or 0)


def awaiting_events(user, now: datetime | None = None, limit: int = 100) -> list[Event]:
    """The user's past events still planned, oldest first (at most ``limit``)."""
    stmt = _awaiting_where(
        select(Event)
        .options(
            joinedload(Event.series).joinedload(Series.organisation),
            selectinload(Event.participants),
        )
        .order_by(Event.start, Event.id)
        .limit(limit),
        user,
        now or utcnow(),
    )
    if stmt is None:
        return []
    # The text match may over-match (a longer address containing this one): check exactly.
    return [e for e in db.session.scalars(stmt).unique().all() if can(user, "record_outcome", e)]
