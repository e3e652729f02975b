"""Every page forbids inline scripts and framing; every answer keeps tokens out of Referers."""

from __future__ import annotations

import pytest
from flask import g

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from scheduler.web import security_headers
from tests.accounts.conftest import PASSWORD, fresh, sign_in

PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# The one page other sites may frame (scheduler/embed); every other page refuses.
FRAMABLE_PAGES = {"/embed/events"}


def _routes_without_parameters(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    )


def _assert_page_headers(response, path: str) -> None:
    framable = path in FRAMABLE_PAGES
    for name, value in PAGE_HEADERS.items():
        if framable and name == "X-Frame-Options":
            assert name not in response.headers, path
            continue
        assert response.headers.get(name) == value, (path, name)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";"))
    )
    assert directives["script-src"] == "'self'", path
    assert directives["style-src"] == "'self'", path
    assert directives["default-src"] == "'self'", path
    assert directives["frame-ancestors"] == ("*" if framable else "'none'"), path
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "admin"])
def test_every_page_reachable_without_parameters_carries_the_security_headers(
    app, client, signed_in
):
    if signed_in:
        admin = User(email="adviser@elvl.ee", role=Role.ADMIN)
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
        assert sign_in(client).status_code == 302
    pages = 0
    for path in _routes_without_parameters(app):
        fresh()
        response = client.get(path)
        # /healthz answers 503 here by design: the test schema was not built by migrations.
        assert response.status_code < 500 or path == "/healthz", path
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path
        assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), path
        if response.mimetype == "text/html":
            _assert_page_headers(response, path)
            pages += 1
    assert pages >= 6, "the walk reached the site's pages"


def test_static_files_and_json_answers_get_nosniff_and_the_referrer_policy(app, client):
    for path in ("/static/css/site.css", "/static/js/site.js", "/api/indicators?year=2024"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "same-origin", path
        assert "Content-Security-Policy" not in response.headers, path


def test_error_pages_carry_the_page_headers(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    _assert_page_headers(response, "/no-such-page")


def test_public_feeds_answered_before_flask_still_carry_nosniff_and_the_referrer_policy(
    app, client
):
    seen_by_flask: list[str] = []
    app.before_request(lambda: seen_by_flask.append("request") and None)
    answers = [client.get("/feeds/all.ics") for _ in range(3)]
    assert len(seen_by_flask) == 1, "the repeated requests were answered by the fast path"
    for response in answers:
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers.get_all("Referrer-Policy") == ["same-origin"]


def test_a_view_can_answer_with_its_own_policy(app):
    @security_headers(
        {
            "Content-Security-Policy": "frame-ancestors https://www.tartu.ee",
            "X-Frame-Options": None,
        }
    )
    def embeddable():
        return "<p>embed me</p>"

    app.add_url_rule("/embeddable-test", "embeddable_test", embeddable)
    response = app.test_client().get("/embeddable-test")
    assert response.headers["Content-Security-Policy"] == "frame-ancestors https://www.tartu.ee"
    assert "X-Frame-Options" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_policy_set_on_the_response_is_left_alone(app):
    def with_headers():
        return "<p>x</p>", {"Content-Security-Policy": "default-src 'none'"}

    app.add_url_rule("/own-policy-test", "own_policy_test", with_headers)
    response = app.test_client().get("/own-policy-test")
    assert response.headers.get_all("Content-Security-Policy") == ["default-src 'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    g.pop("_login_user", None)
