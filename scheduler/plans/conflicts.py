"""Loading a plan file over changes made on the web: stop and say what would be lost.

Each plan load stores on every series what it wrote (its definition and the overrides the
file named, in the forms :mod:`.export` writes). The next load compares three things per
series: what the last load wrote, what the database holds now, and what the file says. A
series changed since the last load (on the web, or by the CLI) that the file would change
again is a conflict; so is an occurrence the file names that was changed since, and a
series the file leaves out (it would be withdrawn) that was created or changed on the web.
``flask plan load --force`` overwrites them. A file exported after the change (`flask plan
export`) agrees with the database and loads without a conflict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..core.localized import flat_texts
from ..events.models import Event, EventStatus, Series
from ..extensions import db
from .export import (
    LEFT_OUT,
    current_definition,
    override_of,
    series_definition,
    sorted_mapping,
)
from .models import Plan
from .overrides import agrees, file_override, local_instant
from .schema import PlanDocument, SeriesEntry


@dataclass
class Conflict:
    """One series (or the plan itself, ``key`` "plan YEAR") and what changed on the web."""

    key: str
    changes: list[str] = field(default_factory=list)


class PlanConflict(Exception):
    def __init__(self, source: str, conflicts: list[Conflict]):
        self.source = source
        self.conflicts = conflicts
        super().__init__(
            f"{source}: {len(conflicts)} series changed on the web since the last plan load"
        )

    def lines(self) -> list[str]:
        return [f"{c.key}: {change}" for c in self.conflicts for change in c.changes]


def find_conflicts(document: PlanDocument) -> list[Conflict]:
    conflicts: list[Conflict] = []
    plan = db.session.scalar(select(Plan).where(Plan.year == document.plan.year))
    if plan is not None and not plan.is_draft and document.plan.draft:
        conflicts.append(
            Conflict(
                f"plan {plan.year}",
                ["published on the web; this file is a draft and would make it a draft again"],
            )
        )
    tz = document.plan.timezone
    placed = {item.entry.code: item for item in document.all_activities()}
    keys = [entry.key for entry in document.series]
    rows = {s.key: s for s in db.session.scalars(select(Series).where(Series.key.in_(keys))).all()}
    for entry in document.series:
        row = rows.get(entry.key)
        if row is None:
            continue
        activity_org = placed[entry.activity].organisation
        changes = _definition_changes(row, entry, tz, activity_org)
        changes += _override_changes(row, entry)
        if changes:
            conflicts.append(Conflict(entry.key, changes))
    if plan is not None:
        conflicts += _left_out_conflicts(plan, set(keys), tz)
    return conflicts


def require_no_conflicts(document: PlanDocument, source: str) -> None:
    conflicts = find_conflicts(document)
    if conflicts:
        raise PlanConflict(source, conflicts)


def remember_definition(series: Series, entry: SeriesEntry, plan_tz: str) -> None:
    """Store what this load wrote (see the module's docstring); writes nothing if unchanged."""
    overrides = {}
    for original in sorted(entry.overrides):
        event = _event_at(series, local_instant(original, series.timezone))
        overrides[original.isoformat(timespec="minutes")] = (
            override_of(event, series.timezone) if event is not None else None
        )
    wanted = {"series": current_definition(series, plan_tz), "overrides": overrides}
    if series.plan_definition != wanted:
        series.plan_definition = wanted


def remember_left_out(series: Series) -> None:
    if not (series.plan_definition or {}).get(LEFT_OUT):
        series.plan_definition = {**(series.plan_definition or {}), LEFT_OUT: True}


def _definition_changes(
    row: Series, entry: SeriesEntry, tz: str, activity_org: str | None
) -> list[str]:
    stored = (row.plan_definition or {}).get("series")
    if stored is None:
        return []  # not written by a plan load since this is kept: nothing to compare with
    current = current_definition(row, tz)
    wanted = series_definition(_entry_values(entry, tz, activity_org), tz, activity_org)
    if current in (stored, wanted):
        return []
    changes = []
    for name in _field_names(stored, current):
        if stored.get(name) != current.get(name):
            changes.append(
                f"{name} changed on the web from {_shown(stored.get(name))} to "
                f"{_shown(current.get(name))}; the file has {_shown(wanted.get(name))}"
            )
    return changes


def _override_changes(row: Series, entry: SeriesEntry) -> list[str]:
    stored = (row.plan_definition or {}).get("overrides") or {}
    changes = []
    for original, override in sorted(entry.overrides.items()):
        text = original.isoformat(timespec="minutes")
        event = _event_at(row, local_instant(original, row.timezone))
        current = override_of(event, row.timezone) if event is not None else None
        wanted = file_override(override)
        if agrees(wanted, current) or current == stored.get(text):
            continue
        changes.append(
            f"the occurrence of {text.replace('T', ' ')} changed on the web to "
            f"{_shown(current)}; the file has {_shown(wanted)}"
        )
    return changes


def _left_out_conflicts(plan: Plan, keys: set[str], tz: str) -> list[Conflict]:
    conflicts = []
    for row in db.session.scalars(
        select(Series).where(Series.plan_id == plan.id).order_by(Series.key)
    ):
        stored = row.plan_definition or {}
        if row.key in keys or stored.get(LEFT_OUT) or not _has_planned(row):
            continue
        if stored.get("series") is None:
            conflicts.append(
                Conflict(
                    row.key, ["created on the web; the file leaves it out (it would be withdrawn)"]
                )
            )
        elif stored["series"] != current_definition(row, tz):
            conflicts.append(
                Conflict(
                    row.key, ["changed on the web; the file leaves it out (it would be withdrawn)"]
                )
            )
    return conflicts


def _has_planned(series: Series) -> bool:
    return (
        db.session.scalar(
            select(Event.id)
            .where(
                Event.series_id == series.id,
                Event.in_rule.is_(True),
                Event.status == EventStatus.PLANNED,
            )
            .limit(1)
        )
        is not None
    )


def _event_at(series: Series, original_start) -> Event | None:
    if series.id is None:
        return None
    return db.session.scalar(
        select(Event).where(Event.series_id == series.id, Event.original_start == original_start)
    )


def _entry_values(entry: SeriesEntry, tz: str, activity_org: str | None) -> dict[str, Any]:
    return {
        "key": entry.key,
        "activity": entry.activity,
        "organisation": entry.organisation or activity_org,
        "type": entry.type,
        **flat_texts(entry, "title"),
        **flat_texts(entry, "description"),
        "languages": list(entry.languages),
        "location": entry.location,
        "online_url": entry.online_url,
        "organisers": list(entry.organisers),
        "public": entry.public,
        "contact_public": entry.contact_public,
        "timezone": entry.timezone or tz,
        "start": entry.start.isoformat(timespec="minutes"),
        "duration": entry.duration,
        "rule": entry.rule or None,
        "rdates": [v.isoformat(timespec="minutes") for v in entry.rdates],
        "exdates": [v.isoformat(timespec="minutes") for v in entry.exdates],
        "pauses": list(entry.pauses),
        "holidays": entry.holidays,
        "reminders": sorted_mapping(entry.reminders),
        "assumed": entry.assumed,
    }


def _field_names(*entries: dict) -> list[str]:
    names: list[str] = []
    for item in entries:
        names += [name for name in item if name not in names]
    return names


def _shown(value) -> str:
    if value is None:
        return "(nothing)"
    return json.dumps(value, ensure_ascii=False, sort_keys=False)
