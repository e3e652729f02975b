"""Thin views over the indicator report.

The figures are public; the events behind them are listed to each reader only as far as the
policy lets them see those events, decided for every format by :mod:`.evidence`
(``Audience.of_request()``).
"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..core.localized import localized
from ..core.policy import can
from ..core.time import utcnow, zone
from ..extensions import db
from ..history.display import records_since
from ..translating.worklist import language_completeness
from ..web.access import admit, requires
from ..web.conflicts import VersionedForm, compare, conflict_response
from ..web.forms import flash_errors
from . import export, service
from .evidence import Audience
from .forms import CloseYearForm, ManualValueForm, TargetForm
from .models import Indicator
from .report import ReportError, build_report
from .svg import cumulative_chart


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def _year(*, strict: bool = False) -> int:
    """``?year=``, else the current year; ``strict`` (the open API, as its document says):
    an empty ``year=`` is refused rather than read as the current year."""
    text = request.args.get("year")
    if text is None or (not text and not strict):
        return utcnow().astimezone(zone(_tz())).year
    if not (text.isascii() and text.isdigit()) or not 2000 <= int(text) <= 2100:
        abort(400, description=_("'%(year)s' is not a year", year=text))
    return int(text)


def _report(year: int):
    try:
        return build_report(year)
    except ReportError as error:
        current_app.logger.warning("indicator report %s: %s", year, error)
        abort(400, description=str(error))


def _charts(rows: list[dict]) -> dict[str, Markup]:
    labels = {"actual": _("Actual, cumulative"), "target": _("Target")}
    return {
        row["code"]: Markup(
            cumulative_chart(
                row["by_year"],
                final_target=row["target_2029"],
                milestones=row["scope"] == "cumulative",
                through_year=row["year"],
                title=_(
                    "%(name)s: cumulative figure by year",
                    name=localized(row, "name", str(get_locale())),
                ),
                labels=labels,
            )
        )
        for row in rows
    }


def index():
    year = _year()
    report = _report(year)
    rows = report.as_list()
    completeness = None
    if can(current_user, "manage_indicators"):
        completeness = language_completeness(utcnow())
    return render_template(
        "indicators/index.html",
        report=report,
        rows=rows,
        charts=_charts(rows),
        locale=str(get_locale()),
        year=year,
        completeness=completeness,
    )


def detail(code: str):
    year = _year()
    report = _report(year)
    try:
        row = report.row(code)
    except ReportError:
        abort(404)
    include_planned = request.args.get("planned") == "1"
    _indicator, events = service.counted_events(
        code, year, audience=Audience.of_request(), include_planned=include_planned
    )
    data = row.as_dict()
    return render_template(
        "indicators/detail.html",
        row=data,
        indicator=row.indicator,
        chart=_charts([data])[code],
        events=events,
        include_planned=include_planned,
        manual_history=service.manual_history(code) if row.rule.is_manual else [],
        target_history=service.target_history(code),
        tz=zone(_tz()),
        locale=str(get_locale()),
        year=year,
        report=report,
        admin_forms=_admin_forms(year, row.indicator)
        if can(current_user, "manage_indicators")
        else None,
    )


def _admin_forms(year: int, indicator) -> dict:
    forms = {
        "value": ManualValueForm(formdata=None),
        "target": TargetForm(formdata=None),
        "close": CloseYearForm(formdata=None),
    }
    for form in forms.values():
        form.year.data = year
    for form in (forms["value"], forms["target"]):
        form.version.data = str(indicator.version)
    return forms


def _current_values(indicator, form) -> dict:
    """What the form's fields hold now for the indicator (for the conflict page)."""
    year = form.year.data
    if isinstance(form, TargetForm):
        kind = "final" if form.final.data else "year"
        revisions = [
            r for r in service.target_history(indicator.code) if (r.year, r.kind) == (year, kind)
        ]
        return {
            "year": year,
            "final": form.final.data,
            "value": indicator.target_for(year, kind),
            "reason": revisions[-1].reason if revisions else None,
        }
    entries = service.manual_history(indicator.code, year)
    latest = entries[-1] if entries else None
    return {
        "year": year,
        "value": latest.value if latest else None,
        "evidence": latest.evidence if latest else None,
        "as_of": latest.as_of if latest else None,
    }


def _conflict(indicator, form):
    response = conflict_response(
        form,
        title=localized(indicator, "name", str(get_locale())),
        back_url=url_for("indicators.detail", code=indicator.code, year=form.year.data),
        rows=compare(form, _current_values(indicator, form)),
        changes=records_since(indicator, form.opened_on()),
        version=indicator.version,
    )
    db.session.rollback()  # let go of the row
    return response


def _admin_change(code: str | None, form_class, change):
    """Validate an admin form, apply it through the service function ``change`` (given the
    indicator's code, if any, the form's arguments and the author), commit."""
    if code is not None:
        admit(db.session.scalar(select(Indicator).where(Indicator.code == code)))
    form = form_class()
    year = form.year.data if isinstance(form.year.data, int) else None
    back = url_for("indicators.detail", code=code, year=year) if code else None
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back or url_for("indicators.index"), code=303)
    if isinstance(form, VersionedForm):
        indicator = service.lock_indicator(code)  # read afresh and held until the commit
        if form.is_stale(indicator.version):
            return _conflict(indicator, form)
    try:
        on = {"code": code} if code is not None else {}
        change(**on, **form.arguments(), author=current_user.email)
        db.session.commit()
    except ValueError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("Saved."))
    return redirect(back or url_for("indicators.index", year=year), code=303)


@requires("manage_indicators")
def set_value(code: str):
    return _admin_change(code, ManualValueForm, service.set_manual_value)


@requires("manage_indicators")
def revise_target(code: str):
    return _admin_change(code, TargetForm, service.revise_target)


@requires("manage_indicators")
def close_year():
    return _admin_change(None, CloseYearForm, service.close_year)


def api_index():
    return jsonify(_report(_year(strict=True)).as_list())


def api_events(code: str):
    year = _year()
    try:
        _indicator, events = service.counted_events(
            code,
            year,
            audience=Audience.of_request(),
            include_planned=request.args.get("planned") == "1",
        )
    except service.IndicatorError:
        abort(404)
    return jsonify([e.as_json() for e in events])


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def report_csv():
    report = _report(_year())
    return _download(
        export.report_csv(report), "text/csv; charset=utf-8", f"indicators-{report.year}.csv"
    )


def report_json():
    report = _report(_year())
    return _download(
        export.report_json(report), "application/json", f"indicators-{report.year}.json"
    )


def report_xlsx():
    report = _report(_year())
    body = export.report_xlsx(
        report, service.report_evidence(report, audience=Audience.of_request())
    )
    return _download(
        body,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"indicators-{report.year}.xlsx",
    )
