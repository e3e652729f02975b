"""Languages are one list: a further language is one entry in the LANGUAGES setting (and its
catalogue), with no change to the schema or the code. Ukrainian is one of them already.

The further language here is Finnish, which the site does not speak: configured in the app's
settings alone, a title given in it reaches the event page, the iCal feed and the open API.
"""

from __future__ import annotations

import icalendar
import pytest

from scheduler.core.localized import LANGUAGES, content_languages
from scheduler.events.models import Event
from tests.support.upcoming import weekly_club

FINNISH_TITLE = "Keskustelukerho"


@pytest.fixture
def app_settings():
    return {"LANGUAGES": (*LANGUAGES, "fi")}


@pytest.fixture
def club(app):
    return weekly_club(
        "tartu-club",
        "tartu",
        "Tartu linn",
        title="Vestlusklubi",
        title_en="Conversation club",
        title_fi=FINNISH_TITLE,
    )


def _first_event(series) -> Event:
    return min(series.events, key=lambda event: event.start)


def test_a_language_in_the_setting_is_a_content_language(app, club):
    assert content_languages()[-1] == "fi"
    assert club.translations == {"title": {"en": "Conversation club", "fi": FINNISH_TITLE}}


def test_a_title_in_a_further_language_is_on_the_page_in_the_feed_and_in_the_api(app, club):
    client = app.test_client()
    event = _first_event(club)
    page = client.get(f"/events/{event.id}?lang=fi").get_data(as_text=True)
    assert FINNISH_TITLE in page and '<html lang="fi"' in page

    feed = client.get("/feeds/org/tartu.ics?lang=fi")
    assert feed.status_code == 200
    summaries = {str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")}
    assert summaries == {FINNISH_TITLE}

    answer = client.get("/api/events?org=tartu&hl=fi").get_json()
    assert {item["title"] for item in answer["items"]} == {FINNISH_TITLE}
    assert answer["items"][0]["titles"]["fi"] == FINNISH_TITLE
    document = client.get("/api/openapi.json").get_json()
    hl = next(p for p in document["paths"]["/api/events"]["get"]["parameters"] if p["name"] == "hl")
    assert "fi" in hl["schema"]["enum"]


def test_the_series_editor_asks_for_the_further_language_too(app, club):
    from scheduler.accounts.models import Role
    from tests.support.people import signed_in_as

    client = app.test_client()
    signed_in_as(client, Role.ADMIN)
    page = client.get(f"/series/{club.id}/edit?lang=en").get_data(as_text=True)
    assert 'name="title_fi"' in page and 'name="description_fi"' in page
    assert f'value="{FINNISH_TITLE}"' in page


def test_a_further_language_can_be_given_in_a_plan_file_and_an_unknown_one_is_refused(app):
    from scheduler.plans.schema import SeriesEntry

    entry = {
        "key": "k",
        "activity": "1",
        "type": "club",
        "title": "Klubi",
        "title_fi": "Kerho",
        "start": "2024-01-02T18:00:00",
    }
    assert SeriesEntry.model_validate(entry).translations == {"title": {"fi": "Kerho"}}
    with pytest.raises(ValueError, match="title_xx: xx is not one of the site's languages"):
        SeriesEntry.model_validate({**entry, "title_xx": "?"})


@pytest.fixture
def ukrainian_club(app):
    return weekly_club(
        "rakvere-club", "rakvere", "Rakvere linn", title="Vestlusklubi", title_uk="Розмовний клуб"
    )


@pytest.mark.parametrize("app_settings", [{}])  # the default list: Ukrainian is in it
def test_ukrainian_is_everywhere_the_other_languages_are(app, ukrainian_club):
    client = app.test_client()
    event = _first_event(ukrainian_club)
    page = client.get(f"/events/{event.id}?lang=uk").get_data(as_text=True)
    assert '<html lang="uk"' in page and "Розмовний клуб" in page
    assert 'hreflang="uk"' in page
    assert '"inLanguage"' not in page or '"uk"' in page
    assert "lang=uk" in client.get("/sitemap.xml").get_data(as_text=True)
    ics = client.get(f"/events/{event.id}.ics?lang=uk")
    assert "SUMMARY:Розмовний клуб" in ics.get_data(as_text=True)
    feed = client.get("/feeds/org/rakvere.ics?lang=uk").get_data(as_text=True)
    assert "SUMMARY:Розмовний клуб" in feed
    items = client.get("/api/events?org=rakvere&hl=uk").get_json()["items"]
    assert items[0]["title"] == "Розмовний клуб"
    widget = client.get("/embed/events?org=rakvere&lang=uk").get_data(as_text=True)
    assert "Розмовний клуб" in widget and '<html lang="uk">' in widget
    missing = client.get("/no-such-page?lang=uk")
    assert missing.status_code == 404 and "Сторінку не знайдено" in missing.get_data(as_text=True)
    news = client.get("/feeds/events.rss?org=rakvere&lang=uk").get_data(as_text=True)
    assert "Розмовний клуб" in news
