"""From aggregated rows to an indicator's figures: the pure counting core.

Input: the grouped rows of :mod:`.queries` (or any rows of the same shape), the
counting rule, hand-entered values and targets. Output: per year the actual and planned
figures, the breakdown by organisation, and the cumulative figures since the programme
start; then the assessment against the targets (progress, on track).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .rules import CountingRule

Number = int | Decimal

# The states of an event row a rule counts (cancelled and not-held rows never count).
HELD, PLANNED, OVERDUE = "held", "planned", "overdue"


@dataclass(frozen=True)
class EventCountRow:
    year: int
    state: str  # held | planned | overdue
    event_type: str
    org: str  # slug of the organising organisation
    org_kind: str
    count: int


@dataclass(frozen=True)
class ParticipationRow:
    year: int
    event_type: str
    org: str  # organiser slug
    org_kind: str
    participant: str  # participant slug
    participant_kind: str
    count: int


@dataclass
class OrgFigure:
    actual: Number = 0
    planned: Number = 0


@dataclass
class YearFigures:
    actual: Number = 0
    planned: Number = 0
    held_events: int = 0  # held events the rule counts
    planned_events: int = 0  # planned events it would count if held
    awaiting_outcome: int = 0  # planned events that have begun with no outcome recorded
    has_value: bool = True  # False for a manual indicator with nothing entered
    by_org: dict[str, OrgFigure] = field(default_factory=dict)
    orgs_held: frozenset[str] = frozenset()
    orgs_projected: frozenset[str] = frozenset()

    @property
    def projected(self) -> Number:
        return self.actual + self.planned


@dataclass(frozen=True)
class Cumulative:
    actual: Number
    projected: Number


@dataclass(frozen=True)
class Assessment:
    compared: Number  # the figure the year's target is compared with (per the scope)
    compared_projected: Number
    progress: float | None  # percent of the year's target reached
    on_track: bool | None  # projected figure reaches the year's target
    progress_final: float | None  # percent of the final (2029) target reached, cumulatively
    on_track_final: bool | None


def rule_matches(rule: CountingRule, event_type: str, org: str, org_kind: str) -> bool:
    return (
        event_type in rule.types
        and (not rule.orgs or org in rule.orgs)
        and (not rule.org_kinds or org_kind in rule.org_kinds)
    )


def yearly_figures(
    rule: CountingRule,
    years: Iterable[int],
    event_rows: Iterable[EventCountRow] = (),
    participation_rows: Iterable[ParticipationRow] = (),
    manual_values: Mapping[int, Number] | None = None,
) -> dict[int, YearFigures]:
    figures = {year: YearFigures() for year in years}
    if rule.is_manual:
        return _manual_figures(figures, manual_values or {})
    held_orgs: dict[int, set[str]] = {year: set() for year in figures}
    projected_orgs: dict[int, set[str]] = {year: set() for year in figures}
    for row in event_rows:
        if row.year not in figures or not rule_matches(rule, row.event_type, row.org, row.org_kind):
            continue
        year = figures[row.year]
        projected_orgs[row.year].add(row.org)
        if row.state == HELD:
            year.held_events += row.count
            held_orgs[row.year].add(row.org)
        else:
            year.planned_events += row.count
            year.awaiting_outcome += row.count if row.state == OVERDUE else 0
        if rule.kind == "held_events":
            _add_event_count(year, row)
    for number, year in figures.items():
        year.orgs_held = frozenset(held_orgs[number])
        year.orgs_projected = frozenset(projected_orgs[number])
    if rule.kind == "distinct_orgs":
        _distinct_org_figures(figures)
    elif rule.kind == "kov_participations":
        _participation_figures(rule, figures, participation_rows)
    return figures


def _add_event_count(year: YearFigures, row: EventCountRow) -> None:
    org = year.by_org.setdefault(row.org, OrgFigure())
    if row.state == HELD:
        year.actual += row.count
        org.actual += row.count
    else:
        year.planned += row.count
        org.planned += row.count


def _distinct_org_figures(figures: dict[int, YearFigures]) -> None:
    for year in figures.values():
        held = year.orgs_held
        year.actual = len(held)
        year.planned = len(year.orgs_projected - held)
        year.by_org = {
            org: OrgFigure(actual=int(org in held), planned=int(org not in held))
            for org in sorted(year.orgs_projected)
        }


def _participation_figures(
    rule: CountingRule, figures: dict[int, YearFigures], rows: Iterable[ParticipationRow]
) -> None:
    for row in rows:
        if row.year not in figures or not rule_matches(rule, row.event_type, row.org, row.org_kind):
            continue
        year = figures[row.year]
        year.actual += row.count
        year.by_org.setdefault(row.participant, OrgFigure()).actual += row.count
    for year in figures.values():
        year.planned = year.planned_events * rule.expected_per_event


def _manual_figures(
    figures: dict[int, YearFigures], values: Mapping[int, Number]
) -> dict[int, YearFigures]:
    for number, year in figures.items():
        year.has_value = number in values
        year.actual = values.get(number, 0)
    return figures


def cumulative_through(
    rule: CountingRule, figures: Mapping[int, YearFigures], through: int
) -> Cumulative:
    """The figure since the programme start up to and including ``through``."""
    years = [figures[y] for y in sorted(figures) if y <= through]
    if rule.kind == "distinct_orgs":
        held = set().union(*(y.orgs_held for y in years))
        projected = set().union(*(y.orgs_projected for y in years))
        return Cumulative(actual=len(held), projected=len(projected))
    if rule.is_manual and rule.accumulate == "latest":
        entered = [y.actual for y in years if y.has_value]
        latest = entered[-1] if entered else 0
        return Cumulative(actual=latest, projected=latest)
    return Cumulative(
        actual=sum((y.actual for y in years), 0),
        projected=sum((y.projected for y in years), 0),
    )


def assess(
    scope: str,
    year: YearFigures,
    cumulative: Cumulative,
    target_year: Number | None,
    target_final: Number | None,
    final_cumulative: Cumulative | None = None,
) -> Assessment:
    """Compare with the targets; ``scope`` "year" compares the year alone, else cumulatively."""
    if scope == "year":
        compared, compared_projected = year.actual, year.projected
    else:
        compared, compared_projected = cumulative.actual, cumulative.projected
    final = final_cumulative or cumulative
    return Assessment(
        compared=compared,
        compared_projected=compared_projected,
        progress=percent(compared, target_year),
        on_track=None if target_year is None else compared_projected >= target_year,
        progress_final=percent(cumulative.actual, target_final),
        on_track_final=None if target_final is None else final.projected >= target_final,
    )


def percent(value: Number, target: Number | None) -> float | None:
    if target is None:
        return None
    if target == 0:
        return 100.0
    return round(float(value) * 100 / float(target), 1)
