"""Pages show organisation, activity and indicator names in the visitor's language."""

from __future__ import annotations

import re

import pytest
from flask_babel import refresh
from sqlalchemy import select

from scheduler.accounts.models import Role, User
from scheduler.events.models import Event, Series
from scheduler.extensions import db


@pytest.fixture
def loaded(app, runner):
    result = runner.invoke(args=["plan", "load"])
    assert result.exit_code == 0, result.output


def test_russian_pages_show_russian_organisation_names(loaded, client):
    page = client.get("/?year=2024&lang=ru").get_data(as_text=True)
    assert "город Тарту" in page and "Союз городов и волостей Эстонии" in page
    assert "Tartu city" not in page
    refresh()  # the tests' app context outlives a request: forget its cached locale
    english = client.get("/?year=2024&lang=en").get_data(as_text=True)
    assert "Tartu city" in english and "город Тарту" not in english


def test_russian_event_page_names_organisation_and_activity_in_russian(loaded, client):
    event = db.session.scalars(
        select(Event).join(Series).where(Series.key == "2024-tartu-club-et")
    ).first()
    page = client.get(f"/events/{event.id}?lang=ru").get_data(as_text=True)
    assert "город Тарту" in page
    assert "Вовлечение целевых групп (клубы общения)" in page
    assert "Клуб общения (на эстонском языке)" in page


def test_a_fallback_name_carries_its_language(loaded, client):
    # This series has no Russian title yet in a hand-edited plan: the English one is marked.
    series = db.session.scalar(select(Series).where(Series.key == "2024-tartu-club-et"))
    series.title_ru = None
    db.session.commit()
    page = client.get("/?year=2024&lang=ru").get_data(as_text=True)
    assert re.search(
        r'<a href="/events/\d+" lang="en">Social-interaction club \(in Estonian\)', page
    )


def test_indicator_names_are_in_russian(loaded, client):
    page = client.get("/indicators/?year=2024&lang=ru").get_data(as_text=True)
    assert "Число организованных информационных дней" in page


@pytest.fixture
def admin_client(client):
    user = User(email="admin@elvl.ee", role=Role.ADMIN)
    user.set_password("secret-pass")
    db.session.add(user)
    db.session.commit()
    response = client.post(
        "/account/login", data={"email": "admin@elvl.ee", "password": "secret-pass"}
    )
    assert response.status_code == 302
    return client


def test_local_governments_keep_official_names_in_estonian_order(loaded, admin_client):
    event = db.session.scalars(select(Event)).first()
    page = admin_client.get(f"/events/{event.id}?lang=ru").get_data(as_text=True)
    picker = page[page.index('id="kovs"') :]
    picker = picker[: picker.index("</select>")]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', picker, re.S)
    names = {
        county: re.findall(r"<option[^>]*>([^<]+)</option>", options) for county, options in groups
    }
    assert sum(len(kovs) for kovs in names.values()) == 79
    assert 'lang="et"' in picker  # official Estonian names on a Russian page
    pärnumaa = next(kovs for kovs in names.values() if "Pärnu linn" in kovs)
    # Estonian order puts õ before ä (both after w); code-point order would not.
    assert pärnumaa.index("Põhja-Pärnumaa vald") < pärnumaa.index("Pärnu linn")
    assert pärnumaa.index("Pärnu linn") < pärnumaa.index("Saarde vald")


def test_the_indicators_workbook_names_indicators_in_the_readers_language(loaded, client):
    import io

    from openpyxl import load_workbook

    response = client.get("/indicators/report.xlsx?year=2024&lang=ru")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "Число организованных информационных дней" in values
    assert "число" in values  # the unit "count"
