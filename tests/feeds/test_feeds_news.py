"""RSS 2.0 and Atom 1.0 news feeds of the coming public events (issue 18, point 4): valid by a
real parser, the public site's filters, one item per event in the chosen language, stable ids,
an updated time that moves with the event, and ETag/304 as the calendar feeds have."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest

from scheduler.core.time import utcnow
from scheduler.events.service import move_occurrence
from scheduler.extensions import db

FORMATS = {"rss": "rss20", "atom": "atom10"}
MIMETYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def read(client, format_: str, query: str = "", **headers):
    answer = client.get(f"/feeds/events.{format_}{query}", headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    parsed = feedparser.parse(answer.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return answer, parsed


def titles(parsed) -> list[str]:
    return [entry.title for entry in parsed.entries]


@pytest.mark.parametrize("format_", FORMATS)
def test_a_news_feed_is_well_formed_and_has_every_required_element(client, upcoming, format_):
    answer, parsed = read(client, format_, "?lang=en")
    assert answer.mimetype == MIMETYPES[format_]
    assert parsed.version == FORMATS[format_]
    assert parsed.feed.title == "Upcoming events"
    assert parsed.feed.link.startswith("http")
    assert parsed.feed.language == "en"
    if format_ == "atom":
        assert parsed.feed.id and parsed.feed.updated_parsed
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.title and entry.link.startswith("http") and entry.id.startswith("tag:")
        assert entry.updated_parsed if format_ == "atom" else entry.published_parsed
        assert "/events/" in entry.link and entry.link.endswith("lang=en")


@pytest.mark.parametrize("format_", FORMATS)
def test_one_item_per_coming_public_event_as_the_api_lists_them(client, upcoming, format_):
    _answer, parsed = read(client, format_, "?limit=200")
    api = client.get("/api/events", query_string={"limit": 200}).get_json()["items"]
    assert len(parsed.entries) == len(api) > 0
    assert [entry.link.split("?")[0] for entry in parsed.entries] == [item["url"] for item in api]
    assert "Sisekoosolek" not in titles(parsed)  # internal meetings never


def test_items_are_in_the_chosen_language_with_the_one_fallback(client, upcoming):
    _answer, russian = read(client, "rss", "?lang=ru&org=tartu")
    assert "Разговорный клуб" in titles(russian)
    assert "Infopäev" in titles(russian)  # titled in Estonian only: the same fallback as pages
    assert russian.feed.language == "ru"
    _answer, by_header = read(client, "atom", "?org=tartu", **{"Accept-Language": "ru"})
    assert titles(by_header) == titles(russian)


def test_the_public_sites_filters_choose_the_items(client, upcoming):
    assert set(titles(read(client, "rss", "?org=parnu")[1])) == {"Pärnu klubi"}
    assert set(titles(read(client, "rss", "?type=info_day")[1])) == {"Infopäev"}
    held_in_russian = read(client, "atom", "?language=ru&lang=en")[1]
    assert set(titles(held_in_russian)) == {"Conversation club"}
    assert len(read(client, "rss", "?limit=2")[1].entries) == 2


@pytest.mark.parametrize(
    "query, says",
    [
        ("?org=nowhere", "org"),
        ("?lang=xx", "lang"),
        ("?type=party", "type"),
        ("?limit=0", "limit"),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_with_its_name(client, upcoming, query, says):
    answer = client.get(f"/feeds/events.atom{query}")
    assert answer.status_code == 400
    assert says in answer.get_data(as_text=True)


def test_a_cancelled_event_says_so_and_why_in_the_readers_language(client, upcoming):
    cancelled = upcoming["cancelled"]
    _answer, parsed = read(client, "rss", "?lang=en&org=tartu")
    entry = next(e for e in parsed.entries if f"/events/{cancelled.id}?" in e.link)
    assert entry.summary.startswith("<p>Cancelled: ")
    assert "Raamatukogu on suletud" in entry.summary
    assert [tag.term for tag in entry.tags] == ["cancelled"]


@pytest.mark.parametrize("format_", FORMATS)
def test_an_item_keeps_its_id_and_moves_its_updated_time_when_the_event_moves(
    client, upcoming, format_
):
    club = upcoming["parnu_club"]
    an_hour_ago = utcnow() - timedelta(hours=1)  # feeds carry whole seconds
    club.updated_at = an_hour_ago
    for row in club.events:
        row.updated_at = an_hour_ago
    db.session.commit()
    first, parsed = read(client, format_, "?org=parnu&lang=en")
    entry = parsed.entries[0]
    unchanged = client.get(
        f"/feeds/events.{format_}?org=parnu&lang=en",
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert unchanged.status_code == 304 and not unchanged.data

    event = club.events[0]
    move_occurrence(event, event.start + timedelta(hours=1))
    db.session.commit()

    moved, reread = read(client, format_, "?org=parnu&lang=en")
    assert moved.headers["ETag"] != first.headers["ETag"]
    again = next(e for e in reread.entries if e.link == entry.link)
    assert again.id == entry.id
    stamp = "updated_parsed" if format_ == "atom" else "published_parsed"
    assert again[stamp] > entry[stamp]
    assert "it was planned for" in again.summary


def test_rss_and_atom_give_an_event_the_same_id(client, upcoming):
    rss = read(client, "rss", "?lang=et")[1]
    atom = read(client, "atom", "?lang=et")[1]
    assert [e.id for e in rss.entries] == [e.id for e in atom.entries]
    assert len({e.id for e in rss.entries}) == len(rss.entries)


def test_the_public_pages_and_the_feeds_page_point_to_the_news_feeds(client, upcoming):
    city = client.get("/city/tartu?lang=ru").get_data(as_text=True)
    assert (
        '<link rel="alternate" type="application/rss+xml" title="RSS" '
        'href="/feeds/events.rss?lang=ru&amp;org=tartu">' in city
    )
    assert 'type="application/atom+xml"' in client.get("/?lang=en").get_data(as_text=True)
    page = client.get("/feeds/?lang=ru").get_data(as_text=True)
    assert "Новостные ленты" in page
    assert 'href="/feeds/events.atom?lang=ru"' in page
