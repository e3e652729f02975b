"""Building the indicator report of a year: targets, figures, breakdowns, submissions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.localized import flat_texts
from ..core.time import utcnow
from ..extensions import db
from ..organisations.models import Organisation
from .figures import (
    Assessment,
    Cumulative,
    Number,
    YearFigures,
    assess,
    cumulative_through,
    yearly_figures,
)
from .models import Indicator, IndicatorManualValue, IndicatorYearClosing
from .queries import (
    YearWindow,
    aggregate_statements,
    fetch_event_counts,
    fetch_participations,
)
from .rules import CountingRule, parse_counting_rule

# Figures compared with what was submitted when a year was closed.
SUBMITTED_KEYS = ("actual", "planned", "cumulative", "target_year", "target_2029")


class ReportError(ValueError):
    pass


@dataclass
class IndicatorRow:
    indicator: Indicator
    rule: CountingRule
    year: int
    final_year: int
    target_year: Number | None
    target_final: Number | None
    figures: YearFigures
    cumulative: Cumulative
    assessment: Assessment
    by_year: list[dict[str, Any]]
    org_names: dict[str, dict[str, str | None]]
    manual: IndicatorManualValue | None = None
    submitted: dict[str, Any] | None = None

    @property
    def code(self) -> str:
        return self.indicator.code

    def as_dict(self) -> dict[str, Any]:
        ind, fig, assessment = self.indicator, self.figures, self.assessment
        data: dict[str, Any] = {
            "code": ind.code,
            "table": ind.table,
            **flat_texts(ind, "name"),
            "unit": ind.unit,
            "scope": ind.target_scope,
            "counting": self.rule.as_dict(),
            "year": self.year,
            "target_year": as_number(self.target_year),
            "target_2029": as_number(self.target_final),
            "final_year": self.final_year,
            "actual": as_number(fig.actual),
            "planned": as_number(fig.planned),
            "projected": as_number(fig.projected),
            "cumulative": as_number(self.cumulative.actual),
            "cumulative_projected": as_number(self.cumulative.projected),
            "progress": assessment.progress,
            "on_track": assessment.on_track,
            "progress_2029": assessment.progress_final,
            "on_track_2029": assessment.on_track_final,
            "counted_events": fig.held_events,
            "planned_events": fig.planned_events,
            "awaiting_outcome": fig.awaiting_outcome,
            "by_org": {
                slug: {
                    **(self.org_names.get(slug) or flat_texts({"name": slug}, "name")),
                    "actual": as_number(org.actual),
                    "planned": as_number(org.planned),
                }
                for slug, org in sorted(fig.by_org.items())
            },
            "by_year": self.by_year,
        }
        if self.rule.is_manual:
            data["manual"] = manual_as_dict(self.manual)
        data["submitted"] = self.submitted
        data["changed_since_submission"] = self.changes_since_submission(data)
        return data

    def changes_since_submission(self, data: dict[str, Any]) -> dict[str, Any] | None:
        if self.submitted is None:
            return None
        return {
            key: {"submitted": self.submitted.get(key), "now": data[key]}
            for key in SUBMITTED_KEYS
            if self.submitted.get(key) != data[key]
        }


@dataclass
class Report:
    year: int
    generated_at: datetime
    rows: list[IndicatorRow] = field(default_factory=list)
    closing: IndicatorYearClosing | None = None

    def as_list(self) -> list[dict[str, Any]]:
        return [row.as_dict() for row in self.rows]

    def row(self, code: str) -> IndicatorRow:
        for row in self.rows:
            if row.code == code:
                return row
        raise ReportError(f"no indicator with code {code!r}")


def as_number(value: Number | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def manual_as_dict(value: IndicatorManualValue | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "value": as_number(value.value),
        "as_of": value.as_of.isoformat(),
        "author": value.author,
        "evidence": value.evidence,
        "recorded_at": value.recorded_at.isoformat(),
    }


def year_window(year: int, indicators: list[Indicator] | None = None) -> YearWindow:
    config = current_app.config
    first = int(config["INDICATORS_FIRST_YEAR"])
    final_years = [t.year for i in indicators or [] for t in i.targets if t.kind == "final"]
    last = max([year, int(config["INDICATORS_FINAL_YEAR"]), *final_years])
    if year < first:
        raise ReportError(f"the programme starts in {first}: no report for {year}")
    return YearWindow(first, last, config["TIMEZONE"])


def load_indicators(codes: list[str] | None = None) -> list[Indicator]:
    stmt = select(Indicator).options(selectinload(Indicator.targets))
    if codes:
        stmt = stmt.where(Indicator.code.in_(codes))
    indicators = list(db.session.scalars(stmt))
    if codes:
        missing = sorted(set(codes) - {i.code for i in indicators})
        if missing:
            raise ReportError(f"unknown indicator code(s): {', '.join(missing)}")
    return sorted(indicators, key=_plan_order)


def _plan_order(indicator: Indicator) -> tuple:
    table = indicator.table or ""
    return (int(table) if table.isdigit() else 10**6, table, indicator.id)


def parse_rules(indicators: list[Indicator]) -> dict[int, CountingRule]:
    rules = {}
    for indicator in indicators:
        try:
            rules[indicator.id] = parse_counting_rule(indicator.rule)
        except ValueError as error:
            raise ReportError(f"indicator {indicator.code}: {error}") from error
    return rules


def current_manual_values(indicator_ids: list[int]) -> dict[tuple[int, int], IndicatorManualValue]:
    """The newest manual value per (indicator, year)."""
    if not indicator_ids:
        return {}
    stmt = (
        select(IndicatorManualValue)
        .where(IndicatorManualValue.indicator_id.in_(indicator_ids))
        .order_by(IndicatorManualValue.recorded_at, IndicatorManualValue.id)
    )
    return {(v.indicator_id, v.year): v for v in db.session.scalars(stmt)}


def closing_for(year: int) -> IndicatorYearClosing | None:
    return db.session.scalar(select(IndicatorYearClosing).where(IndicatorYearClosing.year == year))


def organisation_names() -> dict[str, dict[str, str | None]]:
    """Each organisation's name in every language, by flat name ({"name": …, "name_ru": …})."""
    rows = db.session.execute(
        select(Organisation.slug, Organisation.name, Organisation.translations)
    )
    return {
        slug: flat_texts({"name": name, "translations": translations}, "name")
        for slug, name, translations in rows
    }


def build_report(
    year: int, *, now: datetime | None = None, codes: list[str] | None = None
) -> Report:
    now = now or utcnow()
    indicators = load_indicators(codes)
    rules = parse_rules(indicators)
    window = year_window(year, indicators)
    counts_stmt, participations_stmt = aggregate_statements(rules.values(), window, now)
    event_rows = fetch_event_counts(counts_stmt)
    participation_rows = fetch_participations(participations_stmt)
    manual = current_manual_values([i.id for i in indicators])
    closing = closing_for(year)
    submitted = {row["code"]: row for row in closing.figures} if closing else {}
    names = organisation_names() if indicators else {}
    report = Report(year=year, generated_at=now, closing=closing)
    for indicator in indicators:
        rule = rules[indicator.id]
        values = {y: v.value for (i, y), v in manual.items() if i == indicator.id}
        per_year = yearly_figures(rule, window.years, event_rows, participation_rows, values)
        report.rows.append(
            _indicator_row(indicator, rule, year, window, per_year, names, manual, submitted)
        )
    return report


def _indicator_row(
    indicator: Indicator,
    rule: CountingRule,
    year: int,
    window: YearWindow,
    per_year: dict[int, YearFigures],
    names: dict[str, tuple[str, str | None]],
    manual: dict[tuple[int, int], IndicatorManualValue],
    submitted: dict[str, dict],
) -> IndicatorRow:
    final_target = next((t for t in indicator.targets if t.kind == "final"), None)
    final_year = final_target.year if final_target else window.last
    cumulative = cumulative_through(rule, per_year, year)
    target_year = indicator.target_for(year)
    target_final = final_target.value if final_target else None
    assessment = assess(
        indicator.target_scope,
        per_year[year],
        cumulative,
        target_year,
        target_final,
        final_cumulative=cumulative_through(rule, per_year, final_year),
    )
    return IndicatorRow(
        indicator=indicator,
        rule=rule,
        year=year,
        final_year=final_year,
        target_year=target_year,
        target_final=target_final,
        figures=per_year[year],
        cumulative=cumulative,
        assessment=assessment,
        by_year=_by_year(indicator, rule, per_year),
        org_names=names,
        manual=manual.get((indicator.id, year)),
        submitted=_submitted_figures(submitted.get(indicator.code)),
    )


def _by_year(
    indicator: Indicator, rule: CountingRule, per_year: dict[int, YearFigures]
) -> list[dict[str, Any]]:
    rows = []
    for number, figures in sorted(per_year.items()):
        cumulative = cumulative_through(rule, per_year, number)
        rows.append(
            {
                "year": number,
                "actual": as_number(figures.actual),
                "planned": as_number(figures.planned),
                "cumulative": as_number(cumulative.actual),
                "cumulative_projected": as_number(cumulative.projected),
                "target": as_number(indicator.target_for(number)),
                "target_final": as_number(indicator.target_for(number, "final")),
            }
        )
    return rows


def _submitted_figures(row: dict | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {key: row.get(key) for key in SUBMITTED_KEYS}
