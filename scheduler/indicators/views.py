"""Thin views over the indicator report.

Reading is open to every visitor for now; once the accounts feature provides login, these
views should require a logged-in user (any role, viewer included).
"""

from __future__ import annotations

from flask import Response, abort, current_app, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..core.time import DEFAULT_TZ, utcnow, zone
from . import export, service
from .report import ReportError, build_report
from .svg import cumulative_chart


def _tz() -> str:
    return current_app.config.get("TIMEZONE", DEFAULT_TZ)


def _year() -> int:
    text = request.args.get("year")
    if not text:
        return utcnow().astimezone(zone(_tz())).year
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
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
                title=_("%(code)s: cumulative figure by year", code=row["code"]),
                labels=labels,
            )
        )
        for row in rows
    }


def index():
    year = _year()
    report = _report(year)
    rows = report.as_list()
    return render_template(
        "indicators/index.html",
        report=report,
        rows=rows,
        charts=_charts(rows),
        locale=str(get_locale()),
        year=year,
    )


def detail(code: str):
    year = _year()
    report = _report(year)
    try:
        row = report.row(code)
    except ReportError:
        abort(404)
    include_planned = request.args.get("planned") == "1"
    _indicator, events = service.counted_events(code, year, include_planned=include_planned)
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
        show_internal=current_user.is_authenticated,
    )


def api_index():
    return jsonify(_report(_year()).as_list())


def api_events(code: str):
    year = _year()
    try:
        _indicator, events = service.counted_events(
            code, year, include_planned=request.args.get("planned") == "1"
        )
    except service.IndicatorError:
        abort(404)
    return jsonify([_event_json(e) for e in events])


def _event_json(event) -> dict:
    return {
        "id": event.id,
        "start": event.start.isoformat(),
        "local_start": event.start.astimezone(zone(_tz())).isoformat(),
        "title": _visible_title(event),
        "status": event.status.value,
        "event_type": event.series.event_type,
        "organisation": event.series.organisation.slug,
        "attendance": event.attendance,
        "participants": [o.slug for o in event.participants],
    }


def _visible_title(event) -> str:
    """Internal meetings count for everyone, but only signed-in users read what they were."""
    if event.series.is_public or current_user.is_authenticated:
        return event.display_title
    return str(_("Internal meeting"))


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
    body = export.report_xlsx(report, service.report_evidence(report), _tz())
    return _download(
        body,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"indicators-{report.year}.xlsx",
    )
