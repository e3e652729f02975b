"""/api/events on the 2024 plan: the same public events as `flask events list`, page by page."""

from __future__ import annotations

from api_helpers import YEAR_2024, all_pages, get_events
from factories import listed_events

from scheduler.events.models import Series
from scheduler.extensions import db

COMPARED = ("id", "uid", "title", "start", "end", "status", "org", "type", "languages", "location")


def _as_api_fields(rows: list[dict]) -> list[dict]:
    return [{key: row[key] for key in COMPARED} for row in rows]


def test_the_2024_window_lists_exactly_the_public_events_of_flask_events_list(
    client, runner, plan_2024, openapi
):
    expected = listed_events(runner, "--public-only")
    everything = listed_events(runner)
    assert len(everything) > len(expected) > 200  # the plan has internal meetings too

    items, pages = all_pages(client, openapi, **YEAR_2024, hl="et")

    assert pages == -(-len(expected) // 50)  # default page size 50
    assert _as_api_fields(items) == _as_api_fields(expected)
    for item in items:
        assert item["url"] == f"http://127.0.0.1:5000/events/{item['id']}"
        assert item["ics"] == f"http://127.0.0.1:5000/events/{item['id']}.ics"
        assert item["titles"]["et"] == item["title"]


def test_internal_events_never_appear_in_any_page_or_filter(client, runner, plan_2024, openapi):
    internal = {row["id"] for row in listed_events(runner) if not row["public"]}
    assert internal
    seen = set()
    for params in ({}, {"org": "elvl"}, {"type": "network_meeting"}, {"lang": "et"}):
        items, _pages = all_pages(client, openapi, **YEAR_2024, limit=200, **params)
        seen |= {item["id"] for item in items}
    assert seen and not seen & internal
    for event_id in sorted(internal)[:5]:
        response = client.get(f"/api/events/{event_id}")
        openapi.check("/api/events/{id}", response)
        assert response.status_code == 404
        assert client.get(f"/events/{event_id}.ics").status_code == 404


def test_small_pages_follow_each_other_without_duplicates_or_gaps(
    client, runner, plan_2024, openapi
):
    expected = [row["id"] for row in listed_events(runner, "--public-only")]
    items, pages = all_pages(client, openapi, **YEAR_2024, limit=7)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert ids == expected
    assert pages == -(-len(expected) // 7)


def test_each_filter_narrows_to_the_matching_public_events(client, runner, plan_2024, openapi):
    public = listed_events(runner, "--public-only")

    def ids(**params) -> list[int]:
        items, _pages = all_pages(client, openapi, **{**YEAR_2024, "limit": 200, **params})
        return [item["id"] for item in items]

    def expected(keep) -> list[int]:
        found = [row["id"] for row in public if keep(row)]
        assert 0 < len(found) < len(public)
        return found

    assert ids(org="tartu") == expected(lambda row: row["org"] == "tartu")
    assert ids(org="rakvere,tartu") == expected(lambda row: row["org"] in ("tartu", "rakvere"))
    assert ids(type="club") == expected(lambda row: row["type"] == "club")
    assert ids(type="club,info_day") == expected(lambda row: row["type"] in ("club", "info_day"))
    assert ids(lang="ru") == expected(lambda row: "ru" in row["languages"])
    assert ids(lang="en", org="tartu") == expected(
        lambda row: "en" in row["languages"] and row["org"] == "tartu"
    )
    march = listed_events(runner, "--public-only", start="2024-03-01", end="2024-04-01")
    assert ids(**{"from": "2024-03-01", "to": "2024-04-01"}) == [row["id"] for row in march]


def test_words_match_title_description_or_place_in_any_letter_case(
    client, runner, plan_2024, openapi
):
    public = listed_events(runner, "--public-only")
    descriptions = dict(db.session.execute(db.select(Series.key, Series.description)).all())
    word = "Tartu"

    def contains(row) -> bool:
        text = " ".join(
            [row["title"], row["location"] or "", descriptions.get(row["series_key"]) or ""]
        )
        return word.casefold() in text.casefold()

    wanted = [row["id"] for row in public if contains(row)]
    assert 0 < len(wanted) < len(public)
    for spelling in (word, word.upper(), word.lower()):
        items, _pages = all_pages(client, openapi, **YEAR_2024, q=spelling, limit=200)
        found = {item["id"] for item in items}
        # titles in other languages may also carry the word: never fewer, only such extras
        assert set(wanted) <= found
        for item in items:
            if item["id"] not in wanted:
                assert any(word.casefold() in t.casefold() for t in item["titles"].values())


def test_the_default_window_is_today_and_eight_weeks_on(client, plan_2024, openapi):
    response = get_events(client, openapi)
    assert response.status_code == 200
    body = response.get_json()
    if body["next"]:
        assert "from=" in body["next"] and "to=" in body["next"]
