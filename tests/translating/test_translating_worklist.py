"""The translations worklist: a coordinator sees what their organisation's public texts of
coming events lack in each language, soonest first, and fills it in on the page; every
public surface shows what was filled in at once."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest

from scheduler.accounts.models import Role
from scheduler.core.time import utcnow, zone
from scheduler.events.models import Series
from scheduler.extensions import db
from scheduler.translating.worklist import worklist
from tests.factories import expand, make_series
from tests.support.people import fresh, signed_in_as


def _page(client) -> str:
    answer = client.get("/translations?lang=en")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def _rows(page: str) -> list[str]:
    return re.findall(r'<article class="translation-row card" id="([^"]+)"', page)


def _fill(client, kind: str, row_id: int, field: str, **texts):
    data = {"kind": kind, "row_id": row_id, "field": field}
    data |= {f"text_{code}": text for code, text in texts.items()}
    return client.post("/translations", data=data)


def test_a_coordinator_sees_their_own_public_texts_soonest_first_counted_per_language(
    app, upcoming
):
    client = app.test_client()
    signed_in_as(client, Role.COORDINATOR, "tartu")
    page = _page(client)
    club, info_day = upcoming["club"], upcoming["info_day"]
    rows = _rows(page)
    # the club meets tomorrow, the info day later; the organisation's name is due with the club
    assert rows.index(f"series-{club.id}-title") < rows.index(f"series-{info_day.id}-title")
    assert f"series-{upcoming['parnu_club'].id}-title" not in rows, "another organisation's"
    internal = db.session.scalar(db.select(Series).where(Series.key == "tartu-internal"))
    assert f"series-{internal.id}-title" not in rows, "internal meetings are not public"
    # the club has et/en/ru titles: only Ukrainian is asked for
    club_form = page.split(f'id="series-{club.id}-title"')[1].split("</article>")[0]
    assert 'name="text_uk"' in club_form and 'name="text_ru"' not in club_form
    assert f"series-{club.id}-description" not in rows, "no Estonian description to translate"
    # the cancelled meeting's reason is Estonian only
    assert f"event-{upcoming['cancelled'].id}-cancel_reason" in rows
    work = worklist(upcoming["club"].organisation_id, utcnow())
    assert work.counts["uk"] > work.counts["ru"] > 0
    counts = re.search(r'<ul class="translation-counts".*?</ul>', page, re.S).group(0)
    assert (
        f'data-language="ru"><strong>Russian</strong>: {work.counts["ru"]} texts missing' in counts
    )


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.VIEWER])
def test_only_coordinators_and_admins_have_the_worklist(app, upcoming, role):
    client = app.test_client()
    signed_in_as(client, role, "tartu")
    assert client.get("/translations").status_code == 403
    assert _fill(client, "series", upcoming["club"].id, "title", uk="Клуб").status_code == 403
    fresh()
    assert app.test_client().get("/translations").status_code == 302  # sign in first


def test_another_organisations_row_is_refused_and_left_as_it_was(app, upcoming):
    client = app.test_client()
    signed_in_as(client, Role.COORDINATOR, "parnu")
    club = upcoming["club"]
    answer = _fill(client, "series", club.id, "title", uk="Чужий клуб")
    assert answer.status_code == 403
    db.session.expire_all()
    assert club.title_uk is None


def _language_cafe(upcoming) -> Series:
    """A second Tartu series titled in Estonian only, meeting within a week."""
    first = min(e.start for e in upcoming["info_day"].events).astimezone(zone()).date()
    cafe = make_series(
        "tartu-cafe",
        org=upcoming["info_day"].organisation,
        rule=None,
        start=first,
        bounds=None,
        title="Keelekohvik",
        is_public=True,
    )
    expand(cafe, utcnow() + timedelta(days=60))
    db.session.commit()
    return cafe


def test_filling_two_russian_titles_shows_them_on_every_public_surface_at_once(app, upcoming):
    info_day, cafe = upcoming["info_day"], _language_cafe(upcoming)
    client = app.test_client()
    signed_in_as(client, Role.COORDINATOR, "tartu")
    page = _page(client)
    for series in (info_day, cafe):
        form = page.split(f'id="series-{series.id}-title"')[1].split("</article>")[0]
        assert 'name="text_ru"' in form, "a missing Russian title is offered"
    sequence_before = max(event.sequence for event in info_day.events)
    titles = {info_day: "День информации", cafe: "Языковое кафе"}
    for series, title in titles.items():
        saved = _fill(client, "series", series.id, "title", ru=title, uk="")
        assert saved.status_code == 302
        assert saved.location.endswith(f"#series-{series.id}-title")
    named = _fill(client, "organisation", info_day.organisation_id, "name", ru="город Тарту")
    assert named.status_code == 302
    db.session.expire_all()
    assert info_day.title_ru == "День информации" and info_day.title_uk is None
    assert cafe.title_ru == "Языковое кафе"
    assert max(event.sequence for event in info_day.events) > sequence_before

    fresh()
    visitor = app.test_client()
    for series, title in titles.items():
        event = min(series.events, key=lambda e: e.start)
        assert title in visitor.get(f"/events/{event.id}?lang=ru").get_data(as_text=True)
    feed = visitor.get("/feeds/org/tartu.ics?lang=ru")
    summaries = {str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")}
    assert set(titles.values()) <= summaries
    api = visitor.get("/api/events?org=tartu&hl=ru&limit=50").get_json()
    assert set(titles.values()) <= {item["title"] for item in api["items"]}
    widget = visitor.get("/embed/events?org=tartu&lang=ru&limit=20").get_data(as_text=True)
    assert all(title in widget for title in titles.values())
    assert "город Тарту" in visitor.get("/city/tartu?lang=ru").get_data(as_text=True)
    assert upcoming["parnu_club"].title_ru is None


def test_a_text_filled_in_leaves_the_other_languages_alone(app, upcoming):
    client = app.test_client()
    signed_in_as(client, Role.COORDINATOR, "tartu")
    club = upcoming["club"]
    _fill(client, "series", club.id, "title", uk="Розмовний клуб")
    db.session.expire_all()
    assert (club.title_en, club.title_ru, club.title_uk) == (
        "Conversation club",
        "Разговорный клуб",
        "Розмовний клуб",
    )
    assert f"series-{club.id}-title" not in _rows(_page(client)), "nothing missing any more"


def test_a_cancellation_reason_is_filled_in_too(app, upcoming):
    client = app.test_client()
    signed_in_as(client, Role.COORDINATOR, "tartu")
    cancelled = upcoming["cancelled"]
    _fill(client, "event", cancelled.id, "cancel_reason", en="The library is closed")
    db.session.expire_all()
    assert cancelled.cancel_reason_en == "The library is closed"
    fresh()
    page = app.test_client().get(f"/events/{cancelled.id}?lang=en").get_data(as_text=True)
    assert "The library is closed" in page


def _planned(series) -> int:
    return sum(1 for event in series.events if event.status.value == "planned")


def test_the_admins_indicators_page_shows_how_complete_each_language_is(app, upcoming):
    club, info_day, parnu = upcoming["club"], upcoming["info_day"], upcoming["parnu_club"]
    public = _planned(club) + _planned(info_day) + _planned(parnu)
    client = app.test_client()
    signed_in_as(client, Role.ADMIN)
    page = client.get("/indicators/?lang=en").get_data(as_text=True)
    table = re.search(r'<table class="small" id="language-completeness">.*?</table>', page, re.S)
    assert table, "the admin sees the languages' completeness"
    cells = dict(
        re.findall(r'data-language="(\w+)"><td>[^<]+</td>\s*<td class="n">([^<]+)<', table[0])
    )
    russian = round(100 * _planned(club) / public)
    assert cells == {"et": "100 % ", "en": f"{russian} % ", "ru": f"{russian} % ", "uk": "0 % "}
    fresh()
    visitor = app.test_client().get("/indicators/?lang=en").get_data(as_text=True)
    assert "language-completeness" not in visitor
