"""Which public texts lack a version in a published language, and filling them in.

A text is missing in a language when its Estonian (official) version exists and that
language's does not. Only what newcomers read is listed: public series with coming events,
the reasons of coming cancelled public events, and the names of the organisations whose
public series those are. Imported series change at their source and are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..core.localized import SOURCE, texts_of, translated_languages
from ..core.policy import ALL
from ..events.models import Event, EventStatus, Series
from ..events.service import translate, translate_cancel_reason
from ..extensions import db
from ..organisations.models import Organisation
from ..series.service import translate_series

KINDS = ("series", "event", "organisation")
#: the rows one page shows; the counts cover every row
PAGE_ROWS = 200


@dataclass(frozen=True)
class Row:
    """One text that lacks a version in at least one language."""

    kind: str
    id: int
    field: str
    official: str
    texts: dict[str, str | None]
    missing: tuple[str, ...]
    soonest: datetime | None
    organisation_id: int

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}-{self.field}"


@dataclass(frozen=True)
class Worklist:
    rows: list[Row]
    counts: dict[str, int]  # missing texts per language, over every row
    total: int


def _row(kind, obj, field, soonest, organisation_id) -> Row | None:
    texts = texts_of(obj, field)
    if not texts[SOURCE]:
        return None
    missing = tuple(code for code in translated_languages() if not texts.get(code))
    if not missing:
        return None
    return Row(kind, obj.id, field, texts[SOURCE], texts, missing, soonest, organisation_id)


def _in_scope(statement, scope, column):
    return statement if scope == ALL else statement.where(column == scope)


def _coming_public(scope, now: datetime):
    soonest = func.min(Event.start).label("soonest")
    statement = (
        select(Series, soonest)
        .join(Event, Event.series_id == Series.id)
        .where(Series.is_public, Event.status == EventStatus.PLANNED, Event.start >= now)
        .group_by(Series.id)
        .order_by(soonest, Series.id)
    )
    rows = db.session.execute(_in_scope(statement, scope, Series.organisation_id)).all()
    return [(series, first) for series, first in rows if not series.is_imported]


def _cancelled_public(scope, now: datetime):
    statement = (
        select(Event)
        .join(Series, Event.series_id == Series.id)
        .where(
            Series.is_public,
            Event.status == EventStatus.CANCELLED,
            Event.start >= now,
            Event.cancel_reason.is_not(None),
        )
        .order_by(Event.start, Event.id)
    )
    return db.session.scalars(_in_scope(statement, scope, Series.organisation_id)).all()


def worklist(scope, now: datetime) -> Worklist:
    """What ``scope`` (``ALL`` or an organisation's id) has to translate, soonest first."""
    series_rows = _coming_public(scope, now)
    rows: list[Row] = []
    for series, soonest in series_rows:
        for field in ("title", "description"):
            rows.append(_row("series", series, field, soonest, series.organisation_id))
    for event in _cancelled_public(scope, now):
        rows.append(
            _row("event", event, "cancel_reason", event.start, event.series.organisation_id)
        )
    soonest_of: dict[int, datetime] = {}
    for series, soonest in series_rows:
        soonest_of.setdefault(series.organisation_id, soonest)
    if soonest_of:
        organisations = db.session.scalars(
            select(Organisation).where(Organisation.id.in_(soonest_of))
        ).all()
        for org in organisations:
            rows.append(_row("organisation", org, "name", soonest_of[org.id], org.id))
    found = [row for row in rows if row is not None]
    found.sort(key=lambda row: (row.soonest is None, row.soonest, KINDS.index(row.kind), row.id))
    counts = Counter(code for row in found for code in row.missing)
    return Worklist(
        found[:PAGE_ROWS], {code: counts[code] for code in translated_languages()}, len(found)
    )


def target(kind: str, row_id: int):
    """The row a fill-in names, or None."""
    model = {"series": Series, "event": Event, "organisation": Organisation}.get(kind)
    return db.session.get(model, row_id) if model else None


def fill(row, field: str, texts: dict[str, str | None]) -> set[str]:
    """Save the texts typed for ``row``'s ``field``; the names of those that changed."""
    if isinstance(row, Series):
        return translate_series(row, field, texts)
    if isinstance(row, Event) and field == "cancel_reason":
        return translate_cancel_reason(row, texts)
    if isinstance(row, Organisation) and field == "name":
        return translate(row, "name", texts, lambda: None)
    raise ValueError(f"{type(row).__name__}.{field} is not translated here")


@dataclass(frozen=True)
class Completeness:
    """How many coming public events a language has its own title and description for."""

    language: str
    events: int
    titled: int
    with_description: int
    described: int

    @staticmethod
    def _share(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def title_percent(self) -> int | None:
        return self._share(self.titled, self.events)

    @property
    def description_percent(self) -> int | None:
        return self._share(self.described, self.with_description)


def language_completeness(now: datetime) -> list[Completeness]:
    """Every language of the site across the coming public events (each occurrence counts)."""
    statement = (
        select(Series.title, Series.description, Series.translations, func.count(Event.id))
        .join(Event, Event.series_id == Series.id)
        .where(Series.is_public, Event.status == EventStatus.PLANNED, Event.start >= now)
        .group_by(Series.id)
    )
    rows = db.session.execute(statement).all()
    result = []
    for code in (SOURCE, *translated_languages()):
        titled = with_description = described = events = 0
        for title, description, translations, count in rows:
            row = {"title": title, "description": description, "translations": translations}
            events += count
            titled += count if texts_of(row, "title")[code] else 0
            if description:
                with_description += count
                described += count if texts_of(row, "description")[code] else 0
        result.append(Completeness(code, events, titled, with_description, described))
    return result
