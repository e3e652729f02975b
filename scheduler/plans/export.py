"""Write a loaded plan back as a plan file, as it is now: `flask plan export YEAR`.

The file carries what changed on the web since the plan was loaded: series definitions as
the database holds them, and each occurrence moved, cancelled or edited by hand as an entry
of its series' ``overrides`` (keyed by its original start). Loading the file into an empty
database gives the same events; exporting again gives the same bytes (keys in a fixed
order, lists sorted, no timestamps).

The same canonical forms (:func:`series_definition`, :func:`override_of`) are what a plan
load stores on each series, so a later load can tell what changed on the web since.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.localized import flat_texts, language_fields
from ..core.time import DEFAULT_TZ, zone
from ..events.models import Event, EventStatus, Series
from ..extensions import db
from ..indicators.models import Indicator
from ..organisations.models import Organisation
from .models import Activity, Plan, PlanActivity

FINAL_TARGET_YEAR = 2029
LEFT_OUT = "left_out"


class ExportError(ValueError):
    pass


def code_key(code: str) -> tuple[int, ...]:
    """``3.5.10`` after ``3.5.9``."""
    return tuple(int(part) for part in re.findall(r"\d+", code))


def local_minutes(value: datetime, tz: str) -> str:
    """An instant as the local wall-clock text a plan file uses: ``2024-03-12T17:30``."""
    return value.astimezone(zone(tz)).replace(tzinfo=None).isoformat(timespec="minutes")


# --- canonical forms (also stored by plan loads) ------------------------------------------


def series_values(series: Series) -> dict[str, Any]:
    """A series row's plan-file fields, as plain values (codes and slugs, not rows)."""
    return {
        "key": series.key,
        "activity": series.activity.code if series.activity else None,
        "organisation": series.organisation.slug,
        "type": series.event_type,
        **flat_texts(series, "title"),
        **flat_texts(series, "description"),
        "languages": list(series.languages or []),
        "location": series.location,
        "online_url": series.online_url,
        "organisers": list(series.organisers or []),
        "public": bool(series.is_public),
        "contact_public": bool(series.contact_public),
        "timezone": series.timezone,
        "start": f"{series.start_date.isoformat()}T{series.start_time:%H:%M}",
        "duration": series.duration_minutes,
        "rule": series.rule or None,
        "rdates": list(series.rdates or []),
        "exdates": list(series.exdates or []),
        "pauses": list(series.pauses or []),
        "holidays": series.holiday_policy,
        "reminders": sorted_mapping(series.reminder_policy),
        "assumed": series.note,
    }


def series_definition(
    values: dict[str, Any], plan_tz: str, activity_org: str | None
) -> dict[str, Any]:
    """The series entry a plan file holds for ``values``: defaults and inherited values
    (the activity's organisation, the plan's zone) left out, keys in the file's order."""
    entry: dict[str, Any] = {"key": values["key"], "activity": values["activity"]}
    if values["organisation"] != activity_org:
        entry["organisation"] = values["organisation"]
    entry["type"] = values["type"]
    for name in (*language_fields("title"), *language_fields("description")):
        if values.get(name) is not None:
            entry[name] = values[name]
    entry["languages"] = values["languages"]
    for name in ("location", "online_url"):
        if values[name] is not None:
            entry[name] = values[name]
    if values["organisers"]:
        entry["organisers"] = values["organisers"]
    if not values["public"]:
        entry["public"] = False
    if values["contact_public"]:
        entry["contact_public"] = True
    if values["timezone"] != plan_tz:
        entry["timezone"] = values["timezone"]
    entry["start"] = values["start"]
    entry["duration"] = values["duration"]
    if values["rule"]:
        entry["rule"] = values["rule"]
    for name in ("rdates", "exdates", "pauses"):
        if values[name]:
            entry[name] = values[name]
    if values["holidays"] != "keep":
        entry["holidays"] = values["holidays"]
    if values["reminders"] is not None:
        entry["reminders"] = values["reminders"]
    if values["assumed"] is not None:
        entry["assumed"] = values["assumed"]
    return entry


def current_definition(series: Series, plan_tz: str) -> dict[str, Any]:
    activity_org = series.activity.organisation.slug if series.activity else None
    return series_definition(series_values(series), plan_tz, activity_org)


def override_of(event: Event, tz: str) -> dict[str, Any] | None:
    """The ``overrides`` entry of an occurrence changed by hand; None for a plain one.

    Outcomes (held, attendance, participants) are records of what happened, not plan,
    and are not part of it."""
    if not event.is_overridden:
        return {"notes": event.notes} if event.notes else None
    entry: dict[str, Any] = {
        "start": local_minutes(event.start, tz),
        "end": local_minutes(event.end, tz),
    }
    cancelled = event.status == EventStatus.CANCELLED
    if cancelled:
        entry["status"] = "cancelled"
        if event.cancel_reason or event.notes:
            entry["reason"] = event.cancel_reason or event.notes
    for name in ("title", "location", "description"):
        if getattr(event, name):
            entry[name] = getattr(event, name)
    if event.notes and not cancelled:
        entry["notes"] = event.notes
    return entry


def current_overrides(series: Series) -> dict[str, dict[str, Any]]:
    """Every hand-changed occurrence of the series, by local original start, in order."""
    result = {}
    for event in sorted(series.events, key=lambda e: e.original_start):
        entry = override_of(event, series.timezone)
        if entry is not None:
            result[local_minutes(event.original_start, series.timezone)] = entry
    return result


# --- the whole plan -----------------------------------------------------------------------


def export_document(year: int) -> dict[str, Any]:
    plan = db.session.scalar(select(Plan).where(Plan.year == year))
    if plan is None:
        raise ExportError(f"no plan for {year} is loaded: run `flask plan load` first")
    stored = plan.document or {}
    header = stored.get("plan", {})
    plan_tz = header.get("timezone") or DEFAULT_TZ
    links = db.session.scalars(
        select(PlanActivity)
        .where(PlanActivity.plan_id == plan.id)
        .options(selectinload(PlanActivity.activity))
    ).all()
    series = exported_series(plan)
    activities = _activity_tree(links)
    org_slugs = {o["slug"] for o in stored.get("organisations", [])}
    org_slugs |= {link.activity.organisation.slug for link in links}
    org_slugs |= {s.organisation.slug for s in series}
    return {
        "plan": _header(plan, header),
        "organisations": [_organisation(slug) for slug in sorted(org_slugs)],
        "activities": activities,
        "series": [_series_entry(item, plan_tz) for item in series],
        "indicators": _indicators(plan, stored),
    }


def dump_plan(document: dict[str, Any], year: int) -> str:
    comment = (
        f"# Plan {year} as it is now, written by `flask plan export {year}`: series as edited\n"
        "# on the web, occurrences moved, cancelled or edited by hand under `overrides:`.\n"
        "# Dates and times are local wall-clock time. Load it with `flask plan load FILE`.\n"
    )
    return comment + yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False
    )


def exported_series(plan: Plan) -> list[Series]:
    """The plan's series, except those a later plan file left out (and withdrew)."""
    rows = db.session.scalars(
        select(Series)
        .where(Series.plan_id == plan.id)
        .options(selectinload(Series.events), selectinload(Series.activity))
        .order_by(Series.key)
    ).all()
    return [s for s in rows if not (s.plan_definition or {}).get(LEFT_OUT)]


def _header(plan: Plan, stored: dict) -> dict[str, Any]:
    header: dict[str, Any] = {"year": plan.year, "title": plan.title}
    for name, text in flat_texts(stored, "title").items():
        if text and name != "title":
            header[name] = text
    header["period"] = {"start": plan.period_start, "end": plan.period_end}
    header["timezone"] = stored.get("timezone") or DEFAULT_TZ
    if stored.get("programme"):
        programme = stored["programme"]
        header["programme"] = {
            "start": date.fromisoformat(str(programme["start"])),
            "end": date.fromisoformat(str(programme["end"])),
        }
    if plan.is_draft:
        header["draft"] = True
    if stored.get("rolled_from") is not None:
        header["rolled_from"] = int(stored["rolled_from"])
    if plan.is_demo:
        header["demo"] = True
    return header


def _organisation(slug: str) -> dict[str, Any]:
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    entry: dict[str, Any] = {"slug": org.slug, "kind": org.kind.value, "name": org.name}
    entry |= _other_languages(org, "name")
    partnerships = []
    for period in sorted(org.partnerships, key=lambda p: p.start):
        item: dict[str, Any] = {"start": period.start}
        if period.end is not None:
            item["end"] = period.end
        partnerships.append(item)
    if partnerships:
        entry["partnerships"] = partnerships
    return entry


def _activity_tree(links: list[PlanActivity]) -> list[dict[str, Any]]:
    dates = {link.activity.code: link for link in links}
    children: dict[str | None, list[Activity]] = {}
    for link in links:
        parent = link.activity.parent
        parent_code = parent.code if parent is not None and parent.code in dates else None
        children.setdefault(parent_code, []).append(link.activity)

    def entries(parent_code: str | None, parent_org: str | None) -> list[dict[str, Any]]:
        result = []
        for activity in sorted(children.get(parent_code, []), key=lambda a: code_key(a.code)):
            entry: dict[str, Any] = {"code": activity.code}
            if activity.organisation.slug != parent_org:
                entry["organisation"] = activity.organisation.slug
            entry["title"] = activity.title
            entry |= _other_languages(activity, "title")
            entry["timeframe"] = {"start": activity.timeframe_start, "end": activity.timeframe_end}
            link = dates[activity.code]
            entry["dates"] = {"start": link.start, "end": link.end}
            if activity.description:
                entry["description"] = activity.description
            nested = entries(activity.code, activity.organisation.slug)
            if nested:
                entry["children"] = nested
            result.append(entry)
        return result

    return entries(None, None)


def _series_entry(series: Series, plan_tz: str) -> dict[str, Any]:
    entry = current_definition(series, plan_tz)
    overrides = current_overrides(series)
    if overrides:
        entry["overrides"] = overrides
    return entry


def _indicators(plan: Plan, stored: dict) -> list[dict[str, Any]]:
    named = {i["code"]: i for i in stored.get("indicators", [])}
    query = select(Indicator).options(selectinload(Indicator.targets)).order_by(Indicator.code)
    if named:
        query = query.where(Indicator.code.in_(sorted(named)))
    result = []
    for indicator in db.session.scalars(query):
        years = {int(y) for y in (named.get(indicator.code, {}).get("targets") or {})}
        entry: dict[str, Any] = {"code": indicator.code, "table": indicator.table}
        entry["name"] = indicator.name
        entry |= _other_languages(indicator, "name")
        entry["unit"] = indicator.unit
        entry["scope"] = indicator.target_scope
        targets = {
            t.year: plain_number(t.value)
            for t in indicator.targets
            if t.kind == "year" and (t.year in years or t.year == plan.year)
        }
        entry["targets"] = dict(sorted(targets.items()))
        final = next(
            (t for t in indicator.targets if (t.year, t.kind) == (FINAL_TARGET_YEAR, "final")),
            None,
        )
        if final is not None:
            entry["target_2029"] = plain_number(final.value)
        entry["counting"] = sorted_mapping(indicator.rule)
        if indicator.note:
            entry["note"] = indicator.note
        result.append(entry)
    return result


def plain_number(value) -> int | str:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else str(value.normalize())


def sorted_mapping(value):
    if isinstance(value, dict):
        return {
            str(k): sorted_mapping(v) for k, v in sorted(value.items(), key=lambda i: str(i[0]))
        }
    if isinstance(value, list):
        return [sorted_mapping(v) for v in value]
    return value


def _other_languages(row, field: str) -> dict[str, str]:
    """``row``'s ``field`` in the languages other than the official one, by flat name."""
    return {name: text for name, text in flat_texts(row, field).items() if text and name != field}
