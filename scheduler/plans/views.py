"""Thin views: the plans by year, a plan page, rolling and publishing (admins)."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.policy import can
from ..extensions import db
from . import pages
from .conflicts import PlanConflict
from .forms import PublishForm, RollForm
from .schema import PlanError
from .service import PlanServiceError, get_plan, publish_plan, roll_next_draft


def _require(action: str) -> None:
    if not can(current_user, action):
        abort(403)


def _load_plan(year: int):
    _require("view_plans")
    plan = get_plan(year) if 2000 <= year <= 2100 else None  # the plan file's range
    if plan is None:
        abort(404)
    return plan


def _title(plan) -> tuple[str, str]:
    """The plan's title in the page's language (the file has et and en), and its language."""
    locale = str(get_locale())
    english = (plan.document or {}).get("plan", {}).get("title_en")
    if locale != "et" and english:
        return english, "en"
    return plan.title, "et"


@login_required
def index():
    _require("view_plans")
    plans = pages.plans_by_year()
    return render_template(
        "plans/index.html", plans=plans, titles={p.year: _title(p) for p in plans}
    )


@login_required
def detail(year: int):
    plan = _load_plan(year)
    locale = str(get_locale())
    manage = can(current_user, "manage_plans")
    return render_template(
        "plans/detail.html",
        plan=plan,
        title=_title(plan),
        activities=pages.activity_rows(plan, locale),
        targets=pages.target_rows(plan),
        locale=locale,
        roll_form=RollForm(formdata=None) if manage and get_plan(year + 1) is None else None,
        publish_form=PublishForm(formdata=None) if manage and plan.is_draft else None,
    )


@login_required
def roll(year: int):
    _load_plan(year)
    _require("manage_plans")
    if not RollForm().validate_on_submit():
        abort(400)
    try:
        _path, _report = roll_next_draft(year, Path(current_app.instance_path) / "plans")
    except (PlanServiceError, PlanError, PlanConflict) as error:
        db.session.rollback()
        flash(_("The draft was not made: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("plans.detail", year=year), code=303)
    flash(_("The draft plan %(year)s is ready for review.", year=year + 1))
    return redirect(url_for("plans.detail", year=year + 1), code=303)


@login_required
def publish(year: int):
    _load_plan(year)
    _require("manage_plans")
    if not PublishForm().validate_on_submit():
        abort(400)
    publish_plan(year)
    db.session.commit()
    flash(_("The plan %(year)s is published.", year=year))
    return redirect(url_for("plans.detail", year=year), code=303)
