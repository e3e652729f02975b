"""While the database does not answer, a feed this process already served is served again
from memory, marked stale, instead of a 503 (issue 15.15)."""

from __future__ import annotations

import time

import pytest
from feeds_helpers import YEAR_2024
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from scheduler.core.database import database_state
from scheduler.extensions import db

PATH = "/feeds/org/tartu.ics"


@pytest.fixture
def database_fails(app):
    """From now on every query fails as if the server had gone away."""

    def refuse(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    def start():
        event.listen(db.engine, "before_cursor_execute", refuse)

    yield start
    if event.contains(db.engine, "before_cursor_execute", refuse):
        event.remove(db.engine, "before_cursor_execute", refuse)


@pytest.fixture
def short_lived(app):
    """Served feeds are trusted for 50 ms only; ``expire()`` waits until they are not."""
    app.extensions["feeds.cache"].fingerprint_ttl = 0.05
    return lambda: time.sleep(0.1)


def test_a_served_feed_is_served_stale_while_the_database_fails(
    client, club_calendar, database_fails, short_lived
):
    fresh = client.get(PATH, query_string=YEAR_2024)
    assert fresh.status_code == 200 and "Warning" not in fresh.headers
    short_lived()
    database_fails()

    stale = client.get(PATH, query_string=YEAR_2024)
    assert stale.status_code == 200
    assert stale.data == fresh.data
    assert stale.headers["ETag"] == fresh.headers["ETag"]
    assert stale.headers["Warning"] == '110 - "Response is Stale"'
    revalidated = client.get(
        PATH, query_string=YEAR_2024, headers={"If-None-Match": fresh.headers["ETag"]}
    )
    assert revalidated.status_code == 304

    never_served = client.get("/feeds/all.ics")
    assert never_served.status_code == 503 and never_served.headers["Retry-After"]


def test_while_the_database_is_known_down_the_stale_feed_is_served_at_once(
    app, client, club_calendar, short_lived
):
    fresh = client.get(PATH, query_string=YEAR_2024)
    short_lived()
    database_state(app).mark_down()
    stale = client.get(PATH, query_string=YEAR_2024)
    assert (stale.status_code, stale.data) == (200, fresh.data)
    assert "Warning" in stale.headers
