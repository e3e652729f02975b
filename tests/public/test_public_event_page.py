"""The public event page (the address the open API's ``url`` gives): time, place with a map
link, online link, working languages, texts in the visitor's language with their ``lang``,
the organiser's contact only when agreed, the series' other dates, calendar links, feeds;
ready posts for coordinators; schema.org data for search engines."""

from __future__ import annotations

import json
import re
from zoneinfo import ZoneInfo

from babel.dates import format_date

from tests.public.conftest import events_of
from tests.support.people import fresh, signed_in


def _get(client, url: str) -> str:
    fresh()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _json_ld(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_the_page_shows_when_where_languages_organiser_and_calendar_links(world, client):
    event = events_of(world["club"])[0]
    page = _get(client, f"/events/{event.id}?lang=en")
    assert "<h1>Conversation club in English</h1>" in page
    assert re.search(
        r'<time datetime="[^"]+T17:30:00\+0[23]:00">\w+day \d+ \w+ \d{4}, 17:30–19:00', page
    )
    assert "Tartu Rahvusvaheline Maja, Lai 1, Tartu" in page
    assert (
        'href="https://www.openstreetmap.org/search?query=Tartu+Rahvusvaheline+Maja%2C+Lai+1%2C+Tartu"'
        in page
    )
    assert '<span class="badge-lang" data-lang="en">English</span>' in page
    assert '<a href="mailto:klubi@tartu.ee" class="contact">' in page, "the organiser agreed"
    assert "A conversation club for everyone who wants to practise." in page
    assert f'href="/events/{event.id}.ics?lang=en"' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in page
    assert "webcal://127.0.0.1:5000/feeds/org/tartu.ics?lang=en" in page
    others = page.split('id="others-heading"')[1]
    later = [e.id for e in events_of(world["club"])[1:]]
    assert [int(i) for i in re.findall(r'href="/events/(\d+)"', others)] == later


def test_texts_fall_back_to_english_then_estonian_each_marked_with_its_language(world, client):
    club = events_of(world["club"])[0]
    russian = _get(client, f"/events/{club.id}?lang=ru")
    assert "<h1>Клуб общения на английском</h1>" in russian, "the Russian title exists"
    assert '<p lang="en">A conversation club for everyone' in russian, "no Russian description"
    estonian = _get(client, f"/events/{club.id}?lang=et")
    assert "<p>Vestlusklubi kõigile" in estonian
    baby = events_of(world["baby"])[0]
    english = _get(client, f"/events/{baby.id}?lang=en")
    assert '<h1 lang="et">Beebiklubi</h1>' in english, "only an Estonian title"
    assert '<a href="/city/parnu">Pärnu city</a>' in english


def test_the_organisers_contact_is_shown_only_when_they_agreed(world, client):
    counselling = events_of(world["counselling"])[0]
    page = _get(client, f"/events/{counselling.id}?lang=en")
    assert "noustamine@tartu.ee" not in page and "mailto:" not in page


def test_an_online_event_links_its_meeting_and_internal_events_have_no_public_page(world, client):
    webinar = events_of(world["webinar"])[0]
    page = _get(client, f"/events/{webinar.id}?lang=en")
    assert 'href="https://meet.example.org/webinar" class="online-link"' in page
    internal = events_of(world["internal"])[0]
    fresh()
    assert client.get(f"/events/{internal.id}").status_code == 404
    signed_in(client, "viewer@elvl.ee")
    assert client.get(f"/events/{internal.id}").status_code == 200, "the workspace page"
    fresh()
    assert client.get(f"/events/{internal.id}?public=1").status_code == 404


def test_one_canonical_address_and_an_alternate_per_language(world, client):
    event = events_of(world["club"])[0]
    page = _get(client, f"/events/{event.id}?lang=ru")
    base = f"http://127.0.0.1:5000/events/{event.id}"
    assert page.count('rel="canonical"') == 1
    assert f'<link rel="canonical" href="{base}?lang=ru">' in page
    for code in ("et", "en", "ru"):
        assert f'<link rel="alternate" hreflang="{code}" href="{base}?lang={code}">' in page
    assert f'<link rel="alternate" hreflang="x-default" href="{base}">' in page


def test_a_page_asked_for_without_a_language_is_its_own_canonical_x_default(world, client):
    event = events_of(world["club"])[0]
    fresh()
    page = client.get(f"/events/{event.id}", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    assert '<html lang="ru">' in page
    base = f"http://127.0.0.1:5000/events/{event.id}"
    assert f'<link rel="canonical" href="{base}">' in page
    assert f'<link rel="alternate" hreflang="x-default" href="{base}">' in page


def test_json_ld_describes_a_planned_a_cancelled_and_a_moved_event(world, client):
    planned, cancelled, moved = events_of(world["club"])[:3]
    data = _json_ld(_get(client, f"/events/{planned.id}?lang=en"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Conversation club in English"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT17:30:00\+0[23]:00", data["startDate"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT19:00:00\+0[23]:00", data["endDate"])
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Tartu Rahvusvaheline Maja, Lai 1, Tartu",
        "address": "Tartu Rahvusvaheline Maja, Lai 1, Tartu",
    }
    assert data["inLanguage"] == ["en"]
    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Tartu city",
        "url": "http://127.0.0.1:5000/city/tartu",
    }
    assert data["description"] == "A conversation club for everyone who wants to practise."
    assert data["url"] == f"http://127.0.0.1:5000/events/{planned.id}"
    assert "previousStartDate" not in data

    data = _json_ld(_get(client, f"/events/{cancelled.id}?lang=en"))
    assert data["eventStatus"] == "https://schema.org/EventCancelled"

    data = _json_ld(_get(client, f"/events/{moved.id}?lang=en"))
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["startDate"].split("T")[1].startswith("18:30:00")
    assert data["previousStartDate"].split("T")[1].startswith("17:30:00")
    assert data["previousStartDate"][:10] == data["startDate"][:10]

    webinar = events_of(world["webinar"])[0]
    data = _json_ld(_get(client, f"/events/{webinar.id}?lang=en"))
    assert data["location"] == {
        "@type": "VirtualLocation",
        "url": "https://meet.example.org/webinar",
    }
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"


def test_the_json_ld_cannot_close_its_script_element(world, client):
    event = events_of(world["club"])[0]
    event.series.title_en = "</script><script>alert(1)</script>"
    from scheduler.extensions import db

    db.session.commit()
    page = _get(client, f"/events/{event.id}?lang=en")
    assert "<script>alert(1)" not in page
    assert _json_ld(page)["name"] == "</script><script>alert(1)</script>"


def test_coordinators_get_posts_to_share_in_every_language(world, client):
    event = events_of(world["club"])[0]
    assert "share-heading" not in _get(client, f"/events/{event.id}?lang=en")
    signed_in(client, "viewer@elvl.ee")
    assert "share-heading" not in _get(client, f"/events/{event.id}?lang=en")
    signed_in(client, "coord@tartu.ee")
    for url in (f"/events/{event.id}?lang=en", f"/events/{event.id}?public=1&lang=en"):
        page = _get(client, url)
        posts = dict(
            re.findall(r'<textarea id="share-(\w\w)" lang="\1"[^>]*>([^<]*)</textarea>', page)
        )
        assert set(posts) == {"et", "en", "ru", "uk"}, url
        link = f"http://127.0.0.1:5000/events/{event.id}"
        day = event.start.astimezone(ZoneInfo("Europe/Tallinn")).date()
        for code, title in (
            ("et", "Suhtlusklubi inglise keeles"),
            ("en", "Conversation club in English"),
            ("ru", "Клуб общения на английском"),
        ):
            lines = posts[code].strip().split("\n")
            assert lines[0] == title, code
            assert "17:30–19:00" in lines[1], code
            assert format_date(day, "EEEE d MMMM y", locale=code) in lines[1], code
            assert lines[2] == "Tartu Rahvusvaheline Maja, Lai 1, Tartu"
            assert lines[3] == link
        assert 'data-copy="share-en" hidden' in page, "the copy button needs JavaScript"


def test_a_text_shown_in_another_language_says_so_in_the_visitors_language(world, client):
    """The club's description exists in Estonian and English: a Russian or Ukrainian reader
    gets the English one, marked as English, and told so in their own language."""
    event = events_of(world["club"])[0]
    russian = _get(client, f"/events/{event.id}?lang=ru")
    assert '<p lang="en">A conversation club for everyone who wants to practise.</p>' in russian
    assert "Это описание доступно на языке: английский." in russian
    assert "Это название" not in russian, "the title is there in Russian"
    fresh()
    ukrainian = _get(client, f"/events/{event.id}?lang=uk")
    assert '<h1 lang="en">' in ukrainian
    assert "Ця назва доступна мовою: англійська." in ukrainian
    assert "Цей опис доступний мовою: англійська." in ukrainian
    fresh()
    english = _get(client, f"/events/{event.id}?lang=en")
    assert "fallback-note" not in english, "nothing fell back"
