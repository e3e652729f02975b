"""Admins' changes to plans, shared by the plan page and `flask plan roll / publish`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from .loader import LoadReport, load_plan_file
from .models import Plan
from .roll import RollError, roll_plan


class PlanServiceError(ValueError):
    """A plan change that cannot be made; the message says why."""


def get_plan(year: int) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.year == year))


def draft_path(directory: Path, year: int) -> Path:
    return directory / f"plan-{year}.yaml"


def roll_next_draft(from_year: int, directory: Path) -> tuple[Path, LoadReport]:
    """Draft and load the plan of the year after ``from_year`` (as `flask plan roll`).

    A draft file already there (perhaps edited by hand) is loaded, not replaced."""
    to_year = from_year + 1
    if get_plan(to_year) is not None:
        raise PlanServiceError(f"the plan for {to_year} exists already")
    path = draft_path(directory, to_year)
    if not path.exists():
        try:
            roll_plan(from_year, to_year, path)
        except RollError as error:
            raise PlanServiceError(str(error)) from error
    return path, load_plan_file(path)


def publish_plan(year: int) -> Plan:
    """A draft becomes the year's plan: ``draft: false``, as a plan file without it loads."""
    plan = get_plan(year)
    if plan is None:
        raise PlanServiceError(f"no plan for {year} is loaded")
    if not plan.is_draft:
        return plan
    plan.is_draft = False
    document = dict(plan.document or {})
    document["plan"] = {**document.get("plan", {}), "draft": False}
    plan.document = document
    db.session.flush()
    return plan
