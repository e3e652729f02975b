"""Thin views over the indicator report.

The figures are public; the evidence's internal-meeting titles are shown to signed-in users
only, decided for every format by :mod:`.evidence` (``Audience.of_request()``).
"""

from __future__ import annotations

from flask import Response, abort, current_app, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.time import DEFAULT_TZ, utcnow, zone
from . import export, service
from .evidence import Audience
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
    )


def api_index():
    return jsonify(_report(_year()).as_list())


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
