"""The `registration` object of /api/events items: {state, places_left, url}, as documented,
and never a name."""

from __future__ import annotations

import pytest
from registrations_support import sign_up

from scheduler.registrations.service import confirm, open_series
from tests.publicapi.api_helpers import OpenApi

pytestmark = pytest.mark.postgres


def item_of(client, event_id: int) -> dict:
    response = client.get("/api/events", query_string={"weeks": 52})
    OpenApi(client.get("/api/openapi.json").get_json()).check("/api/events", response)
    [item] = [i for i in response.get_json()["items"] if i["id"] == event_id]
    return item


def test_an_event_without_registration_is_closed(client, event):
    registration = item_of(client, event.id)["registration"]
    assert registration["state"] == "closed" and registration["places_left"] is None


def test_places_left_then_the_waiting_list(app, client, training, event):
    open_series(training, capacity=1, waitlist=True)
    event_id = event.id
    registration = item_of(client, event_id)["registration"]
    assert registration["state"] == "open" and registration["places_left"] == 1
    assert registration["url"].endswith(f"/events/{event_id}/register")
    row = sign_up(event, "unikaalne-nimi-7f3")
    confirm(row.id)
    item = item_of(client, event_id)
    assert item["registration"] == {**registration, "state": "waitlist", "places_left": 0}
    assert "unikaalne-nimi-7f3" not in str(item).lower()


@pytest.mark.parametrize("path", ["/api/events?weeks=52", "/api/events/{id}"])
def test_a_confirmed_place_changes_the_answers_validator(client, training, event, path):
    """A client revalidating with If-None-Match never keeps an old count of places."""
    open_series(training, capacity=2, waitlist=False)
    url = path.format(id=event.id)
    before = client.get(url)
    assert before.status_code == 200
    confirm(sign_up(event, "someone").id)
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200, "the places left changed: not 304"
    assert after.headers["ETag"] != before.headers["ETag"]
    answer = after.get_json()
    items = answer.get("items", [answer])
    [item] = [i for i in items if i["id"] == event.id]
    assert item["registration"]["places_left"] == 1
