"""Each event, series and indicator page shows its history — newest first, field names in
the page's language, times in local time, a page at a time — to the people who may see the
object, and to nobody else."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from scheduler.accounts.models import Role, User
from scheduler.events.service import edit_occurrence, move_occurrence
from scheduler.extensions import db
from scheduler.indicators import service as indicators
from scheduler.indicators.models import Indicator, IndicatorTarget
from tests.history.conftest import first_event
from tests.support.people import PASSWORD, fresh, signed_in


def _moved_and_noted(series):
    from datetime import UTC, datetime

    event = first_event(series)
    move_occurrence(event, datetime(2024, 1, 3, 14, 0, tzinfo=UTC))  # 16:00 in Tallinn
    db.session.commit()
    event = first_event(series)
    edit_occurrence(event, notes="Bring the new handouts")
    db.session.commit()
    return event


def _history_rows(page: str) -> list[str]:
    table = re.search(r'<table[^>]*id="history".*?</table>', page, re.S)
    return re.findall(r"<tr>\s*<td.*?</tr>", table.group(0), re.S) if table else []


@pytest.mark.parametrize(
    "lang, start_label, notes_label",
    [("en", "Start", "Notes"), ("et", "Algus", "Märkused"), ("ru", "Начало", "Заметки")],
)
def test_an_event_page_lists_its_changes_newest_first_in_the_pages_language(
    world, client, lang, start_label, notes_label
):
    event = _moved_and_noted(world["club"])
    signed_in(client, "viewer@elvl.ee")
    page = client.get(f"/events/{event.id}?lang={lang}").text
    rows = _history_rows(page)
    assert len(rows) == 2
    newest, oldest = rows
    assert notes_label in newest and "Bring the new handouts" in newest
    assert start_label in oldest
    # 18:00 → 16:00 on Wednesday: local wall-clock times, not UTC
    assert "18:00" in oldest and "16:00" in oldest and "14:00" not in oldest
    assert "system" in oldest  # made outside any request or command


def test_visitors_see_no_history_and_are_sent_to_sign_in_for_its_page(world, client):
    event = _moved_and_noted(world["club"])
    page = client.get(f"/events/{event.id}?lang=en").text
    assert 'id="history-heading"' not in page and 'id="history"' not in page
    response = client.get(f"/events/{event.id}/history")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    response = client.get(f"/series/{world['club'].id}/history")
    assert response.status_code == 302


def test_an_internal_events_history_is_only_for_those_who_may_see_the_event(world, client):
    event = _moved_and_noted(world["internal"])
    signed_in(client, "coord@tallinn.ee")
    assert client.get(f"/events/{event.id}/history").status_code == 404
    assert client.get(f"/series/{world['internal'].id}/history").status_code == 404
    signed_in(client, "coord@tartu.ee")
    response = client.get(f"/events/{event.id}/history?lang=en")
    assert response.status_code == 200 and "Bring the new handouts" in response.text
    assert client.get(f"/series/{world['internal'].id}/history").status_code == 200


def test_a_long_history_is_paged(world, client):
    event = first_event(world["club"])
    for number in range(1, 26):
        event = first_event(world["club"])
        edit_occurrence(event, notes=f"note {number}")
        db.session.commit()
    signed_in(client, "viewer@elvl.ee")
    on_event_page = client.get(f"/events/{event.id}?lang=en").text
    assert len(_history_rows(on_event_page)) == 10
    assert f'href="/events/{event.id}/history"' in on_event_page

    fresh()
    first = client.get(f"/events/{event.id}/history?lang=en").text
    rows = _history_rows(first)
    assert len(rows) == 20 and "note 25" in rows[0] and "note 6" in rows[-1]
    assert "Page 1 of 2" in first and 'rel="next"' in first
    fresh()
    second = _history_rows(client.get(f"/events/{event.id}/history?page=2&lang=en").text)
    assert len(second) == 5 and "note 5" in second[0] and "note 1" in second[-1]


def test_the_series_history_shows_changes_to_the_series(world, client):
    series = world["club"]
    series.title, series.location = "Estonian club", "Tartu library"
    db.session.commit()
    signed_in(client, "viewer@elvl.ee")
    event = first_event(series)
    assert f'href="/series/{series.id}/history"' in client.get(f"/events/{event.id}").text
    fresh()
    page = client.get(f"/series/{series.id}/history?lang=en").text
    newest = _history_rows(page)[0]
    assert "Series club" in newest and "Estonian club" in newest and "Tartu library" in newest
    assert "Occurrences planned" in page  # the occurrences the expansion created


def test_the_series_history_says_the_rule_and_the_working_languages_in_words(world, client):
    series = world["club"]
    series.rule = "FREQ=WEEKLY;BYDAY=TH;COUNT=3"
    series.languages = ["et", "ru"]
    db.session.commit()
    signed_in(client, "viewer@elvl.ee")
    fresh()
    newest = _history_rows(client.get(f"/series/{series.id}/history?lang=ru").text)[0]

    assert "каждый вторник" in newest and "каждый четверг" in newest
    assert "эстонский, русский" in newest
    assert "FREQ=" not in newest and "et, ru" not in newest


def test_the_indicator_page_shows_target_revisions_and_values_to_signed_in_people(app, client):
    indicator = Indicator(
        code="coordinators", table="2", name="Koordinaatorid", unit="count", rule={"kind": "manual"}
    )
    indicator.targets.append(IndicatorTarget(year=2024, kind="year", value=Decimal(5)))
    viewer = User(email="viewer@elvl.ee", role=Role.VIEWER)
    viewer.set_password(PASSWORD)
    db.session.add_all([indicator, viewer])
    db.session.commit()
    indicators.revise_target("coordinators", 2024, "7", reason="two more", author="x@elvl.ee")
    db.session.commit()

    fresh()
    assert 'id="history"' not in client.get("/indicators/coordinators?year=2024").text
    signed_in(client, "viewer@elvl.ee")
    page = client.get("/indicators/coordinators?year=2024&lang=en").text
    newest = _history_rows(page)[0]
    assert "Target 2024" in newest and "5" in newest and "7" in newest
    fresh()
    assert client.get("/indicators/coordinators/history?lang=et").status_code == 200
    assert client.get("/indicators/nothing/history").status_code == 404
