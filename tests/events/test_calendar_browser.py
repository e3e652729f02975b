"""The calendar in Chromium: the month grid with the keyboard alone, and phone-width pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scheduler.accounts.models import Role, User
from scheduler.events.models import Event, Series
from scheduler.extensions import db
from tests.accessibility import assert_accessible

pytestmark = pytest.mark.browser


def _focused_date(page) -> str | None:
    return page.evaluate(
        "() => document.activeElement && document.activeElement.getAttribute('data-date')"
    )


def _tab_into_the_grid(page) -> str:
    for _ in range(80):
        page.keyboard.press("Tab")
        if _focused_date(page):
            return _focused_date(page)
    raise AssertionError("Tab never reached the month grid")


def test_the_month_grid_is_used_with_the_keyboard_alone(plan_2024, live_server, page):
    page.goto(f"{live_server}/?view=month&date=2024-03-01&lang=en")
    assert_accessible(page)
    assert _tab_into_the_grid(page) == "2024-03-01", "one day of the month is in the tab order"
    assert page.locator("[role=gridcell][tabindex='0']").count() == 1
    moves = [
        ("ArrowRight", "2024-03-02"),
        ("ArrowDown", "2024-03-09"),
        ("Home", "2024-03-04"),
        ("End", "2024-03-10"),
        ("ArrowRight", "2024-03-11"),  # past the row's end: the next week
        ("ArrowUp", "2024-03-04"),
        ("ArrowLeft", "2024-03-03"),
    ]
    for key, expected in moves:
        page.keyboard.press(key)
        assert _focused_date(page) == expected, key
    page.keyboard.press("Tab")
    assert _focused_date(page) is None, "Tab leaves the grid: only one cell is tabbable"
    page.keyboard.press("Shift+Tab")
    assert _focused_date(page) == "2024-03-03", "and Shift+Tab comes back to the same day"

    with page.expect_navigation():
        page.keyboard.press("PageDown")
    assert "date=2024-04-03" in page.url
    assert page.locator("caption").inner_text() == "April 2024"
    assert _focused_date(page) == "2024-04-03", "the next month opens with the same day focused"
    assert_accessible(page)
    page.keyboard.press("ArrowRight")
    with page.expect_navigation():
        page.keyboard.press("PageUp")
    assert page.locator("caption").inner_text() == "March 2024"
    assert _focused_date(page) == "2024-03-04"

    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "view=" not in page.url and "date=2024-03-04" in page.url, "the day's agenda"
    first_day = page.locator("h2.day time").first.get_attribute("datetime")
    assert first_day >= "2024-03-04"
    assert_accessible(page)


def test_without_javascript_the_month_is_a_plain_table_of_links(plan_2024, live_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/?view=month&date=2024-03-01&lang=en")
        assert page.locator("[role=gridcell][tabindex]").count() == 0
        page.locator("[role=gridcell][data-date='2024-03-12'] a.day-link").click()
        assert "date=2024-03-12" in page.url
        assert page.locator("h2.day time").first.get_attribute("datetime") == "2024-03-12"
    finally:
        context.close()


def test_on_a_phone_the_month_shows_as_its_agenda(plan_2024, live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/?view=month&date=2024-03-01&lang=en")
        assert not page.locator("table.month-grid").is_visible()
        assert page.locator(".month-agenda h2.day").first.is_visible()
        menu = page.locator("header details.menu")
        assert menu.is_visible() and not page.locator("header nav.main-links").is_visible()
        menu.locator("summary").click()
        assert menu.locator("a", has_text="Indicators").is_visible()
    finally:
        context.close()


def test_no_page_scrolls_sideways_at_360_px(plan_2024, live_server, browser):
    event = db.session.scalar(
        select(Event).join(Series).where(Series.is_public).order_by(Event.start).limit(1)
    )
    paths = [
        "/?date=2024-03-01",
        "/?view=week&date=2024-03-11",
        "/?view=month&date=2024-03-01",
        "/?view=year&year=2024",
        f"/events/{event.id}",
        "/indicators/?year=2024",
        "/feeds/",
        "/account/login",
    ]
    user = User(email="a.very-long-address.for-a-coordinator@saaremaavald.ee", role=Role.ADMIN)
    user.set_password("secret-pass")
    db.session.add(user)
    db.session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    page = context.new_page()
    too_wide = []

    def measure(who: str) -> None:
        for lang in ("et", "en", "ru"):
            for path in paths:
                url = f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}"
                assert page.goto(url).status == 200, url
                width = page.evaluate("() => document.documentElement.scrollWidth")
                if width > 360:
                    too_wide.append((who, path, lang, width))

    try:
        measure("anonymous")
        page.goto(f"{live_server}/account/login?lang=en")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", "secret-pass")
        page.click("main button[type=submit]")
        assert page.locator("header .account").inner_text().count(user.email) == 1
        paths.remove("/account/login")
        measure("signed in")
    finally:
        context.close()
    assert too_wide == []


@pytest.mark.parametrize(
    "path, label", [("/?view=year&year=2024", "When"), ("/indicators/?year=2024", "Actual")]
)
def test_on_a_phone_tables_become_labelled_lists(plan_2024, live_server, browser, path, label):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_server}{path}&lang=en")
        cell = page.locator(f"table.responsive td[data-label='{label}']").first
        assert cell.evaluate("e => getComputedStyle(e).display") == "block"
        before = cell.evaluate("e => getComputedStyle(e, '::before').content")
        assert before == f'"{label}: "'
        assert not page.locator("table.responsive thead").first.is_visible() or (
            page.locator("table.responsive thead").first.bounding_box()["width"] <= 1
        )
        page.set_viewport_size({"width": 1280, "height": 800})
        assert cell.evaluate("e => getComputedStyle(e).display") == "table-cell"
    finally:
        context.close()
