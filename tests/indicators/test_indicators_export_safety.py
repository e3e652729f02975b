"""Every export of the report hides internal meetings from those who may not see them (they
are a number there, not a row) and never hands a spreadsheet program a formula (CSV, XLSX,
JSON, HTML, the command line)."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from scheduler.accounts.models import Role
from scheduler.extensions import db
from tests.factories import make_org
from tests.support.people import signed_in_as

SECRET = "Budget talks of the agencies XQ-7731"
FORMULAS = ('=HYPERLINK("http://evil.example/","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)")
INDICATOR_NAME = '=HYPERLINK("http://evil.example/","name")'
PASSWORD = "a long enough secret"


def _setup(build):
    """A held internal meeting with a distinctive title, public events with formula titles."""
    build.indicator("networks", {"kind": "held_events", "types": ["network_meeting"]})
    indicator = build.indicator("trainings", {"kind": "held_events", "types": ["training"]})
    indicator.name, indicator.unit = INDICATOR_NAME, "@SUM(1)"
    indicator.name_en = INDICATOR_NAME  # the workbook names it in the reader's language
    internal = build.event("2024-02-01 10:00", "network_meeting", org="tartu", status="held")
    internal.series.is_public = False
    internal.series.title = SECRET
    for day, title in enumerate(FORMULAS, start=1):
        event = build.event(f"2024-03-0{day} 10:00", "training", status="held", attendance=7)
        event.title = title
    db.session.commit()
    return internal


def _xlsx_cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _evidence_titles(data: bytes) -> dict[int, object]:
    sheet = load_workbook(io.BytesIO(data))["Counted events"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)]
    return {row["Event"]: row["Title"] for row in rows}


def _every_download(client) -> dict[str, str]:
    """Every page and download that shows the 2024 figures or their evidence, as text."""
    urls = [
        "/indicators/report.csv?year=2024",
        "/indicators/report.json?year=2024",
        "/api/indicators?year=2024",
        "/api/indicators/networks/events?year=2024&planned=1",
        "/indicators/?year=2024",
        "/indicators/networks?year=2024",
        "/indicators/networks?year=2024&planned=1",
    ]
    bodies = {}
    for url in urls:
        response = client.get(url + "&lang=en")
        assert response.status_code == 200, url
        bodies[url] = response.get_data(as_text=True)
    xlsx = client.get("/indicators/report.xlsx?year=2024&lang=en")
    assert xlsx.status_code == 200
    bodies["xlsx"] = "\n".join(str(c.value) for c in _xlsx_cells(xlsx.data))
    return bodies


def test_anonymous_downloads_and_pages_never_show_an_internal_meetings_title(build, client):
    internal = _setup(build)

    bodies = _every_download(client)

    assert [url for url, body in bodies.items() if "XQ-7731" in body] == []
    xlsx = client.get("/indicators/report.xlsx?year=2024&lang=en").data
    titles = _evidence_titles(xlsx)
    assert internal.id not in titles  # no row: no id, time or organisation either
    assert titles[None] == "1 internal meeting counted, not listed"  # it still counts
    api = client.get("/api/indicators/networks/events?year=2024&lang=en").get_json()
    assert api == []
    figures = client.get("/api/indicators?year=2024").get_json()
    assert next(row for row in figures if row["code"] == "networks")["actual"] == 1


def test_a_coordinator_of_another_organisation_gets_the_count_not_the_meeting(build, client):
    internal = _setup(build)
    signed_in_as(client, Role.COORDINATOR, make_org("tallinn"))

    bodies = _every_download(client)
    page = client.get("/indicators/networks?year=2024&lang=en").get_data(as_text=True)

    assert [url for url, body in bodies.items() if "XQ-7731" in body] == []
    assert f'data-event-id="{internal.id}"' not in page
    assert "1 internal meeting counted, not listed" in page


def test_a_signed_in_coordinator_reads_the_internal_title_in_every_evidence_format(build, client):
    internal = _setup(build)
    signed_in_as(client, Role.COORDINATOR, make_org("tartu"))

    xlsx = client.get("/indicators/report.xlsx?year=2024&lang=en").data
    api = client.get("/api/indicators/networks/events?year=2024").get_json()
    page = client.get("/indicators/networks?year=2024").get_data(as_text=True)

    assert _evidence_titles(xlsx)[internal.id] == SECRET
    assert [e["title"] for e in api] == [SECRET]
    assert SECRET in page


def test_the_command_line_is_trusted_with_full_titles(build, runner, tmp_path):
    internal = _setup(build)
    output = tmp_path / "report.xlsx"

    written = runner.invoke(
        args=["indicators", "report", "--year", "2024", "--format", "xlsx", "--output", str(output)]
    )
    listed = runner.invoke(args=["indicators", "events", "networks", "--year", "2024"])

    assert written.exit_code == 0, written.output
    book = load_workbook(output)
    sheet = book.worksheets[2]  # the evidence, in the configured language
    assert SECRET in [row[3] for row in sheet.iter_rows(2, values_only=True)]
    assert f"{internal.id}" in listed.output and SECRET in listed.output


def test_formula_like_titles_are_written_as_text_cells_in_the_xlsx(build, client):
    _setup(build)

    data = client.get("/indicators/report.xlsx?year=2024&lang=en").data

    cells = {c.value: c for c in _xlsx_cells(data) if isinstance(c.value, str)}
    for text in (*FORMULAS, INDICATOR_NAME, "@SUM(1)"):
        assert cells[text].data_type == "s", text
        assert cells[text].quotePrefix, text  # stays text when edited in a spreadsheet
    assert not [c for c in _xlsx_cells(data) if c.data_type == "f"]
    sheet = load_workbook(io.BytesIO(data))["Counted events"]
    attendance = [row[6] for row in sheet.iter_rows(2)]
    assert {c.value for c in attendance if c.value is not None} == {7}
    assert {c.data_type for c in attendance if c.value is not None} == {"n"}


def test_csv_quotes_formula_like_text_and_keeps_numbers_as_numbers(build, client, runner):
    _setup(build)

    web = client.get("/indicators/report.csv?year=2024").get_data(as_text=True)
    shell = runner.invoke(args=["indicators", "report", "--year", "2024", "--format", "csv"])

    for text in (web, shell.output):
        rows = {r["code"]: r for r in csv.DictReader(io.StringIO(text))}
        assert rows["trainings"]["name"] == "'" + INDICATOR_NAME
        assert rows["trainings"]["unit"] == "'@SUM(1)"
        assert rows["trainings"]["actual"] == "4"
        assert rows["networks"]["actual"] == "1"


def test_the_json_report_keeps_text_and_numbers_as_they_are(build, client):
    _setup(build)

    rows = json.loads(client.get("/indicators/report.json?year=2024").get_data(as_text=True))
    events = client.get("/api/indicators/trainings/events?year=2024").get_json()

    assert {r["code"]: r["name"] for r in rows}["trainings"] == INDICATOR_NAME
    assert [e["title"] for e in events] == list(FORMULAS)
    assert {e["attendance"] for e in events} == {7}


def test_control_characters_in_a_title_do_not_break_the_xlsx_or_the_terminal(build, client, runner):
    build.indicator("networks", {"kind": "held_events", "types": ["network_meeting"]})
    event = build.event("2024-02-01 10:00", "network_meeting", status="held")
    event.title = "Bell\x07 and \x1b[31mred\x1b[0m"
    db.session.commit()

    response = client.get("/indicators/report.xlsx?year=2024&lang=en")
    listed = runner.invoke(args=["indicators", "events", "networks", "--year", "2024"])

    assert response.status_code == 200
    assert _evidence_titles(response.data)[event.id] == "Bell and [31mred[0m"
    assert "\x1b" not in listed.output and "\x07" not in listed.output
    assert "Bell\\x07 and \\x1b[31mred" in listed.output
