"""The drill-down page speaks the reader's language: the indicator's name as its title,
types, statuses and targets by their labels, and local governments by their names, each
named one way per language."""

from __future__ import annotations

from scheduler.extensions import db
from scheduler.plans.loader import ensure_local_governments


def _setup(build):
    ensure_local_governments()
    indicator = build.indicator(
        "local_networks", {"kind": "kov_participations", "types": ["network_meeting"]}, final=5
    )
    indicator.name_ru = "Местные сети сотрудничества"
    build.event(
        "2024-03-01 10:00", "network_meeting", status="held", kovs=("elva", "tartu"), attendance=9
    )
    db.session.commit()


def _counted_row(page: str) -> str:
    return page.split('id="counted-events"')[1].split("</table>")[0]


def test_the_russian_drill_down_shows_names_and_labels_not_codes(build, client):
    _setup(build)

    page = client.get("/indicators/local_networks?year=2024&lang=ru").get_data(as_text=True)
    row = _counted_row(page)

    assert "<title>Местные сети сотрудничества 2024" in page
    assert "Местные сети сотрудничества: накопительный показатель по годам" in page  # the chart
    assert "local_networks:" not in page
    assert "Встреча сети" in row and "Состоялось" in row
    assert "волость Элва" in row and "город Тарту" in row
    assert ">network_meeting<" not in row and ">held<" not in row
    assert "Elva parish" not in row and ">elva" not in row


def test_the_estonian_drill_down_names_local_governments_officially(build, client):
    _setup(build)

    page = client.get("/indicators/local_networks?year=2024&lang=et").get_data(as_text=True)
    row = _counted_row(page)

    assert "Elva vald" in row and "Tartu linn" in row
    assert "Võrgustikukohtumine" in row and "Toimus" in row


def test_every_local_government_has_a_name_in_each_language(app):
    from scheduler.organisations.registry import estonian_local_governments

    kovs = estonian_local_governments()
    elva = next(kov for kov in kovs if kov.slug == "elva")
    assert (elva.name_et, elva.name_en, elva.name_ru) == (
        "Elva vald",
        "Elva parish",
        "волость Элва",
    )
    assert all(kov.name_ru.split(" ", 1)[0] in ("город", "волость") for kov in kovs)
    assert all(not any("a" <= c <= "z" for c in kov.name_ru.lower()) for kov in kovs)


def _workbook_values(client, language: str) -> list:
    import io

    from openpyxl import load_workbook

    response = client.get(f"/indicators/report.xlsx?year=2024&lang={language}")
    book = load_workbook(io.BytesIO(response.data))
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_the_estonian_workbook_says_jah_and_names_types_and_local_governments(build, client):
    _setup(build)
    build.indicator("info_days", {"kind": "held_events", "types": ["info_day"]}, targets={2024: 0})
    db.session.commit()

    values = _workbook_values(client, "et")

    assert "jah" in values and "yes" not in values and "no" not in values
    assert "Võrgustikukohtumine" in values and "network_meeting" not in values
    assert "Elva vald, Tartu linn" in values
