"""The report page, its drill-down, the JSON API and the downloads, over HTTP."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from scheduler.extensions import db


def _setup(build):
    build.indicator(
        "info_days", {"kind": "held_events", "types": ["info_day"]}, targets={2024: 3}, final=12
    )
    rule = {"kind": "kov_participations", "types": ["training"]}
    build.indicator("participations", rule, targets={2024: 20}, final=45, table="8")
    build.indicator("coordinators", {"kind": "manual"}, targets={2024: 5}, final=7, table="2")
    build.event("2023-09-01 10:00", "info_day", status="held")
    held = build.event("2024-02-01 10:00", "info_day", status="held", attendance=31)
    build.event("2024-10-01 10:00", "info_day")
    build.event("2024-03-01 10:00", "training", status="held", kovs=("tartu", "narva"))
    db.session.commit()
    return held


def test_api_lists_every_indicator_with_the_agreed_fields(build, client):
    _setup(build)

    response = client.get("/api/indicators?year=2024")

    assert response.status_code == 200
    rows = {row["code"]: row for row in response.get_json()}
    required = {"code", "name", "unit", "table", "target_year", "target_2029", "actual"}
    required |= {"planned", "cumulative", "by_org", "projected", "progress", "on_track"}
    assert all(required <= set(row) for row in rows.values())
    assert [rows["info_days"][k] for k in ("actual", "planned", "cumulative")] == [1, 1, 2]
    assert rows["participations"]["by_org"]["narva"]["actual"] == 1
    assert list(rows) == ["coordinators", "info_days", "participations"]  # the plan's table order


def test_api_refuses_a_year_that_is_not_a_year(build, client):
    assert client.get("/api/indicators?year=next").status_code == 400
    assert client.get("/api/indicators?year=2019").status_code == 400


def test_page_shows_the_figures_with_progress_bars_and_a_chart_per_indicator(build, client):
    _setup(build)

    page = client.get("/indicators/?year=2024").get_data(as_text=True)

    assert 'id="row-info_days"' in page
    row = page.split('id="row-info_days"')[1].split("</tr>")[0]
    # the cells carry a data-label for phones: match the figure whatever follows the class
    assert re.search(r'<td class="n actual"[^>]*>1<', row)
    assert re.search(r'<td class="n planned"[^>]*>1<', row)
    assert 'class="bar"' in row
    assert page.count('<svg class="chart"') == 3
    assert "/indicators/report.xlsx?year=2024" in page


def test_drill_down_lists_the_counted_events_as_evidence(build, client):
    held = _setup(build)

    page = client.get("/indicators/info_days?year=2024").get_data(as_text=True)
    with_planned = client.get("/indicators/info_days?year=2024&planned=1").get_data(as_text=True)
    events = client.get("/api/indicators/info_days/events?year=2024").get_json()

    assert f'data-event-id="{held.id}"' in page
    assert "2024-02-01 10:00" in page and ">31<" in page
    assert page.count("data-event-id=") == 1
    assert with_planned.count("data-event-id=") == 2
    assert [e["id"] for e in events] == [held.id]
    assert events[0]["local_start"].startswith("2024-02-01T10:00")
    assert client.get("/indicators/nope?year=2024").status_code == 404


def test_csv_and_xlsx_downloads_carry_the_numbers_of_the_page(build, client):
    _setup(build)
    api = {row["code"]: row for row in client.get("/api/indicators?year=2024").get_json()}

    csv_response = client.get("/indicators/report.csv?year=2024")
    xlsx_response = client.get("/indicators/report.xlsx?year=2024&lang=en")

    assert csv_response.headers["Content-Disposition"].endswith('"indicators-2024.csv"')
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(csv_response.get_data(as_text=True)))}
    book = load_workbook(io.BytesIO(xlsx_response.data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    table = {r[1]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    for code, row in api.items():
        for key in ("target_year", "target_2029", "actual", "planned", "cumulative"):
            assert rows[code][key] == ("" if row[key] is None else str(row[key])), (code, key)
        assert table[code]["Actual 2024"] == row["actual"]
        assert table[code]["Target 2024"] == row["target_year"]
        assert table[code]["Target 2029"] == row["target_2029"]
    evidence = book["Counted events"]
    assert {r[0] for r in evidence.iter_rows(2, values_only=True)} == {
        "info_days",
        "participations",
    }


def test_internal_meetings_count_for_everyone_but_only_those_who_may_see_them_are_listed(
    build, client
):
    from scheduler.accounts.models import Role, User

    build.indicator("networks", {"kind": "held_events", "types": ["network_meeting"]})
    event = build.event("2024-02-01 10:00", "network_meeting", status="held")
    event.series.is_public = False
    event.series.title = "Budget talks of the agencies"
    viewer = User(email="agency@rtk.ee", role=Role.VIEWER)
    viewer.set_password("secret-pass")
    db.session.add(viewer)
    db.session.commit()

    anonymous = client.get("/api/indicators/networks/events?year=2024&lang=en").get_json()
    assert anonymous == []
    page = client.get("/indicators/networks?year=2024&lang=en").get_data(as_text=True)
    assert "Budget talks" not in page and "1 internal meeting counted, not listed" in page

    client.post("/account/login", data={"email": "agency@rtk.ee", "password": "secret-pass"})
    signed_in = client.get("/api/indicators/networks/events?year=2024").get_json()
    assert [e["title"] for e in signed_in] == ["Budget talks of the agencies"]


def test_planned_evidence_lists_no_internal_meeting_of_another_organisation(build, client):
    from scheduler.accounts.models import Role, User

    build.indicator("local_networks", {"kind": "held_events", "types": ["network_meeting"]})
    tartu = build.event("2027-03-02 09:15", "network_meeting", org="tartu")
    tallinn = build.event("2027-03-04 09:45", "network_meeting", org="tallinn")
    for event in (tartu, tallinn):
        event.series.is_public = False
    user = User(email="coord@tallinn.ee", role=Role.COORDINATOR, organisation=build.org("tallinn"))
    user.set_password("secret-pass")
    db.session.add(user)
    db.session.commit()
    url = "/api/indicators/local_networks/events?year=2027&planned=1"

    anonymous = client.get(url)
    client.post("/account/login", data={"email": "coord@tallinn.ee", "password": "secret-pass"})
    coordinator = client.get(url).get_json()

    assert anonymous.get_json() == [] and b"09:15" not in anonymous.data
    assert [e["id"] for e in coordinator] == [tallinn.id]
