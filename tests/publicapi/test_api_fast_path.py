"""A poll with the ETag a client already has is answered 304 before Flask (fastpath.py),
with the very headers Flask would send, and never once the events changed."""

from __future__ import annotations

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from api_helpers import YEAR_2024
from factories import expand, make_org, make_series

from scheduler.events.models import Event
from scheduler.events.service import cancel_occurrence
from scheduler.extensions import db

LISTING = {**YEAR_2024, "limit": 5}


@pytest.fixture
def club(app):
    series = make_series(
        "club",
        org=make_org("tartu"),
        title="Vestlusklubi",
        title_en="Conversation club",
        title_ru="Разговорный клуб",
        languages=["ru", "en"],
        bounds=(date(2024, 1, 1), date(2024, 3, 31)),
    )
    expand(series)
    db.session.commit()
    return series


@pytest.fixture
def fast(app):
    """The process's remembered API answers, trusted for a minute (a slow machine must not
    let them expire in the middle of a test)."""
    fast = app.extensions["publicapi.fastpath"]
    fast.ttl = 60.0
    return fast


@pytest.fixture
def reached(app):
    """The API requests that reached the Flask views, by endpoint."""
    seen: list[str] = []
    for endpoint in ("publicapi.events", "publicapi.event"):
        view = app.view_functions[endpoint]

        def counting(*args, _view=view, _endpoint=endpoint, **kwargs):
            seen.append(_endpoint)
            return _view(*args, **kwargs)

        app.view_functions[endpoint] = counting
    return seen


def _first_event(series) -> Event:
    return db.session.scalars(
        db.select(Event).where(Event.series_id == series.id).order_by(Event.start)
    ).first()


def _poll(client, path="/api/events", params=None, etag=None, **headers):
    if etag is not None:
        headers["If-None-Match"] = etag
    return client.get(path, query_string=params, headers=headers)


def _headers(response) -> list[tuple[str, str]]:
    return sorted(response.headers.items())


@pytest.mark.parametrize("address", ["listing", "one event"])
def test_a_repeated_poll_gets_flasks_304_without_reaching_flask(
    client, club, fast, reached, address
):
    path, params = ("/api/events", LISTING)
    if address == "one event":
        path, params = f"/api/events/{_first_event(club).id}", None
    etag = _poll(client, path, params).headers["ETag"]
    fast.forget()  # the next poll is answered by the view itself
    from_flask = _poll(client, path, params, etag)
    assert from_flask.status_code == 304 and len(reached) == 2

    again = _poll(client, path, params, etag)
    assert len(reached) == 2, "the poll was answered before Flask"
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert again.headers["X-Content-Type-Options"] == "nosniff"
    assert again.headers["Referrer-Policy"] == "same-origin"
    assert _headers(again) == _headers(from_flask)


def test_the_first_poll_after_a_full_answer_is_answered_from_memory_too(client, club, reached):
    etag = _poll(client, params=LISTING).headers["ETag"]
    head = client.head("/api/events", query_string=LISTING, headers={"If-None-Match": etag})
    again = _poll(client, params=LISTING, etag=etag)
    assert head.status_code == again.status_code == 304
    assert reached == ["publicapi.events"]


def test_a_change_committed_here_reaches_flask_and_gets_the_new_answer(client, club, reached):
    etag = _poll(client, params=LISTING).headers["ETag"]
    assert _poll(client, params=LISTING, etag=etag).status_code == 304
    cancel_occurrence(_first_event(club))
    db.session.commit()

    changed = _poll(client, params=LISTING, etag=etag)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.get_json()["items"][0]["status"] == "cancelled"
    assert reached == ["publicapi.events"] * 2  # the first poll was answered from memory
    # the new answer is the one remembered now
    assert _poll(client, params=LISTING, etag=changed.headers["ETag"]).status_code == 304
    assert _poll(client, params=LISTING, etag=etag).status_code == 200
    assert len(reached) == 3


def test_other_page_languages_never_share_a_remembered_answer(client, club, reached):
    russian = _poll(client, params={**LISTING, "hl": "ru"}).headers["ETag"]
    english = _poll(client, params={**LISTING, "hl": "en"}, etag=russian)
    assert english.status_code == 200 and english.headers["ETag"] != russian

    by_header = _poll(client, params=LISTING, **{"Accept-Language": "ru"}).headers["ETag"]
    other = _poll(client, params=LISTING, etag=by_header, **{"Accept-Language": "en"})
    assert other.status_code == 200
    assert other.get_json()["items"][0]["title"] == "Conversation club"
    assert len(reached) == 4

    # each language keeps its own entry
    assert _poll(client, params={**LISTING, "hl": "ru"}, etag=russian).status_code == 304
    polled = _poll(client, params=LISTING, etag=by_header, **{"Accept-Language": "ru"})
    assert polled.status_code == 304
    assert len(reached) == 4


def test_an_expired_answer_is_asked_of_flask_again(client, club, fast, reached):
    fast.ttl = 0.05
    etag = _poll(client, params=LISTING).headers["ETag"]
    time.sleep(0.2)
    again = _poll(client, params=LISTING, etag=etag)
    assert again.status_code == 304
    assert reached == ["publicapi.events"] * 2


def test_errors_and_unconditional_requests_always_reach_flask(client, club, reached):
    etag = _poll(client, params=LISTING).headers["ETag"]
    assert _poll(client, params=LISTING).status_code == 200
    assert _poll(client, params={**LISTING, "limit": "x"}, etag=etag).status_code == 400
    assert _poll(client, params={**LISTING, "limit": "x"}, etag=etag).status_code == 400
    assert _poll(client, "/api/events/999999", etag=etag).status_code == 404
    assert _poll(client, "/api/events/999999", etag=etag).status_code == 404
    assert len(reached) == 6


def test_a_remembered_answer_never_outlives_the_local_day(fast):
    tallinn = ZoneInfo("Europe/Tallinn")
    assert fast.lifetime(datetime(2026, 3, 4, 12, 0, tzinfo=tallinn)) == 60.0
    assert fast.lifetime(datetime(2026, 3, 4, 23, 59, 59, 500000, tzinfo=tallinn)) == 0.5
    # midnight in Tallinn, not in UTC (22:00 UTC in winter)
    assert fast.lifetime(datetime(2026, 3, 4, 21, 59, 30, tzinfo=ZoneInfo("UTC"))) == 30.0
    assert fast.lifetime(datetime(2026, 3, 4, 22, 30, tzinfo=ZoneInfo("UTC"))) == 60.0
