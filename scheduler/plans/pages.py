"""What the plan page shows: the activity tree, each activity's series with their
descriptions and counts in the year, and the indicator targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.time import local_midnight
from ..events.expansion import spec_for
from ..events.models import Event, EventStatus, Series
from ..extensions import db
from ..indicators.models import Indicator
from ..recurrence import RuleError, describe
from .export import FINAL_TARGET_YEAR, code_key, exported_series, plain_number
from .models import Activity, Plan, PlanActivity


@dataclass
class SeriesRow:
    series: Series
    description: str
    count: int


@dataclass
class ActivityRow:
    activity: Activity
    depth: int
    start: date
    end: date
    series: list[SeriesRow] = field(default_factory=list)


@dataclass
class TargetRow:
    indicator: Indicator
    target_year: object
    target_final: object


def plans_by_year() -> list[Plan]:
    return db.session.scalars(select(Plan).order_by(Plan.year.desc())).all()


def activity_rows(plan: Plan, locale: str) -> list[ActivityRow]:
    links = db.session.scalars(
        select(PlanActivity)
        .where(PlanActivity.plan_id == plan.id)
        .options(selectinload(PlanActivity.activity).selectinload(Activity.organisation))
    ).all()
    links = sorted(links, key=lambda link: code_key(link.activity.code))
    top = min((len(code_key(link.activity.code)) for link in links), default=0)
    rows = {
        link.activity.id: ActivityRow(
            link.activity, len(code_key(link.activity.code)) - top, link.start, link.end
        )
        for link in links
    }
    counts = occurrence_counts(plan.year)
    for series in exported_series(plan):
        row = rows.get(series.activity_id)
        if row is not None:
            row.series.append(
                SeriesRow(series, _description(series, locale), counts.get(series.id, 0))
            )
    return list(rows.values())


def occurrence_counts(year: int) -> dict[int, int]:
    """Occurrences per series starting in ``year`` (local time), cancelled ones left out."""
    first, last = local_midnight(date(year, 1, 1)), local_midnight(date(year + 1, 1, 1))
    return dict(
        db.session.execute(
            select(Event.series_id, func.count(Event.id))
            .where(
                Event.start >= first,
                Event.start < last,
                Event.status != EventStatus.CANCELLED,
            )
            .group_by(Event.series_id)
        ).all()
    )


def target_rows(plan: Plan) -> list[TargetRow]:
    named = [i.get("code") for i in (plan.document or {}).get("indicators", [])]
    query = select(Indicator).options(selectinload(Indicator.targets))
    if named:
        query = query.where(Indicator.code.in_(named))
    rows = []
    for indicator in sorted(db.session.scalars(query), key=lambda i: (code_key(i.table), i.code)):
        targets = {(t.year, t.kind): t.value for t in indicator.targets}
        rows.append(
            TargetRow(
                indicator,
                _shown(targets.get((plan.year, "year"))),
                _shown(targets.get((FINAL_TARGET_YEAR, "final"))),
            )
        )
    return rows


def _description(series: Series, locale: str) -> str:
    try:
        return describe(spec_for(series), locale)
    except (RuleError, ValueError):
        return series.rule or ""


def _shown(value) -> int | str | None:
    return None if value is None else plain_number(value)
