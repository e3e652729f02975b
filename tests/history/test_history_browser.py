"""Two tabs on one event: the second save gets the conflict page; the history and conflict
views pass axe-core and do not scroll sideways, in Estonian, English and Russian."""

from __future__ import annotations

import pytest

from tests.accessibility import assert_accessible
from tests.history.conftest import first_event
from tests.support.people import sign_in_page
from tests.support.world import ADMIN

pytestmark = pytest.mark.browser

TITLES = {"et": "Muudetud klubi", "en": "Renamed club", "ru": "Переименованный клуб"}
CONFLICT = {
    "et": "Vahepeal muudetud",
    "en": "Changed in the meantime",
    "ru": "Изменено в это время",
}


@pytest.mark.parametrize("width", [1280, 360])
def test_a_stale_form_in_a_second_tab_gets_the_conflict_page(world, live_server, browser, width):
    event_id = first_event(world["club"]).id
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="en-GB", timezone_id="Europe/Tallinn"
    )
    first, second = context.new_page(), context.new_page()
    try:
        sign_in_page(first, live_server, ADMIN)
        assert first.locator("header .account").inner_text().count(ADMIN) == 1
        for lang in ("et", "en", "ru"):
            url = f"{live_server}/events/{event_id}?lang={lang}"
            first.goto(url)
            second.goto(url)

            second.fill("#edit-title", TITLES[lang])
            second.click("button[name=edit]")
            assert second.locator("h1").inner_text() == TITLES[lang]

            first.fill("#edit-notes", f"notes in {lang}")
            first.click("button[name=edit]")
            assert first.locator("h1").inner_text() == CONFLICT[lang]
            assert first.locator("html").get_attribute("lang") == lang
            differing = first.locator("#conflict tr.differs")
            assert differing.count() >= 1
            assert first.locator("#conflict .current-value", has_text=TITLES[lang]).count() == 1
            assert first.locator("#conflict .yours", has_text=f"notes in {lang}").count() == 1
            assert_accessible(first, label=f"conflict page ({lang}, {width}px)")

            first.click("#reload-current")
            assert first.locator("h1").inner_text() == TITLES[lang]
            assert first.locator("#history tbody tr").first.inner_text().count(TITLES[lang]) == 1
            assert_accessible(first, label=f"event page with its history ({lang}, {width}px)")

            first.goto(f"{live_server}/events/{event_id}/history?lang={lang}")
            assert first.locator("#history tbody tr").count() >= 1
            assert_accessible(first, label=f"history page ({lang}, {width}px)")
        # the notes typed in the stale tab were never saved
        assert first_event(world["club"]).notes is None
    finally:
        context.close()
