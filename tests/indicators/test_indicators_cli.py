"""``flask indicators …`` and the outcome commands, as an operator would run them."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from scheduler.extensions import db


def _setup_counted(build):
    build.indicator("info_days", {"kind": "held_events", "types": ["info_day"]}, targets={2024: 3})
    build.indicator("coordinators", {"kind": "manual"}, targets={2024: 5}, final=7, table="2")
    held = build.event("2024-02-01 10:00", "info_day", status="held", attendance=30)
    planned = build.event("2024-03-01 10:00", "info_day")
    build.org("tartu", "partner")
    build.org("narva", "kov")
    db.session.commit()
    return held, planned


def _json_report(runner, year=2024):
    result = runner.invoke(args=["indicators", "report", "--year", str(year), "--format", "json"])
    assert result.exit_code == 0, result.output
    return {row["code"]: row for row in json.loads(result.output)}


def test_report_formats_carry_the_same_numbers(build, runner, tmp_path):
    _setup_counted(build)

    rows = _json_report(runner)
    table = runner.invoke(args=["indicators", "report", "--year", "2024"]).output
    csv_text = runner.invoke(args=["indicators", "report", "--year", "2024", "--format", "csv"])
    xlsx = tmp_path / "report.xlsx"
    result = runner.invoke(
        args=["indicators", "report", "--year", "2024", "--format", "xlsx", "--output", str(xlsx)]
    )

    assert result.exit_code == 0, result.output
    assert (rows["info_days"]["actual"], rows["info_days"]["planned"]) == (1, 1)
    assert "info_days" in table and "coordinators" in table
    by_code = {r["code"]: r for r in csv.DictReader(io.StringIO(csv_text.output))}
    assert by_code["info_days"]["actual"] == "1" and by_code["info_days"]["target_year"] == "3"
    sheet = load_workbook(xlsx).worksheets[0]
    header = [c.value for c in sheet[1]]
    values = {r[1]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    # The command line speaks the configured default language, Estonian.
    assert values["info_days"]["Tegelik 2024"] == 1
    assert values["coordinators"]["Sihttase 2029"] == 7


def test_recording_an_outcome_moves_the_actual_figure(build, runner):
    _held, planned = _setup_counted(build)

    result = runner.invoke(
        args=["events", "held", str(planned.id), "--attendance", "12", "--kovs", "tartu,narva"]
    )

    assert result.exit_code == 0, result.output
    assert (
        _json_report(runner)["info_days"]["actual"],
        _json_report(runner)["info_days"]["planned"],
    ) == (2, 0)
    runner.invoke(args=["events", "not-held", str(planned.id)])
    assert _json_report(runner)["info_days"]["actual"] == 1


def test_manual_values_are_set_with_evidence_and_kept_as_an_audit_trail(build, runner):
    _setup_counted(build)

    first = runner.invoke(
        args=[
            "indicators",
            "set",
            "coordinators",
            "--year",
            "2024",
            "--value",
            "4",
            "--note",
            "Contracts 1-4",
            "--author",
            "adviser@elvl.ee",
            "--as-of",
            "2024-05-01",
        ]
    )
    second = runner.invoke(
        args=[
            "indicators",
            "set",
            "coordinators",
            "--year",
            "2024",
            "--value",
            "5",
            "--note",
            "Contract 5 signed",
        ]
    )
    history = runner.invoke(args=["indicators", "history", "coordinators"])

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert _json_report(runner)["coordinators"]["actual"] == 5
    lines = history.output.strip().splitlines()
    assert len(lines) == 2
    assert (
        "adviser@elvl.ee" in lines[0] and "Contracts 1-4" in lines[0] and "2024-05-01" in lines[0]
    )
    assert " cli " in lines[1] and "Contract 5 signed" in lines[1]


def test_setting_a_value_on_an_event_counted_indicator_is_refused(build, runner):
    _setup_counted(build)

    result = runner.invoke(
        args=["indicators", "set", "info_days", "--year", "2024", "--value", "9", "--note", "x"]
    )

    assert result.exit_code != 0
    assert "counted from held events" in result.output


def test_targets_are_revised_with_history_and_reason(build, runner):
    _setup_counted(build)

    result = runner.invoke(
        args=[
            "indicators",
            "revise",
            "info_days",
            "--year",
            "2024",
            "--value",
            "2",
            "--reason",
            "Table 6 note: 2 info days",
            "--author",
            "lead@elvl.ee",
        ]
    )
    shown = runner.invoke(args=["indicators", "targets", "info_days"])

    assert result.exit_code == 0, result.output
    assert "3 -> 2" in result.output
    assert _json_report(runner)["info_days"]["target_year"] == 2
    assert "3 -> 2" in shown.output and "Table 6 note: 2 info days" in shown.output
    assert "lead@elvl.ee" in shown.output


def test_closing_a_year_freezes_its_outcomes_and_manual_values(build, runner):
    _held, planned = _setup_counted(build)

    closed = runner.invoke(args=["indicators", "close-year", "2024", "--author", "lead@elvl.ee"])
    refused = runner.invoke(args=["events", "held", str(planned.id), "--kovs", "tartu"])
    refused_set = runner.invoke(
        args=["indicators", "set", "coordinators", "--year", "2024", "--value", "5", "--note", "x"]
    )
    again = runner.invoke(args=["indicators", "close-year", "2024"])

    assert closed.exit_code == 0, closed.output
    assert refused.exit_code != 0
    assert "year 2024 is closed" in refused.output
    assert "info_days (submitted actual 1)" in refused.output
    assert refused_set.exit_code != 0 and "year 2024 is closed" in refused_set.output
    assert again.exit_code != 0 and "already closed" in again.output
    row = _json_report(runner)["info_days"]
    assert row["actual"] == 1
    assert row["submitted"]["actual"] == 1 and row["changed_since_submission"] == {}


def test_a_change_after_closing_is_shown_against_the_submitted_figures(build, runner):
    from datetime import timedelta

    from scheduler.events.service import move_occurrence

    held, _planned = _setup_counted(build)
    runner.invoke(args=["indicators", "close-year", "2024"])

    move_occurrence(held, held.start + timedelta(days=366))  # into 2025
    db.session.commit()

    row = _json_report(runner)["info_days"]
    assert row["actual"] == 0
    assert row["changed_since_submission"]["actual"] == {"submitted": 1, "now": 0}


def test_the_counted_events_are_listed_as_evidence(build, runner):
    held, planned = _setup_counted(build)

    only_held = runner.invoke(args=["indicators", "events", "info_days", "--year", "2024"])
    with_planned = runner.invoke(
        args=["indicators", "events", "info_days", "--year", "2024", "--planned"]
    )

    assert only_held.exit_code == 0, only_held.output
    assert "2024-02-01 10:00" in only_held.output and "att=30" in only_held.output
    assert "1 event(s)" in only_held.output
    assert "2 event(s)" in with_planned.output


def test_unknown_codes_and_years_before_the_programme_are_clear_errors(build, runner):
    _setup_counted(build)

    unknown = runner.invoke(args=["indicators", "events", "nope", "--year", "2024"])
    early = runner.invoke(args=["indicators", "report", "--year", "2019"])

    assert unknown.exit_code != 0 and "no indicator with code 'nope'" in unknown.output
    assert early.exit_code != 0 and "programme starts in 2023" in early.output
