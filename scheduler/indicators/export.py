"""The report as a text table, CSV, JSON and XLSX (shaped like the plan's tables).

Cells are written through :mod:`scheduler.core.exports` (text stays text, numbers stay
numbers); the evidence arrives as :class:`~.evidence.EvidenceEvent` rows whose titles were
already decided for their reader.
"""

from __future__ import annotations

import io
import json
from typing import Any

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from openpyxl import Workbook

from ..core.exports import csv_rows, write_table
from ..core.localized import localized
from ..events.labels import event_type_label
from ..localisation import unit_label
from .evidence import Evidence
from .report import Report

FORMATS = ("table", "csv", "json", "xlsx")
CSV_COLUMNS = (
    "year",
    "table",
    "code",
    "name",
    "unit",
    "scope",
    "target_year",
    "target_2029",
    "actual",
    "planned",
    "projected",
    "cumulative",
    "progress",
    "on_track",
    "progress_2029",
    "counted_events",
    "awaiting_outcome",
)


def report_json(report: Report) -> str:
    return json.dumps(report.as_list(), ensure_ascii=False, indent=2)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def report_csv(report: Report) -> str:
    rows = ([_cell(row[column]) for column in CSV_COLUMNS] for row in report.as_list())
    return csv_rows(CSV_COLUMNS, rows)


def report_table(report: Report) -> str:
    header = ("code", "tbl", "target", "actual", "planned", "proj.", "cumul.", "2029", "%", "ok")
    lines = [header]
    for row in report.as_list():
        lines.append(
            (
                row["code"],
                row["table"],
                _text(row["target_year"]),
                _text(row["actual"]),
                _text(row["planned"]),
                _text(row["projected"]),
                _text(row["cumulative"]),
                _text(row["target_2029"]),
                _text(row["progress"]),
                {True: "yes", False: "NO", None: "-"}[row["on_track"]],
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    text = [f"Indicators {report.year}" + (" (closed)" if report.closing else "")]
    for line in lines:
        text.append(
            "  ".join(
                str(v).rjust(w) if i else str(v).ljust(w)
                for i, (v, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
    return "\n".join(text) + "\n"


def _text(value: Any) -> str:
    return "-" if value is None else str(value)


def report_xlsx(report: Report, evidence: dict[str, Evidence]) -> bytes:
    """A workbook: the plan's indicator table with an "actual" column, breakdowns, evidence."""
    rows = report.as_list()
    book = Workbook()
    _indicator_sheet(book.active, report, rows)
    _by_org_sheet(book.create_sheet(_("By organisation")), rows)
    _evidence_sheet(book.create_sheet(_("Counted events")), evidence)
    _manual_sheet(book.create_sheet(_("Manual values")), rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _indicator_sheet(sheet, report: Report, rows: list[dict]) -> None:
    year = report.year
    sheet.title = _("Indicators %(year)s", year=year)
    header = [
        _("Table"),
        _("Code"),
        _("Indicator"),
        _("Unit"),
        _("Target %(year)s", year=year),
        _("Target 2029"),
        _("Actual %(year)s", year=year),
        _("Planned, not yet held"),
        _("Projected"),
        _("Cumulative since programme start"),
        _("Progress %"),
        _("On track"),
        _("Target counts"),
    ]
    if report.closing:
        header.append(_("Submitted actual"))
    body = []
    for row in rows:
        line = [
            row["table"],
            row["code"],
            localized(row, "name", str(get_locale())),
            unit_label(row["unit"]),
            row["target_year"],
            row["target_2029"],
            row["actual"],
            row["planned"],
            row["projected"],
            row["cumulative"],
            row["progress"],
            _yes_no(row["on_track"]),
            _("the year alone") if row["scope"] == "year" else _("cumulatively"),
        ]
        if report.closing:
            line.append((row["submitted"] or {}).get("actual"))
        body.append(line)
    write_table(sheet, header, body)


def _yes_no(value: bool | None) -> str | None:
    """A yes/no cell in the reader's language (the CSV keeps "yes"/"no" for scripts)."""
    if value is None:
        return None
    return _("yes") if value else _("no")


def _by_org_sheet(sheet, rows: list[dict]) -> None:
    body = [
        [
            row["code"],
            slug,
            localized(org, "name", str(get_locale())),
            org["actual"],
            org["planned"],
        ]
        for row in rows
        for slug, org in row["by_org"].items()
    ]
    write_table(sheet, [_("Code"), _("Organisation"), _("Name"), _("Actual"), _("Planned")], body)


def _evidence_sheet(sheet, evidence: dict[str, Evidence]) -> None:
    locale = str(get_locale())
    body = []
    for code, events in evidence.items():
        if events.withheld:
            body.append([code, None, None, _not_listed(events.withheld)])
        for event in events:
            body.append(
                [
                    code,
                    event.local_start.strftime("%Y-%m-%d %H:%M"),
                    event.id,
                    event.title,
                    event.organisation_display(locale),
                    event_type_label(event.event_type),
                    event.attendance,
                    ", ".join(name for name, _language in event.participants_display(locale)),
                    len(event.participants),
                ]
            )
    header = [
        _("Code"),
        _("Date"),
        _("Event"),
        _("Title"),
        _("Organisation"),
        _("Type"),
        _("Attendance"),
        _("Participating KOVs"),
        _("Participations"),
    ]
    write_table(sheet, header, body)


def _not_listed(count: int) -> str:
    return ngettext(
        "%(num)d internal meeting counted, not listed",
        "%(num)d internal meetings counted, not listed",
        count,
    )


def _manual_sheet(sheet, rows: list[dict]) -> None:
    body = []
    for row in rows:
        manual = row.get("manual")
        if manual:
            body.append(
                [
                    row["code"],
                    manual["value"],
                    manual["as_of"],
                    manual["author"],
                    manual["evidence"],
                    manual["recorded_at"],
                ]
            )
    header = [_("Code"), _("Value"), _("As of"), _("Author"), _("Evidence"), _("Recorded")]
    write_table(sheet, header, body)
