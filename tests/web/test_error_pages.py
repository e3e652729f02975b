"""Errors are answered in the site's own layout and the visitor's language, never Werkzeug's."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from werkzeug.exceptions import Gone, TooManyRequests

from scheduler.accounts.models import Role, User
from scheduler.extensions import db


def _in_site_layout(page: str) -> bool:
    return 'class="langs"' in page and "<header>" in page and "Werkzeug" not in page


@pytest.mark.parametrize(
    ("lang", "title", "back"),
    [
        ("en", "Page not found", "Back to the start page"),
        ("et", "Lehte ei leitud", "Tagasi avalehele"),
        ("ru", "Страница не найдена", "Вернуться на главную страницу"),
    ],
)
def test_an_unknown_address_gets_a_404_page_in_the_visitors_language(client, lang, title, back):
    response = client.get(f"/no/such/page?lang={lang}")

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert _in_site_layout(page)
    assert f"<h1>{title}</h1>" in page
    assert f'<html lang="{lang}">' in page
    assert back in page and 'href="/"' in page


def test_a_views_own_explanation_is_shown_instead_of_the_generic_one(client):
    response = client.get("/?year=99999&lang=en")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _in_site_layout(page)
    assert "99999 is not a year of the programme&#39;s calendar" in page


def test_a_wrong_method_is_a_405_page_that_keeps_the_allow_header(client):
    response = client.get("/account/logout?lang=en")

    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert _in_site_layout(response.get_data(as_text=True))


def test_too_many_requests_keeps_retry_after_and_says_why(app, client):
    def crowded():
        raise TooManyRequests(description="Too many sign-in attempts.", retry_after=600)

    app.add_url_rule("/crowded", "crowded", crowded)
    response = client.get("/crowded?lang=en")

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "600"
    page = response.get_data(as_text=True)
    assert _in_site_layout(page) and "Too many sign-in attempts." in page


def test_gone_is_a_410_page_with_the_views_reason(app, client):
    def used():
        raise Gone(description="This link was already used.")

    app.add_url_rule("/used", "used", used)
    response = client.get("/used?lang=en")

    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert _in_site_layout(page) and "This link was already used." in page


def test_the_api_and_clients_asking_for_json_get_a_json_error(client):
    api = client.get("/api/indicators/NO-SUCH/events")
    assert api.status_code == 404
    assert api.is_json and api.get_json()["error"] == 404 and api.get_json()["message"]

    page = client.get("/events/12345", headers={"Accept": "application/json"})
    assert page.status_code == 404
    assert page.get_json()["error"] == 404


def test_feed_addresses_get_plain_text_errors(client):
    response = client.get("/feeds/org/no-such-organisation.ics")

    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "<" not in response.get_data(as_text=True)


def test_an_unexpected_exception_is_a_500_page_and_its_traceback_is_logged(app, client, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("internal detail the visitor must not see")

    app.add_url_rule("/broken", "broken", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get("/broken?lang=en")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert _in_site_layout(page)
    assert "Something went wrong on our side" in page
    assert "internal detail" not in page
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is RuntimeError]
    assert logged, "the traceback is logged"


def test_a_failed_database_statement_still_gets_the_layout_for_a_signed_in_user(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    user = User(email="admin@elvl.ee", role=Role.ADMIN)
    user.set_password("secret-pass")
    db.session.add(user)
    db.session.commit()

    def bad_query():
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))

    app.add_url_rule("/bad-query", "bad_query", bad_query)
    client.post("/account/login", data={"email": "admin@elvl.ee", "password": "secret-pass"})
    response = client.get("/bad-query?lang=en")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert _in_site_layout(page)
    assert "admin@elvl.ee" in page  # the header still knows who is signed in


def test_a_nul_character_in_the_address_is_a_400_not_a_database_error(client):
    response = client.get("/feeds/org/%00.ics")
    assert response.status_code == 400

    response = client.get("/?org=%00&lang=en")
    assert response.status_code == 400
    assert _in_site_layout(response.get_data(as_text=True))
