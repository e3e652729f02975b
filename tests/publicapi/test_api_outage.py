"""While the database does not answer, an API answer this process already served is served
again from memory, marked stale, instead of a 503 (issue 15.15)."""

from __future__ import annotations

import time

import pytest
from api_helpers import YEAR_2024
from factories import expand, make_org, make_series

from scheduler.core.database import database_state
from scheduler.extensions import db


@pytest.fixture
def club(app):
    expand(make_series("club", org=make_org("tartu"), title="Vestlusklubi"))
    db.session.commit()


def test_a_served_api_answer_is_served_stale_while_the_database_is_down(app, client, club):
    app.extensions["publicapi.fastpath"].ttl = 0.05
    fresh = client.get("/api/events", query_string=YEAR_2024)
    assert fresh.status_code == 200 and fresh.json["items"]
    time.sleep(0.1)  # no longer fresh: only an outage serves it again
    database_state(app).mark_down()

    stale = client.get("/api/events", query_string=YEAR_2024)
    assert stale.status_code == 200
    assert stale.json == fresh.json
    assert stale.headers["Warning"] == '110 - "Response is Stale"'
    assert stale.headers["ETag"] == fresh.headers["ETag"]
    assert stale.headers["Access-Control-Allow-Origin"] == "*"
    revalidated = client.get(
        "/api/events", query_string=YEAR_2024, headers={"If-None-Match": fresh.headers["ETag"]}
    )
    assert revalidated.status_code == 304

    other = client.get("/api/events", query_string={**YEAR_2024, "limit": 1})
    assert other.status_code == 503 and other.headers["Retry-After"]
