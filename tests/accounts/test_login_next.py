"""``?next=`` after signing in: a path on this site, or the start page; never a 500."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.support.people import sign_in


@pytest.mark.parametrize(
    "query",
    [
        "next=/%0d%0aSet-Cookie:%20x=1",
        "next=/%0aevil",
        "next=/%09tab",
        "next=/%7f",
        "next=/%c2%85",
        "next=//evil.example/",
        "next=/\\evil.example/",
        "next=/%5c%5cevil.example",
        "next=https://evil.example/",
        "next=javascript:alert(1)",
        "next=" + "/a" * 2000,
    ],
)
def test_a_next_that_is_not_a_plain_path_here_goes_to_the_start_page(app, admin, client, query):
    response = sign_in(client, "adviser@elvl.ee", query=f"?{query}")
    assert response.status_code == 302
    with app.test_request_context():
        start_page = url_for("events.index")
    assert response.headers["Location"] == start_page


def test_a_path_on_this_site_is_followed(app, admin, client):
    response = sign_in(client, "adviser@elvl.ee", query="?next=/reminders/%3Fx%3D1")
    assert (response.status_code, response.headers["Location"]) == (302, "/reminders/?x=1")
