"""Acceptance: an admin invites a coordinator; the coordinator sets a password from the mail
caught by a real SMTP server (aiosmtpd) and signs in. Chromium against a live server."""

from __future__ import annotations

import re

import pytest

from scheduler.extensions import mail
from tests.accessibility import assert_accessible
from tests.factories import make_org
from tests.polling import wait_until
from tests.smtp_sink import SmtpSink
from tests.support.people import sign_in_page

pytestmark = pytest.mark.browser

COORDINATOR_PASSWORD = "coordinator's own password"


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def site(app, admin, smtp, live_server):
    """The live server sends mail to the sink and writes links to itself."""
    from scheduler.extensions import db

    make_org("tartu", name="Tartu linn")
    db.session.commit()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_SUPPRESS_SEND=False, BASE_URL=live_server
    )
    mail.init_app(app)  # Flask-Mail reads its settings when initialised
    return live_server


def test_an_admin_invites_a_coordinator_who_sets_a_password_from_the_mail_and_signs_in(
    site, smtp, page, browser
):
    sign_in_page(page, site, "adviser@elvl.ee", check=assert_accessible)
    page.get_by_role("link", name="People").click()
    assert_accessible(page)
    invite = page.locator("form", has=page.get_by_role("button", name="Send the invitation"))
    invite.get_by_label("Email").fill("mari@tartu.ee")
    invite.get_by_label("Name").fill("Mari Maasikas")
    invite.get_by_label("Role").select_option("coordinator")
    invite.get_by_label("Organisation").select_option("tartu")
    invite.get_by_label("Language").select_option("en")
    invite.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("An invitation was sent to mari@tartu.ee.").wait_for()
    assert "mari@tartu.ee" in page.locator("table.people").inner_text()
    assert_accessible(page)

    received = wait_until(lambda: smtp.received, timeout=30, what="the invitation mail")
    (message,) = [r.message for r in received]
    assert message["To"] == "mari@tartu.ee"
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/account/invitation/\S+", text).group(0)
    assert link.startswith(site)

    coordinator = browser.new_context(locale="en-GB", timezone_id="Europe/Tallinn").new_page()
    try:
        coordinator.goto(link)
        assert_accessible(coordinator)
        coordinator.get_by_label("New password", exact=True).fill(COORDINATOR_PASSWORD)
        coordinator.get_by_label("New password again").fill(COORDINATOR_PASSWORD)
        coordinator.get_by_role("button", name="Save the password and sign in").click()
        coordinator.get_by_role("heading", name="Your account").wait_for()
        assert "mari@tartu.ee" in coordinator.locator("main").inner_text()
        assert_accessible(coordinator)

        coordinator.get_by_role("button", name="Sign out").click()
        coordinator.wait_for_load_state()
        sign_in_page(
            coordinator, site, "mari@tartu.ee", COORDINATOR_PASSWORD, check=assert_accessible
        )
        assert coordinator.get_by_role("link", name="People").is_visible()
        coordinator.get_by_role("link", name="People").click()
        assert "Tartu" in coordinator.locator("table.people").inner_text()
        assert_accessible(coordinator)

        coordinator.goto(link)  # the link worked once
        assert "already been used" in coordinator.locator("main").inner_text()
    finally:
        coordinator.context.close()
