"""The public site in Chromium: a Russian-speaking visitor finds Tartu's events held in
English and takes one into their calendar; every public page passes axe-core and fits a
phone, in Estonian, English and Russian."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.accessibility import assert_accessible
from tests.public.conftest import events_of

pytestmark = pytest.mark.browser


@pytest.fixture
def russian_page(browser):
    context = browser.new_context(
        locale="ru-RU", timezone_id="Europe/Tallinn", accept_downloads=True
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_russian_visitor_filters_tartu_in_english_opens_an_event_and_downloads_it(
    world, live_server, russian_page
):
    page = russian_page
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Мероприятия для новоприбывших"

    page.select_option("#f-city", "tartu")
    page.select_option("#f-language", "en")
    with page.expect_navigation():
        page.locator("form.public-filters button[type=submit]").click()
    assert "city=tartu" in page.url and "language=en" in page.url
    club = {event.id for event in events_of(world["club"])}
    listed = {
        int(value)
        for value in page.locator("li.public-event").evaluate_all(
            "items => items.map(item => item.dataset.eventId)"
        )
    }
    assert listed == club, "Tartu's events held in English: the club, nothing else"
    assert page.locator("html").get_attribute("lang") == "ru", "the page stays Russian"

    first = page.locator("li.public-event h3 a").first
    title = first.inner_text()
    assert title == "Клуб общения на английском"
    with page.expect_navigation():
        first.click()
    assert page.locator("h1").inner_text() == title

    with page.expect_download() as waiting:
        page.locator("a.ics-link").click()
    download = waiting.value
    assert download.suggested_filename.endswith(".ics")
    body = Path(download.path()).read_text(encoding="utf-8")
    assert body.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" in body and "BEGIN:VTIMEZONE" in body
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Клуб общения на английском" in unfolded, "in the visitor's language"
    assert "TZID=Europe/Tallinn:" in unfolded and "T173000" in unfolded
    assert problems == [], "no console errors: the JSON-LD block breaks no CSP rule"


@pytest.mark.parametrize("width", [360, 1280])
def test_home_city_and_event_pages_are_accessible_in_every_language(
    world, live_server, browser, width
):
    event = events_of(world["club"])[2]  # a moved one, next to a cancelled one
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/Tallinn", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    try:
        for lang in ("et", "en", "ru"):
            for path in ("/", "/city/tartu", f"/events/{event.id}"):
                page.goto(f"{live_server}{path}?lang={lang}")
                assert page.locator("html").get_attribute("lang") == lang
                assert_accessible(page, label=f"{path} in {lang} at {width} px")
    finally:
        context.close()
