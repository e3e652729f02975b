"""Draft next year's plan from a loaded one: same cadences, new dates, marked as a draft."""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select

from ..core.localized import language_fields
from ..extensions import db
from .export import export_document
from .loader import _jsonable
from .models import Plan
from .schema import format_range, parse_pause


class RollError(ValueError):
    pass


def roll_plan(from_year: int, to_year: int, output: Path) -> dict:
    if to_year <= from_year:
        raise RollError(f"--to {to_year} must be after {from_year}")
    plan = db.session.scalar(select(Plan).where(Plan.year == from_year))
    if plan is None or not plan.document:
        raise RollError(f"no plan for {from_year} is loaded: run `flask plan load` first")
    document = rolled_document(current_document(from_year), from_year, to_year)
    output.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f"# DRAFT plan {to_year}, rolled from the {from_year} plan by `flask plan roll`.\n"
        "# Same cadences with dates moved to the new year (weekdays kept). Year targets are\n"
        "# left for ELVL to set; the 2029 targets are kept. Review, then load it again.\n"
    )
    output.write_text(header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return document


def current_document(year: int) -> dict:
    """The plan as it is now (web changes to series included), without the occurrences
    changed by hand: those belong to their year."""
    document = _jsonable(export_document(year))
    for entry in document["series"]:
        entry.pop("overrides", None)
    return document


def retitle_header(header: dict, from_year: int, to_year: int) -> None:
    """The plan's titles, in every language, name ``to_year`` where they named ``from_year``."""
    for name in language_fields("title"):
        if header.get(name):
            header[name] = header[name].replace(str(from_year), str(to_year))


def rolled_document(source: dict, from_year: int, to_year: int) -> dict:
    years = to_year - from_year
    document = copy.deepcopy(source)
    header = document["plan"]
    header.update(year=to_year, draft=True, rolled_from=from_year)
    retitle_header(header, from_year, to_year)
    header["period"] = _shift_period(header["period"], years)
    kept_codes = set()
    document["activities"] = _roll_activities(document.get("activities", []), years, kept_codes)
    document["series"] = [
        _roll_series(entry, from_year, to_year)
        for entry in document.get("series", [])
        if entry["activity"] in kept_codes
    ]
    for indicator in document.get("indicators", []):
        indicator["targets"] = {}
    return document


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _shift_period(period: dict, years: int) -> dict:
    return {
        "start": _shift_year(date.fromisoformat(str(period["start"])), years).isoformat(),
        "end": _shift_year(date.fromisoformat(str(period["end"])), years).isoformat(),
    }


def _roll_activities(entries: list[dict], years: int, kept: set[str]) -> list[dict]:
    result = []
    for entry in entries:
        dates = _shift_period(entry["dates"], years)
        start = max(dates["start"], str(entry["timeframe"]["start"]))
        end = min(dates["end"], str(entry["timeframe"]["end"]))
        if end < start:
            continue  # the activity's overall timeframe has ended
        entry["dates"] = {"start": start, "end": end}
        entry["children"] = _roll_activities(entry.get("children", []), years, kept)
        kept.add(entry["code"])
        result.append(entry)
    return result


def same_weekday_in_year(value: datetime, years: int) -> datetime:
    """The date nearest to the same calendar date ``years`` later, on the same weekday."""
    target = _shift_year(value.date(), years)
    offset = (value.weekday() - target.weekday() + 3) % 7 - 3
    return datetime.combine(target + timedelta(days=offset), value.time())


def _roll_datetime(text, years: int) -> str:
    return same_weekday_in_year(datetime.fromisoformat(str(text)), years).isoformat(
        timespec="minutes"
    )


def _roll_series(entry: dict, from_year: int, to_year: int) -> dict:
    years = to_year - from_year
    entry["key"] = re.sub(rf"^{from_year}-", f"{to_year}-", entry["key"])
    if not entry["key"].startswith(f"{to_year}-"):
        entry["key"] = f"{to_year}-{entry['key']}"
    entry["start"] = _roll_datetime(entry["start"], years)
    for name in ("rdates", "exdates"):
        if entry.get(name):
            entry[name] = [_roll_datetime(text, years) for text in entry[name]]
    if entry.get("pauses"):
        entry["pauses"] = [_roll_pause(text, years) for text in entry["pauses"]]
    if entry.get("rule"):
        entry["rule"] = re.sub(
            r"UNTIL=(\d{4})", lambda m: f"UNTIL={int(m.group(1)) + years}", entry["rule"]
        )
    return entry


def _roll_pause(text: str, years: int) -> str:
    pause = parse_pause(str(text))
    shifted = type(pause)(_shift_year(pause.start, years), _shift_year(pause.end, years))
    return format_range(shifted)
