"""The page language: Accept-Language on a first visit, ``?lang=`` overrides and is
remembered in a cookie; the API's ``lang`` is a filter and sets nothing."""

from __future__ import annotations

from tests.support.people import fresh


def _html_lang(response) -> str:
    return response.get_data(as_text=True).split('<html lang="')[1].split('"')[0]


def test_a_first_visit_speaks_the_browsers_language(world, app):
    for header, expected in (("ru,en;q=0.8", "ru"), ("en-GB,en;q=0.9", "en"), ("fi", "et")):
        fresh()
        response = app.test_client().get("/", headers={"Accept-Language": header})
        assert _html_lang(response) == expected, header
        assert "lang=" not in response.headers.get("Set-Cookie", ""), "nothing chosen yet"
        assert "Accept-Language" in response.headers["Vary"]


def test_a_chosen_language_is_remembered_and_lang_overrides_it(world, app):
    fresh()
    chosen = app.test_client().get("/?lang=en", headers={"Accept-Language": "ru"})
    assert _html_lang(chosen) == "en"
    cookie = next(c for c in chosen.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert cookie.startswith("lang=en;") and "Max-Age=31536000" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

    later = app.test_client()  # a new browser session that kept only the language cookie
    later.set_cookie("lang", "en")
    fresh()
    assert _html_lang(later.get("/", headers={"Accept-Language": "ru"})) == "en"
    fresh()
    assert _html_lang(later.get("/?lang=et", headers={"Accept-Language": "ru"})) == "et"


def test_the_api_never_takes_lang_for_the_page_language_nor_sets_a_cookie(world, app):
    fresh()
    response = app.test_client().get("/api/events?lang=en", headers={"Accept-Language": "ru"})
    assert response.status_code == 200
    assert response.headers.get("Set-Cookie") is None
