"""The living demo: the built-in 2024 plan replayed into the current and the next year.

`flask plan demo` writes one generated plan file per year (``instance/plans/demo-YEAR.yaml``)
and loads it like any plan. A replay:

- is marked ``demo: true``; its plan and series rows carry ``is_demo`` (a "Demo data" badge
  on pages, the category "demo" in feeds);
- keeps weekdays and wall-clock times (as ``flask plan roll``), shifts pauses and UNTIL to
  its year, and keeps each series' holiday policy, which the expansion applies to the
  public holidays of the year it expands into;
- ignores the activities' overall timeframes (the partners' contracts end on 1 April 2026),
  for the demo's series only: the activity rows, the organisations and their partnerships
  are written exactly as the real plan has them, so the real data stays untouched;
- sends reminders nowhere real: organisers' addresses are moved to example.org, a domain
  reserved for examples (RFC 2606);
- reuses the source year's indicator targets for its year where no target is set.

The file is regenerated on each run from the built-in plan; as the result is the same,
a second run changes nothing.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml

from .loader import LoadReport, _jsonable, builtin_plan_path, load_plan_file, plan_limits
from .roll import _roll_series, _shift_period, retitle_header
from .schema import read_plan

DEMO_DOMAIN = "example.org"
DEMO_KEY_PREFIX = "demo-"


def demo_email(address: str) -> str:
    """``klubi@tartu.ee`` → ``klubi@tartu.example.org``: same reader, a reserved domain."""
    local, _, domain = address.partition("@")
    if domain == DEMO_DOMAIN or domain.endswith(f".{DEMO_DOMAIN}"):
        return address
    label = re.sub(r"[^a-z0-9-]", "-", domain.split(".")[0].lower()) or "demo"
    return f"{local}@{label}.{DEMO_DOMAIN}"


def demo_document(source: dict, to_year: int) -> dict:
    """The plan document ``source`` (a loaded plan file's mapping) replayed into ``to_year``."""
    document = copy.deepcopy(_jsonable(source))
    header = document["plan"]
    from_year = int(header["year"])
    years = to_year - from_year
    header.update(year=to_year, draft=False, demo=True, rolled_from=from_year)
    retitle_header(header, from_year, to_year)
    header["period"] = _shift_period(header["period"], years)
    _replay_activities(document.get("activities", []), years)
    series = []
    for entry in document.get("series", []):
        entry = _roll_series(entry, from_year, to_year)
        entry["key"] = f"{DEMO_KEY_PREFIX}{entry['key']}"
        entry["organisers"] = [demo_email(a) for a in entry.get("organisers", [])]
        series.append(entry)
    document["series"] = series
    for indicator in document.get("indicators", []):
        targets = {int(year): value for year, value in (indicator.get("targets") or {}).items()}
        if from_year in targets and to_year not in targets:
            targets[to_year] = targets[from_year]
        indicator["targets"] = targets
    return document


def _replay_activities(entries: list[dict], years: int) -> None:
    # Only the dates move: code, titles and the overall timeframe stay as the real plan has
    # them, so loading the replay leaves the shared activity rows as they are.
    for entry in entries:
        entry["dates"] = _shift_period(entry["dates"], years)
        _replay_activities(entry.get("children", []), years)


def demo_years(today_year: int, source_year: int = 2024) -> list[int]:
    """The current and the next year (those after the source plan's own year)."""
    return [year for year in (today_year, today_year + 1) if year > source_year]


def write_demo_plan(to_year: int, directory: Path, source: Path | None = None) -> Path:
    source = source or builtin_plan_path()
    _document, raw = read_plan(source, **plan_limits())
    document = demo_document(raw, to_year)
    path = directory / f"demo-{to_year}.yaml"
    text = (
        f"# DEMO data: the plan {raw['plan']['year']} replayed into {to_year} by "
        "`flask plan demo`.\n# Generated on every run; edits are overwritten.\n"
        + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    )
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def replay_demo(today_year: int, directory: Path) -> list[LoadReport]:
    """Load the replays of the built-in plan into the current and the next year."""
    # Generated files: a replay overwrites whatever was changed in its series (--force).
    return [
        load_plan_file(write_demo_plan(year, directory), force=True)
        for year in demo_years(today_year)
    ]
