"""The aggregate queries behind the indicator report.

Two grouped queries serve every event-counted indicator of every year at once:

- event counts grouped by (year, state, event type, organising organisation);
- participations over held events grouped by (year, event type, organiser, participant).

The year is a ``CASE`` over the Europe/Tallinn year boundaries (as UTC instants), computed
in a subquery so that PostgreSQL and SQLite group by the same plain column. Cancelled and
not-held events are filtered out in the database; "overdue" marks planned events that
have begun without an outcome being recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..core.time import DEFAULT_TZ, local_midnight, zone
from ..events.models import Event, EventParticipation, EventStatus, Series
from ..extensions import db
from ..organisations.models import Organisation
from .figures import HELD, OVERDUE, PLANNED, EventCountRow, ParticipationRow
from .rules import CountingRule


@dataclass(frozen=True)
class YearWindow:
    """The years ``first``..``last`` (inclusive) as local calendar years in ``tz``."""

    first: int
    last: int
    tz: str = DEFAULT_TZ

    def start_of(self, year: int) -> datetime:
        return local_midnight(date(year, 1, 1), self.tz)

    @property
    def years(self) -> range:
        return range(self.first, self.last + 1)

    def bounds(self) -> tuple[datetime, datetime]:
        return self.start_of(self.first), self.start_of(self.last + 1)

    def year_of(self, instant: datetime) -> int:
        return instant.astimezone(zone(self.tz)).year


def year_bucket(window: YearWindow, column=Event.start):
    """A SQL expression giving the local year of ``column`` (inside the window)."""
    whens = [(column < window.start_of(year + 1), literal(year)) for year in window.years]
    return case(*whens, else_=literal(window.last + 1))


def _in_window(window: YearWindow):
    start, end = window.bounds()
    return and_(Event.start >= start, Event.start < end)


def _year_type_and_organisation(window: YearWindow) -> tuple:
    """The columns a figure is grouped by: the event's local year, type and organisation."""
    return (
        year_bucket(window).label("year"),
        Series.event_type.label("event_type"),
        Series.organisation_id.label("org_id"),
    )


def _of_types(stmt: Select, window: YearWindow, types: Iterable[str], status) -> Select:
    """``stmt`` (over events) limited to the window's events of ``types`` in ``status``."""
    return stmt.join(Series, Series.id == Event.series_id).where(
        _in_window(window), status, Series.event_type.in_(sorted(set(types)))
    )


def event_counts_statement(window: YearWindow, types: Iterable[str], now: datetime) -> Select:
    state = case(
        (Event.status == EventStatus.HELD, literal(HELD)),
        (Event.start < now, literal(OVERDUE)),
        else_=literal(PLANNED),
    )
    rows = _of_types(
        select(*_year_type_and_organisation(window), state.label("state")).select_from(Event),
        window,
        types,
        Event.status.in_([EventStatus.HELD, EventStatus.PLANNED]),
    ).subquery("counted")
    return (
        select(
            rows.c.year,
            rows.c.state,
            rows.c.event_type,
            Organisation.slug,
            Organisation.kind,
            func.count().label("n"),
        )
        .join(Organisation, Organisation.id == rows.c.org_id)
        .group_by(
            rows.c.year, rows.c.state, rows.c.event_type, Organisation.slug, Organisation.kind
        )
    )


def participations_statement(window: YearWindow, types: Iterable[str]) -> Select:
    organiser = aliased(Organisation, name="organiser")
    participant = aliased(Organisation, name="participant")
    participations = (
        select(
            *_year_type_and_organisation(window),
            EventParticipation.organisation_id.label("participant_id"),
        )
        .select_from(EventParticipation)
        .join(Event, Event.id == EventParticipation.event_id)
    )
    rows = _of_types(participations, window, types, Event.status == EventStatus.HELD).subquery(
        "participations"
    )
    grouped = (
        rows.c.year,
        rows.c.event_type,
        organiser.slug,
        organiser.kind,
        participant.slug,
        participant.kind,
    )
    return (
        select(*grouped, func.count().label("n"))
        .join(organiser, organiser.id == rows.c.org_id)
        .join(participant, participant.id == rows.c.participant_id)
        .group_by(*grouped)
    )


def aggregate_statements(
    rules: Iterable[CountingRule], window: YearWindow, now: datetime
) -> tuple[Select | None, Select | None]:
    """The (at most two) statements a report over ``rules`` needs; None when not needed."""
    rules = list(rules)
    counted_types = {t for r in rules if r.counts_events for t in r.types}
    participation_types = {t for r in rules if r.kind == "kov_participations" for t in r.types}
    counts = event_counts_statement(window, counted_types, now) if counted_types else None
    participations = (
        participations_statement(window, participation_types) if participation_types else None
    )
    return counts, participations


def fetch_event_counts(statement: Select | None) -> list[EventCountRow]:
    if statement is None:
        return []
    return [
        EventCountRow(int(y), state, etype, slug, str(kind), int(n))
        for y, state, etype, slug, kind, n in db.session.execute(statement)
    ]


def fetch_participations(statement: Select | None) -> list[ParticipationRow]:
    if statement is None:
        return []
    return [
        ParticipationRow(int(y), etype, slug, str(kind), pslug, str(pkind), int(n))
        for y, etype, slug, kind, pslug, pkind, n in db.session.execute(statement)
    ]


def counted_events_statement(
    rule: CountingRule, window: YearWindow, year: int, *, include_planned: bool = False
) -> Select:
    """The events a rule counts in ``year`` (held; with ``include_planned`` also planned)."""
    organiser = aliased(Organisation, name="organiser")
    statuses = [EventStatus.HELD] + ([EventStatus.PLANNED] if include_planned else [])
    stmt = (
        select(Event)
        .join(Series, Series.id == Event.series_id)
        .join(organiser, organiser.id == Series.organisation_id)
        .where(
            Event.start >= window.start_of(year),
            Event.start < window.start_of(year + 1),
            Event.status.in_(statuses),
            Series.event_type.in_(rule.types),
        )
        .options(
            joinedload(Event.series).joinedload(Series.organisation),
            selectinload(Event.participants),
        )
        .order_by(Event.start, Event.id)
    )
    if rule.orgs:
        stmt = stmt.where(organiser.slug.in_(rule.orgs))
    if rule.org_kinds:
        stmt = stmt.where(organiser.kind.in_(rule.org_kinds))
    return stmt
