"""Changes to indicators: manual values, target revisions, closing a year.

Each function changes the session; the caller commits. Errors are ``IndicatorError``
with a message meant for the person who asked.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.time import utcnow, zone
from ..events.labels import STATUS_LABELS
from ..events.models import Event, EventStatus
from ..events.service import OccurrenceError
from ..extensions import db
from .evidence import Audience, Evidence, evidence_events
from .figures import rule_matches
from .models import (
    Indicator,
    IndicatorManualValue,
    IndicatorTarget,
    IndicatorTargetRevision,
    IndicatorYearClosing,
)
from .queries import YearWindow, counted_events_statement
from .report import Report, build_report, closing_for, year_window
from .rules import parse_counting_rule

log = logging.getLogger(__name__)
TARGET_KINDS = ("year", "final")
MAX_VALUE = Decimal(10) ** 10  # the columns are NUMERIC(12, 2)


class IndicatorError(ValueError):
    """A change to an indicator that cannot be made; the message says why."""


def get_indicator(code: str) -> Indicator:
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == code))
    if indicator is None:
        known = ", ".join(db.session.scalars(select(Indicator.code).order_by(Indicator.code)))
        raise IndicatorError(f"no indicator with code {code!r} (known: {known or 'none'})")
    return indicator


def lock_indicator(code: str) -> Indicator:
    """Begin a write transaction holding the indicator's row until the caller commits
    (PostgreSQL: ``SELECT … FOR UPDATE``; SQLite: an immediate transaction), so that a
    version check followed by a change cannot be overtaken. Rolls back the session first."""
    db.session.rollback()
    if db.engine.dialect.name == "sqlite":
        db.session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    stmt = select(Indicator).where(Indicator.code == code).execution_options(populate_existing=True)
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Indicator)
    indicator = db.session.scalar(stmt)
    if indicator is None:
        raise IndicatorError(f"no indicator with code {code!r}")
    return indicator


def parse_value(text: str | int | float | Decimal) -> Decimal:
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation as error:
        raise IndicatorError(f"{text!r} is not a number") from error
    if not value.is_finite() or value < 0:
        raise IndicatorError(f"{text!r}: a value must be a number >= 0")
    if value >= MAX_VALUE:
        raise IndicatorError(f"{text!r}: a value must be below {MAX_VALUE:,}".replace(",", " "))
    return value


def set_manual_value(
    code: str,
    year: int,
    value: str | int | Decimal,
    *,
    evidence: str,
    author: str,
    as_of: date | None = None,
    now: datetime | None = None,
) -> IndicatorManualValue:
    """Record a hand-entered figure; earlier entries stay as the audit trail."""
    indicator = get_indicator(code)
    if not parse_counting_rule(indicator.rule).is_manual:
        raise IndicatorError(
            f"{code} is counted from held events ({indicator.rule.get('kind')}); "
            "record the events' outcomes instead of a value"
        )
    if not (evidence or "").strip():
        raise IndicatorError("an evidence note is required (what shows this figure)")
    refuse_if_closed(year, f"setting {code}")
    now = now or utcnow()
    entry = IndicatorManualValue(
        indicator=indicator,
        year=year,
        value=parse_value(value),
        as_of=as_of or now.date(),
        author=(author or "").strip() or "unknown",
        evidence=evidence.strip(),
        recorded_at=now,
    )
    db.session.add(entry)
    log.info("indicator %s %s set to %s by %s", code, year, entry.value, entry.author)
    return entry


def manual_history(code: str, year: int | None = None) -> list[IndicatorManualValue]:
    indicator = get_indicator(code)
    stmt = select(IndicatorManualValue).where(IndicatorManualValue.indicator_id == indicator.id)
    if year is not None:
        stmt = stmt.where(IndicatorManualValue.year == year)
    stmt = stmt.order_by(IndicatorManualValue.recorded_at, IndicatorManualValue.id)
    return list(db.session.scalars(stmt))


def revise_target(
    code: str,
    year: int,
    value: str | int | Decimal,
    *,
    reason: str,
    author: str,
    kind: str = "year",
    now: datetime | None = None,
) -> IndicatorTargetRevision:
    """Change (or set) a target, keeping the previous value and the reason."""
    if kind not in TARGET_KINDS:
        raise IndicatorError(f"target kind {kind!r} is not one of {', '.join(TARGET_KINDS)}")
    if not (reason or "").strip():
        raise IndicatorError("a reason is required to revise a target")
    indicator = get_indicator(code)
    new_value = parse_value(value)
    now = now or utcnow()
    target = next((t for t in indicator.targets if t.year == year and t.kind == kind), None)
    previous = target.value if target else None
    if kind == "final" and target is None:
        existing_final = next((t for t in indicator.targets if t.kind == "final"), None)
        if existing_final is not None:
            raise IndicatorError(
                f"{code} already has a final target for {existing_final.year}; revise that one"
            )
    if target is None:
        target = IndicatorTarget(indicator=indicator, year=year, kind=kind, value=new_value)
        db.session.add(target)
    target.value, target.updated_at = new_value, now
    revision = IndicatorTargetRevision(
        indicator=indicator,
        year=year,
        kind=kind,
        previous_value=previous,
        value=new_value,
        reason=reason.strip(),
        author=(author or "").strip() or "unknown",
        revised_at=now,
    )
    db.session.add(revision)
    log.info("indicator %s target %s/%s: %s -> %s", code, year, kind, previous, new_value)
    return revision


def target_history(code: str) -> list[IndicatorTargetRevision]:
    indicator = get_indicator(code)
    stmt = (
        select(IndicatorTargetRevision)
        .where(IndicatorTargetRevision.indicator_id == indicator.id)
        .order_by(IndicatorTargetRevision.revised_at, IndicatorTargetRevision.id)
    )
    return list(db.session.scalars(stmt))


def close_year(
    year: int, *, author: str, note: str | None = None, now: datetime | None = None
) -> IndicatorYearClosing:
    """Freeze the year's report as submitted; later outcome changes in it are refused."""
    existing = closing_for(year)
    if existing is not None:
        raise IndicatorError(
            f"year {year} was already closed on {existing.closed_at:%Y-%m-%d} by {existing.author}"
        )
    now = now or utcnow()
    report = build_report(year, now=now)
    figures = [_snapshot_row(row) for row in report.as_list()]
    closing = IndicatorYearClosing(
        year=year, closed_at=now, author=(author or "").strip() or "unknown", note=note
    )
    closing.figures = figures
    db.session.add(closing)
    log.info("indicator year %s closed by %s", year, closing.author)
    return closing


def _snapshot_row(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("submitted", "changed_since_submission")}


def refuse_if_closed(year: int, what: str) -> None:
    closing = closing_for(year)
    if closing is not None:
        raise IndicatorError(
            f"{what}: year {year} is closed (figures submitted on "
            f"{closing.closed_at:%Y-%m-%d} by {closing.author})"
        )


def local_year_of(event: Event) -> int:
    return event.start.astimezone(zone(current_app.config["TIMEZONE"])).year


def refuse_outcome_in_closed_year(event: Event, status: EventStatus, **_kwargs) -> None:
    """Receiver of ``outcome_recording``: a closed year's outcomes are frozen."""
    year = local_year_of(event)
    closing = closing_for(year)
    if closing is None:
        return
    values = {
        "id": event.id,
        "date": event.start.date().isoformat(),
        "year": year,
        "closed": f"{closing.closed_at:%Y-%m-%d}",
        "author": closing.author,
        "status": STATUS_LABELS[status.value],
    }
    affected = _submitted_figures_touched_by(event, closing)
    if affected is None:
        raise OccurrenceError(
            _l(
                "event %(id)s (%(date)s): year %(year)s is closed — its figures were "
                "submitted on %(closed)s by %(author)s; recording it as “%(status)s” "
                "would change them",
                **values,
            )
        )
    raise OccurrenceError(
        _l(
            "event %(id)s (%(date)s): year %(year)s is closed — its figures were submitted "
            "on %(closed)s by %(author)s; recording it as “%(status)s” would change these "
            "submitted figures: %(figures)s",
            figures=affected,
            **values,
        )
    )


def _submitted_figures_touched_by(event: Event, closing: IndicatorYearClosing) -> LazyString | None:
    """The submitted figures an outcome of ``event`` would change, said when it is read."""
    series = event.series
    org = series.organisation
    touched = []
    for row in closing.figures:
        rule = parse_counting_rule(row.get("counting"))
        if rule.counts_events and rule_matches(rule, series.event_type, org.slug, org.kind.value):
            touched.append(
                _l(
                    "%(code)s (submitted actual %(actual)s)",
                    code=row["code"],
                    actual=row.get("actual"),
                )
            )
    return LazyString(_joined, touched) if touched else None


def _joined(texts) -> str:
    return ", ".join(str(text) for text in texts)


def counted_events(
    code: str, year: int, *, audience: Audience, include_planned: bool = False
) -> tuple[Indicator, Evidence]:
    """The events an indicator counts in ``year``, the evidence behind its figure: those
    ``audience`` may see, and how many others count."""
    indicator = get_indicator(code)
    rule = parse_counting_rule(indicator.rule)
    if not rule.counts_events:
        return indicator, Evidence()
    window: YearWindow = year_window(year, [indicator])
    stmt = counted_events_statement(rule, window, year, include_planned=include_planned)
    return indicator, evidence_events(db.session.scalars(stmt), audience, window.tz)


def report_evidence(report: Report, *, audience: Audience) -> dict[str, Evidence]:
    """For each event-counted indicator of the report, the held events it counts."""
    window = year_window(report.year, [row.indicator for row in report.rows])
    evidence = {}
    for row in report.rows:
        if row.rule.counts_events:
            stmt = counted_events_statement(row.rule, window, report.year)
            evidence[row.code] = evidence_events(db.session.scalars(stmt), audience, window.tz)
    return evidence
