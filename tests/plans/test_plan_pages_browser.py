"""The plan page in a real Chromium: accessible (axe-core, no sideways scrolling on a phone)
in Estonian, English and Russian; an admin drafts the next year and publishes it."""

from __future__ import annotations

import pytest

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from tests.accessibility import assert_accessible
from tests.support.people import PASSWORD, sign_in_page

pytestmark = pytest.mark.browser


@pytest.fixture
def site(app, runner, live_server):
    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    user = User(email="adviser@elvl.ee", role=Role.ADMIN, active=True)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return live_server


@pytest.mark.parametrize("lang", ["et", "en", "ru"])
def test_the_plan_page_is_accessible_on_a_desk_and_a_phone(site, page, lang):
    sign_in_page(page, site, "adviser@elvl.ee")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{site}/plans/2024?lang={lang}")
        assert page.locator("#series-2024-tartu-club-et").count() == 1
        assert_accessible(page, label=f"/plans/2024 {lang} at {width} px")
        page.goto(f"{site}/plans/?lang={lang}")
        assert_accessible(page, label=f"/plans/ {lang} at {width} px")


def test_an_admin_drafts_the_next_year_reviews_and_publishes_it(site, page):
    sign_in_page(page, site, "adviser@elvl.ee")
    page.goto(f"{site}/plans/2024?lang=en")
    page.get_by_role("button", name="Draft the plan 2025").click()
    page.get_by_text("The draft plan 2025 is ready for review.").wait_for()
    assert page.locator("h1 .badge-draft").inner_text() == "Draft"
    assert page.locator("#series-2025-tartu-club-et").count() == 1
    assert_accessible(page, label="the 2025 draft")

    page.get_by_role("button", name="Publish the plan 2025").click()
    page.get_by_text("The plan 2025 is published.").wait_for()
    assert page.locator("h1 .badge-draft").count() == 0
    page.get_by_role("link", name="All plans").click()
    assert "Published" in page.locator("#plan-2025").inner_text()
