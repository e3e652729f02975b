"""Load a plan file into the database: idempotent upserts, then expansion into event rows.

Loading the same file twice changes nothing; loading an edited file updates rows in place
(by organisation slug, activity code, series key, indicator code) and re-expands the
series, which keeps held status, attendance and overrides (see events.expansion).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from importlib import resources
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import select

from ..core.localized import SOURCE, assign_texts, texts_of, translations_of
from ..core.time import utcnow
from ..events import signals
from ..events.expansion import (
    ExpansionReport,
    default_horizon,
    expand_series,
    rule_budget,
    withdraw_series,
)
from ..events.models import Series
from ..extensions import db
from ..history.recording import acting_as
from ..indicators.models import Indicator, IndicatorTarget
from ..indicators.service import revise_target
from ..organisations.models import Organisation, OrganisationKind, Partnership
from ..organisations.registry import estonian_local_governments
from ..recurrence import RuleRefused
from .conflicts import remember_definition, remember_left_out, require_no_conflicts
from .models import Activity, Plan, PlanActivity
from .overrides import apply_overrides
from .schema import PlanDocument, PlanError, SeriesEntry, activity_bounds, read_plan

log = logging.getLogger(__name__)
FINAL_TARGET_YEAR = 2029


def builtin_plan_path() -> Path:
    return Path(str(resources.files("scheduler.plans") / "data" / "plan-2024.yaml"))


@dataclass
class LoadReport:
    plan_year: int
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    expansion: ExpansionReport = field(default_factory=ExpansionReport)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        e = self.expansion
        return bool(
            self.created or self.updated or e.created or e.moved or e.withdrawn or e.restored
        )

    def summary(self) -> str:
        parts = [f"plan {self.plan_year}"]
        parts += [f"{n} {k} created" for k, n in sorted(self.created.items())]
        parts += [f"{n} {k} updated" for k, n in sorted(self.updated.items())]
        e = self.expansion
        parts.append(
            f"events: {e.created} new, {e.moved} moved, {e.withdrawn} withdrawn, "
            f"{e.restored} restored, {e.unchanged + e.kept} unchanged"
        )
        if not self.changed:
            parts.append("nothing changed")
        return "; ".join(parts)


def plan_limits() -> dict[str, int]:
    """The configured size limits of plan files, as keyword arguments of ``read_plan``."""
    if not has_app_context():
        return {}
    config = current_app.config
    return {"max_bytes": config["PLAN_MAX_BYTES"], "max_nodes": config["PLAN_MAX_NODES"]}


def load_plan_file(
    path: Path | None = None, now: datetime | None = None, *, force: bool = False
) -> LoadReport:
    """Validate and load ``path``. Unless ``force``, a file that would overwrite changes
    made on the web since the last load raises :class:`~.conflicts.PlanConflict` and
    changes nothing."""
    path = path or builtin_plan_path()
    document, raw = read_plan(path, **plan_limits())
    if not force:
        require_no_conflicts(document, str(path))
    with acting_as(plan_load_label(document)):
        report = apply_plan(document, raw, source=str(path), now=now)
        db.session.commit()
    log.info("loaded %s: %s", path, report.summary())
    return report


def plan_load_label(document: PlanDocument) -> str:
    """Who the history names for a plan load's changes: "plan load 2024"."""
    return f"plan load {document.plan.year}"


def apply_plan(
    document: PlanDocument, raw: dict, source: str, now: datetime | None = None
) -> LoadReport:
    """Bring the database to the plan; the changes are recorded as the plan load's (flush
    before leaving, or commit inside ``acting_as(plan_load_label(document))``)."""
    with acting_as(plan_load_label(document)):
        report = _apply_plan(document, raw, source, now)
        db.session.flush()
    return report


def _apply_plan(
    document: PlanDocument, raw: dict, source: str, now: datetime | None = None
) -> LoadReport:
    report = LoadReport(plan_year=document.plan.year)
    ensure_local_governments(report)
    organisations = {
        entry.slug: _upsert_organisation(entry, report) for entry in document.organisations
    }
    plan = _upsert_plan(document, raw, source, report)
    activities = _upsert_activities(document, plan, organisations, report)
    placed = {item.entry.code: item for item in document.all_activities()}
    series = [
        _upsert_series(
            entry, document, placed[entry.activity], plan, activities, organisations, report
        )
        for entry in document.series
    ]
    for entry in document.indicators:
        _upsert_indicator(entry, report, source)
    horizon = max(default_horizon(now=now), _end_of(document.plan.period.end))
    budget = rule_budget(
        seconds=float(current_app.config["PLAN_EXPAND_DEADLINE_SECONDS"]),
        deadline_setting="PLAN_EXPAND_DEADLINE_SECONDS",
    )
    for item, entry in zip(series, document.series, strict=True):
        try:
            report.expansion += expand_series(item, horizon, budget)
        except RuleRefused as refusal:
            db.session.rollback()
            raise PlanError([f"{source}: series {item.key}: {refusal}; check its rule"]) from None
        apply_overrides(item, entry, source, report)
        remember_definition(item, entry, document.plan.timezone)
    for item in _series_left_out(plan, series):
        withdrawn = withdraw_series(item)
        if withdrawn.withdrawn:
            report.count("series left out", created=False)
        report.expansion += withdrawn
        remember_left_out(item)
    return report


def _series_left_out(plan: Plan, kept: list[Series]) -> list[Series]:
    kept_ids = {s.id for s in kept}
    return [
        s
        for s in db.session.scalars(select(Series).where(Series.plan_id == plan.id))
        if s.id not in kept_ids
    ]


def _end_of(day: date) -> datetime:
    from ..core.time import local_midnight

    return local_midnight(date(day.year + 1, 1, 1))


def _find_or_add(model, report: LoadReport, what: str, **key):
    """The row with this natural key, created (and counted) when missing; and whether it is new."""
    row = db.session.scalar(select(model).filter_by(**key))
    if row is not None:
        return row, False
    row = model(**key)
    db.session.add(row)
    report.count(what, created=True)
    return row, True


def _assign(row, report: LoadReport, what: str, **values) -> set[str]:
    """Set changed attributes only, so an unchanged load writes nothing; returns their names."""
    changed = {name for name, value in values.items() if getattr(row, name) != value}
    for name in changed:
        setattr(row, name, values[name])
    if changed and row.id is not None:
        report.count(what, created=False)
    return changed


def ensure_local_governments(report: LoadReport | None = None) -> None:
    """All 79 Estonian local governments exist, so participations can name any of them."""
    organisations = db.session.scalars(select(Organisation)).all()
    existing = {o.ehak_code: o for o in organisations if o.ehak_code}
    by_slug = {o.slug: o for o in organisations}  # not only those with a code: one per slug
    for lg in estonian_local_governments():
        org = existing.get(lg.ehak_code) or by_slug.get(lg.slug)
        if org is None:
            db.session.add(
                Organisation(
                    slug=lg.slug,
                    name=lg.name_et,
                    translations=lg.translations,
                    kind=OrganisationKind.KOV,
                    ehak_code=lg.ehak_code,
                    county_code=lg.county_code,
                )
            )
            if report:
                report.count("local governments", created=True)
        else:
            _complete_local_government(org, lg)
    db.session.flush()


def _complete_local_government(org: Organisation, lg) -> None:
    """A local government already stored gets its registry code and, where it has none, the
    registry's name in each language: every local government is named one way per language."""
    if org.ehak_code is None:
        org.ehak_code, org.county_code = lg.ehak_code, lg.county_code
    stored = texts_of(org, "name")
    missing = {code: text for code, text in texts_of(lg, "name").items() if not stored.get(code)}
    if any(missing.values()):
        assign_texts(org, "name", {**stored, **missing, SOURCE: org.name})


def _upsert_organisation(entry, report: LoadReport) -> Organisation:
    org, _ = _find_or_add(Organisation, report, "organisations", slug=entry.slug)
    _assign(
        org,
        report,
        "organisations",
        name=entry.name,
        translations=translations_of(entry, "name"),
        kind=OrganisationKind(entry.kind),
    )
    for period in entry.partnerships:
        match = next((p for p in org.partnerships if p.start == period.start), None)
        if match is None:
            org.partnerships.append(Partnership(start=period.start, end=period.end))
            report.count("partnerships", created=True)
        else:
            _assign(match, report, "partnerships", end=period.end)
    db.session.flush()
    return org


def _upsert_plan(document: PlanDocument, raw: dict, source: str, report: LoadReport) -> Plan:
    header = document.plan
    plan, _ = _find_or_add(Plan, report, "plans", year=header.year)
    content_hash = hashlib.sha256(repr(sorted_items(raw)).encode()).hexdigest()
    if _assign(
        plan,
        report,
        "plans",
        title=header.title,
        period_start=header.period.start,
        period_end=header.period.end,
        is_draft=header.draft,
        is_demo=header.demo,
        source=source,
        content_hash=content_hash,
    ):
        plan.document = _jsonable(raw)
        plan.loaded_at = utcnow()
    db.session.flush()
    return plan


def sorted_items(value):
    if isinstance(value, dict):
        return sorted((str(k), sorted_items(v)) for k, v in value.items())
    if isinstance(value, list):
        return [sorted_items(v) for v in value]
    return value


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _upsert_activities(document, plan, organisations, report) -> dict[str, Activity]:
    activities: dict[str, Activity] = {}
    for placed in document.all_activities():
        entry = placed.entry
        activity, _ = _find_or_add(Activity, report, "activities", code=entry.code)
        parent = activities.get(placed.parent_code) if placed.parent_code else None
        _assign(
            activity,
            report,
            "activities",
            title=entry.title,
            translations=translations_of(entry, "title"),
            description=entry.description,
            organisation=organisations[placed.organisation],
            timeframe_start=entry.timeframe.start,
            timeframe_end=entry.timeframe.end,
            parent=parent,
        )
        db.session.flush()
        link = db.session.scalar(
            select(PlanActivity).where(
                PlanActivity.plan_id == plan.id, PlanActivity.activity_id == activity.id
            )
        )
        if link is None:
            db.session.add(
                PlanActivity(
                    plan=plan, activity=activity, start=entry.dates.start, end=entry.dates.end
                )
            )
        else:
            _assign(link, report, "activity dates", start=entry.dates.start, end=entry.dates.end)
        activities[entry.code] = activity
    db.session.flush()
    return activities


def _upsert_series(
    entry: SeriesEntry, document: PlanDocument, placed, plan, activities, organisations, report
) -> Series:
    bounds = activity_bounds(placed.entry, demo=document.plan.demo)
    series, is_new = _find_or_add(Series, report, "series", key=entry.key)
    values = dict(
        plan=plan,
        activity=activities[entry.activity],
        organisation=organisations[entry.organisation or placed.organisation],
        title=entry.title,
        description=entry.description,
        translations=translations_of(entry, "title", "description"),
        event_type=entry.type,
        languages=list(entry.languages),
        location=entry.location,
        online_url=entry.online_url,
        organisers=list(entry.organisers),
        contact_public=entry.contact_public,
        is_public=entry.public,
        is_demo=document.plan.demo,
        timezone=entry.timezone or document.plan.timezone,
        start_date=entry.start.date(),
        start_time=entry.start.time().replace(tzinfo=None),
        duration_minutes=entry.duration,
        rule=entry.rule,
        rdates=[v.isoformat(timespec="minutes") for v in entry.rdates],
        exdates=[v.isoformat(timespec="minutes") for v in entry.exdates],
        pauses=list(entry.pauses),
        holiday_policy=entry.holidays,
        bound_start=bounds.start,
        bound_end=bounds.end,
        reminder_policy=entry.reminders,
        note=entry.assumed,
    )
    changed = _assign(series, report, "series", **values)
    db.session.flush()
    if changed and not is_new:
        series.revision += 1
        series.updated_at = utcnow()
        signals.series_changed.send(series, fields=changed)
    return series


def _upsert_indicator(entry, report: LoadReport, source: str) -> Indicator:
    indicator, _ = _find_or_add(Indicator, report, "indicators", code=entry.code)
    _assign(
        indicator,
        report,
        "indicators",
        table=entry.table,
        name=entry.name,
        translations=translations_of(entry, "name"),
        unit=entry.unit,
        rule=dict(entry.counting),
        target_scope=entry.scope,
        note=entry.note,
    )
    wanted = {(year, "year"): value for year, value in entry.targets.items()}
    if entry.target_2029 is not None:
        wanted[(FINAL_TARGET_YEAR, "final")] = entry.target_2029
    for (year, kind), value in wanted.items():
        target = next((t for t in indicator.targets if (t.year, t.kind) == (year, kind)), None)
        if target is None:
            indicator.targets.append(IndicatorTarget(year=year, kind=kind, value=value))
            report.count("targets", created=True)
        elif Decimal(target.value) != Decimal(value):
            # Through the indicators service, so the previous target stays in its history.
            revise_target(
                indicator.code,
                year,
                value,
                kind=kind,
                author="plan load",
                reason=f"changed in the plan file {source}",
            )
            report.count("targets", created=False)
    db.session.flush()
    return indicator


def extend_horizons(now: datetime | None = None, months: int = 24) -> ExpansionReport:
    """Daily job: materialise every series up to ``months`` ahead of now. A series whose
    rule passes a limit (RULES_*, each series its own budget) is left as it is and logged:
    one such series must not stop the others'."""
    horizon = default_horizon(months, now)
    total = ExpansionReport()
    for series in db.session.scalars(select(Series).order_by(Series.id)):
        try:
            total += expand_series(series, horizon)  # refused before it changes anything
        except RuleRefused as refusal:
            log.warning("series %s not extended: %s", series.key, refusal)
    db.session.commit()
    return total
