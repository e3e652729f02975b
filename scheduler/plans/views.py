"""Thin views: the plans by year, a plan page, rolling and publishing (admins)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..core.localized import localized, text_language
from ..core.policy import can
from ..extensions import db
from ..web.access import admit, requires
from ..web.forms import submitted
from . import pages
from .conflicts import PlanConflict
from .forms import PublishForm, RollForm
from .schema import PlanError
from .service import PlanServiceError, get_plan, publish_plan, roll_next_draft


def _load_plan(year: int):
    return admit(get_plan(year) if 2000 <= year <= 2100 else None)  # the plan file's range


def _title(plan) -> tuple[str, str]:
    """The plan's title in the page's language (with the names' fallback), and its language."""
    locale = str(get_locale())
    header = {**(plan.document or {}).get("plan", {}), "title": plan.title}
    return localized(header, "title", locale), text_language(header, "title", locale)


@requires("view_plans")
def index():
    plans = pages.plans_by_year()
    return render_template(
        "plans/index.html", plans=plans, titles={p.year: _title(p) for p in plans}
    )


@requires("view_plans")
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


@requires("manage_plans")
def roll(year: int):
    _load_plan(year)
    submitted(RollForm())
    try:
        _path, _report = roll_next_draft(year, Path(current_app.instance_path) / "plans")
    except (PlanServiceError, PlanError, PlanConflict) as error:
        db.session.rollback()
        flash(_("The draft was not made: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("plans.detail", year=year), code=303)
    flash(_("The draft plan %(year)s is ready for review.", year=year + 1))
    return redirect(url_for("plans.detail", year=year + 1), code=303)


@requires("manage_plans")
def publish(year: int):
    _load_plan(year)
    submitted(PublishForm())
    publish_plan(year)
    db.session.commit()
    flash(_("The plan %(year)s is published.", year=year))
    return redirect(url_for("plans.detail", year=year), code=303)
