"""Calendar files and feeds speak the reader's language, and so do links from the widget.

A newcomer reading a Russian page who downloads the event's .ics or subscribes to the city's
feed gets Russian titles in their calendar; a widget in Russian opens Russian event pages."""

from __future__ import annotations

import html
import re

import icalendar
import pytest

from tests.public.conftest import events_of

TITLES = {
    "et": "Suhtlusklubi inglise keeles",
    "en": "Conversation club in English",
    "ru": "Клуб общения на английском",
}


def _summaries(body: bytes) -> set[str]:
    return {str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _href(page: str, pattern: str) -> str:
    found = re.search(rf'href="({pattern}[^"]*)"', page)
    assert found, f"no link matching {pattern}"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("language", ["et", "en", "ru"])
def test_the_event_pages_calendar_file_is_in_the_pages_language(client, world, language):
    event = events_of(world["club"])[0]
    page = client.get(f"/events/{event.id}?lang={language}").get_data(as_text=True)
    ics = client.get(_href(page, r"/events/\d+\.ics"))
    assert ics.status_code == 200
    assert _summaries(ics.data) == {TITLES[language]}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_city_feed_offered_on_a_page_is_in_the_pages_language(client, world, language):
    page = client.get(f"/city/tartu?lang={language}").get_data(as_text=True)
    link = _href(page, r"https?://[^\"]*/feeds/org/tartu\.ics")
    path = link.split("://", 1)[1].split("/", 1)[1]
    feed = client.get("/" + path)
    assert feed.status_code == 200
    assert TITLES[language] in _summaries(feed.data)


def test_a_feed_takes_lang_and_refuses_an_unknown_one(client, world):
    russian = client.get("/feeds/org/tartu.ics?lang=ru")
    assert TITLES["ru"] in _summaries(russian.data)
    assert TITLES["et"] in _summaries(client.get("/feeds/org/tartu.ics").data)
    refused = client.get("/feeds/org/tartu.ics?lang=xx")
    assert refused.status_code == 400
    assert b"lang" in refused.data and b"et, en, ru" in refused.data


def test_a_calendar_file_refuses_an_unknown_lang(client, world):
    event = events_of(world["club"])[0]
    assert client.get(f"/events/{event.id}.ics?lang=xx").status_code == 400


def test_the_widgets_frame_links_open_event_pages_in_its_language(client, world):
    page = client.get("/embed/events?org=tartu&lang=ru").get_data(as_text=True)
    links = re.findall(r'href="([^"]*/events/\d+[^"]*)"', page)
    assert links
    assert all("lang=ru" in html.unescape(link) for link in links)
