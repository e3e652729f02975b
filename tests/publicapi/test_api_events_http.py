"""/api/events and /api/events/<id> over HTTP: languages, validators, CORS, refusals."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from api_helpers import YEAR_2024, all_pages, get_events, local_path
from factories import expand, make_org, make_series
from sqlalchemy import event as sa_event

from scheduler.events.models import Event
from scheduler.events.service import cancel_occurrence, move_occurrence
from scheduler.extensions import db
from scheduler.publicapi.params import Position, encode_cursor


@pytest.fixture
def calendar(app):
    """Tartu's club (et/en/ru titles, held in Russian and English), Pärnu's info day titled
    in Estonian and English only (held in Estonian), and an internal meeting."""
    tartu, parnu = make_org("tartu"), make_org("parnu")
    club = make_series(
        "club",
        org=tartu,
        title="Vestlusklubi Õhtu",
        title_en="Conversation club Evening",
        title_ru="Разговорный клуб Вечер",
        description="Räägime eesti keelt ÕUES ja toas",
        location="Tartu Linnaraamatukogu",
        languages=["ru", "en"],
        bounds=(date(2024, 1, 1), date(2024, 3, 31)),
    )
    info_day = make_series(
        "info-day",
        org=parnu,
        rule=None,
        start=date(2024, 2, 15),
        title="Infopäev",
        title_en="Info day",
        event_type="info_day",
        location="Pärnu Keskraamatukogu",
        languages=["et"],
    )
    internal = make_series(
        "internal",
        org=tartu,
        title="Sisekoosolek Õhtu",
        is_public=False,
        bounds=(date(2024, 1, 1), date(2024, 3, 31)),
    )
    for series in (club, info_day, internal):
        expand(series)
    db.session.commit()
    return {"club": club, "info_day": info_day, "internal": internal}


def _events_of(series) -> list[Event]:
    return db.session.scalars(
        db.select(Event).where(Event.series_id == series.id).order_by(Event.start)
    ).all()


def test_titles_come_in_every_language_with_the_requested_one_first(client, calendar, openapi):
    def titles(**headers_or_hl):
        hl = headers_or_hl.pop("hl", None)
        params = {**YEAR_2024, **({"hl": hl} if hl else {})}
        response = client.get("/api/events", query_string=params, headers=headers_or_hl)
        openapi.check("/api/events", response)
        return {item["org"]: item["title"] for item in response.get_json()["items"]}

    assert titles(hl="ru") == {"tartu": "Разговорный клуб Вечер", "parnu": "Info day"}
    assert titles(hl="et") == {"tartu": "Vestlusklubi Õhtu", "parnu": "Infopäev"}
    assert titles(hl="en") == {"tartu": "Conversation club Evening", "parnu": "Info day"}
    assert titles(**{"Accept-Language": "ru-RU,ru;q=0.9"})["tartu"] == "Разговорный клуб Вечер"
    item = get_events(client, openapi, **YEAR_2024, org="parnu").get_json()["items"][0]
    assert item["titles"] == {"et": "Infopäev", "en": "Info day"}


def test_an_occurrence_renamed_alone_keeps_its_own_title_in_every_language(
    client, calendar, openapi
):
    first = _events_of(calendar["club"])[0]
    first.title = "Erakorraline klubi"
    db.session.commit()
    item = client.get(f"/api/events/{first.id}", query_string={"hl": "ru"}).get_json()
    assert item["title"] == "Erakorraline klubi"
    assert set(item["titles"].values()) == {"Erakorraline klubi"}


def test_the_working_language_filter_never_changes_the_page_language_or_sets_a_cookie(
    client, calendar, openapi
):
    response = get_events(client, openapi, **YEAR_2024, lang="en", hl="ru")
    items = response.get_json()["items"]
    assert items and {item["org"] for item in items} == {"tartu"}
    assert items[0]["title"] == "Разговорный клуб Вечер"
    assert "Set-Cookie" not in response.headers
    only_estonian = get_events(client, openapi, **YEAR_2024, lang="et").get_json()["items"]
    assert [item["org"] for item in only_estonian] == ["parnu"]


def test_words_are_found_in_any_letter_case_in_title_description_and_place(
    client, calendar, openapi
):
    def orgs(q):
        items, _pages = all_pages(client, openapi, **YEAR_2024, q=q, limit=200)
        return {item["org"] for item in items}

    assert orgs("õhtu") == {"tartu"}  # Estonian title, not the internal meeting's
    assert orgs("ВЕЧЕР") == {"tartu"}  # Russian title, Cyrillic case-folded
    assert orgs("õues") == {"tartu"}  # description
    assert orgs("keskraamatukogu") == {"parnu"}  # place
    assert orgs("linnaraamatukogu vestlusklubi") == {"tartu"}  # every word must appear
    assert orgs("linnaraamatukogu infopäev") == set()
    assert orgs("sisekoosolek") == set()  # internal


def test_cancelled_and_moved_occurrences_show_their_status_and_new_time(client, calendar, openapi):
    first, second = _events_of(calendar["club"])[:2]
    cancel_occurrence(first, "the room is closed")
    move_occurrence(second, second.start.replace(hour=15))
    db.session.commit()
    for event, status in ((first, "cancelled"), (second, "planned")):
        response = client.get(f"/api/events/{event.id}")
        openapi.check("/api/events/{id}", response)
        item = response.get_json()
        assert item["status"] == status
        assert item["start"] == event.start.astimezone(_tallinn()).isoformat()
    assert item["start"].endswith("+02:00")


def _tallinn():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Tallinn")


def test_every_answer_may_be_read_by_any_site(client, calendar, openapi):
    event_id = _events_of(calendar["club"])[0].id
    for path in (
        "/api/events?from=2024-01-01&to=2025-01-01",
        "/api/events?limit=0",
        f"/api/events/{event_id}",
        "/api/events/999999",
        f"/events/{event_id}.ics",
        "/api/openapi.json",
    ):
        response = client.get(path)
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
        assert "Set-Cookie" not in response.headers, path


def test_a_script_on_another_site_may_send_if_none_match(client, calendar):
    response = client.options(
        "/api/events",
        headers={
            "Origin": "https://www.tartu.ee",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "if-none-match" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


@contextmanager
def _statements():
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)


def test_an_unchanged_listing_answers_304_from_its_rows_revision_alone(client, calendar, openapi):
    params = {**YEAR_2024, "limit": 5}
    first = get_events(client, openapi, **params)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")

    # the view's own 304 (the fast path, test_api_fast_path.py, would answer from memory)
    client.application.extensions["publicapi.fastpath"].forget()
    with _statements() as seen:
        again = client.get("/api/events", query_string=params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    # one short query over the page's rows: no titles, places or descriptions are read,
    # no item is built
    assert len(seen) == 1
    statement = seen[0].lower()
    assert "limit" in statement
    for column in ("title", "description", "location", "languages"):
        assert column not in statement


def test_filtered_listings_and_later_pages_answer_304_too(client, calendar, openapi):
    first = get_events(client, openapi, **YEAR_2024, org="tartu,parnu", type="club", limit=3)
    later = local_path(first.get_json()["next"])
    for path, params in (
        ("/api/events", {**YEAR_2024, "q": "õhtu", "lang": "ru"}),
        ("/api/events", {**YEAR_2024, "org": "tartu,parnu", "type": "club", "limit": 3}),
        (later, None),
        ("/api/events", {**YEAR_2024, "org": "parnu", "type": "club"}),  # an empty page
    ):
        etag = client.get(path, query_string=params).headers["ETag"]
        again = client.get(path, query_string=params, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", (path, params)


def test_a_change_outside_the_page_keeps_the_page_etag(client, calendar, openapi):
    params = {**YEAR_2024, "limit": 2}
    etag = get_events(client, openapi, **params).headers["ETag"]
    cancel_occurrence(_events_of(calendar["club"])[-1])  # far beyond the first page
    db.session.commit()
    again = client.get("/api/events", query_string=params, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_any_change_to_a_listed_event_changes_the_etag(client, calendar, openapi):
    params = {**YEAR_2024, "limit": 5}
    etag = get_events(client, openapi, **params).headers["ETag"]
    cancel_occurrence(_events_of(calendar["club"])[0])
    db.session.commit()
    response = client.get("/api/events", query_string=params, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert response.get_json()["items"][0]["status"] == "cancelled"


def test_the_etag_differs_by_page_filter_and_language(client, calendar, openapi):
    first = get_events(client, openapi, **YEAR_2024, limit=2)
    tags = {
        first.headers["ETag"],
        get_events(client, openapi, **YEAR_2024, limit=3).headers["ETag"],
        get_events(client, openapi, **YEAR_2024, limit=2, hl="ru").headers["ETag"],
        get_events(client, openapi, **YEAR_2024, limit=2, org="parnu").headers["ETag"],
        client.get(first.get_json()["next"].removeprefix("http://127.0.0.1:5000")).headers["ETag"],
    }
    assert len(tags) == 5


def test_one_event_has_its_own_etag_and_304(client, calendar, openapi):
    event_id = _events_of(calendar["club"])[0].id
    response = client.get(f"/api/events/{event_id}")
    openapi.check("/api/events/{id}", response)
    etag = response.headers["ETag"]
    again = client.get(f"/api/events/{event_id}", headers={"If-None-Match": etag})
    openapi.check("/api/events/{id}", again)
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize(
    "event_id",
    ["999999", "0", "-1", "abc", "1.5", str(2**31), str(2**63), str(2**64 + 1), "9" * 40, "١"],
)
def test_unknown_and_impossible_ids_are_a_json_404(client, calendar, openapi, event_id):
    response = client.get(f"/api/events/{event_id}")
    openapi.check("/api/events/{id}", response)
    assert response.status_code == 404
    assert response.get_json()["error"] == 404
    assert client.get(f"/events/{event_id}.ics").status_code == 404


def test_an_internal_event_is_a_404_as_if_it_did_not_exist(client, calendar, openapi):
    event_id = _events_of(calendar["internal"])[0].id
    response = client.get(f"/api/events/{event_id}")
    openapi.check("/api/events/{id}", response)
    assert response.status_code == 404
    assert "Sisekoosolek" not in response.get_data(as_text=True)


def _foreign_cursor() -> str:
    from datetime import UTC, datetime

    return encode_cursor(Position(datetime(2024, 2, 1, tzinfo=UTC), 3), "another-secret")


HOSTILE = [
    ({"from": "0001-01-01"}, "from"),
    ({"to": "9999-12-31"}, "to"),
    ({"from": "2024-02-30"}, "from"),
    ({"from": "2024-1-1"}, "from"),
    ({"from": "yesterday"}, "from"),
    ({"from": "2024-01-01\x00"}, "NUL"),  # refused before the view by the request guard
    ({"from": "2024-03-01", "to": "2024-03-01"}, "to"),
    ({"from": "2024-01-01", "to": "2040-01-01"}, "five years"),
    ({"limit": "0"}, "limit"),
    ({"limit": "201"}, "limit"),
    ({"limit": "1" + "0" * 30}, "limit"),
    ({"limit": "-5"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"limit": "٣"}, "limit"),
    ({"cursor": "garbage"}, "cursor"),
    ({"cursor": "W1sxLDJdXQ"}, "cursor"),
    ({"cursor": "x" * 5000}, "cursor"),
    ({"org": "atlantis"}, "atlantis"),
    ({"org": "tartu,atlantis"}, "atlantis"),
    ({"type": "party"}, "party"),
    ({"lang": "de"}, "de"),
    ({"hl": "de"}, "hl"),
    ({"q": "x" * 201}, "q"),
    ({"org": ",".join(f"o{i}" for i in range(51))}, "org"),
    ({"type": ",".join(f"t{i}" for i in range(5000))}, "type"),
    ({"q": " ".join(f"w{i}" for i in range(11))}, "q"),
]


@pytest.mark.parametrize(("params", "named"), HOSTILE)
def test_arguments_that_cannot_be_used_are_a_clear_400(client, calendar, openapi, params, named):
    response = client.get("/api/events", query_string=params, headers={"Accept-Language": "en"})
    openapi.check("/api/events", response)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == 400
    assert named in body["message"]


def test_a_cursor_signed_elsewhere_or_altered_is_refused(client, calendar, openapi):
    next_url = get_events(client, openapi, **YEAR_2024, limit=2).get_json()["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]
    altered = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    for bad in (altered, _foreign_cursor()):
        response = get_events(client, openapi, **YEAR_2024, limit=2, cursor=bad)
        assert response.status_code == 400
        assert "cursor" in response.get_json()["message"]


def test_messages_come_in_the_requested_language(client, calendar, openapi):
    response = get_events(client, openapi, limit="0", hl="ru")
    assert response.status_code == 400
    assert "limit" in response.get_json()["message"]
    assert (
        response.get_json()["message"]
        != get_events(client, openapi, limit="0", hl="en").get_json()["message"]
    )
