"""In a browser on a 360 px phone: the subscription pages pass axe in every language and fit; a
newcomer subscribes without JavaScript, confirms from the mail aiosmtpd caught, gets the digest
and a cancellation notice, and unsubscribes with the one-click POST. The acceptance journey of
issue 18 is a Ukrainian newcomer's, for Rakvere's events in Russian and English."""

from __future__ import annotations

import urllib.request

import pytest
from sqlalchemy import select
from subscriptions_support import link_in, mails_to, monday_morning, path_of, text_of, tick

from scheduler.accounts.models import Role
from scheduler.events.models import Event
from scheduler.events.service import cancel_occurrence
from scheduler.extensions import db
from scheduler.subscriptions.models import Subscriber
from scheduler.subscriptions.service import send_digests
from tests.accessibility import axe_violations, sideways_overflow
from tests.support.people import signed_in_as
from tests.support.upcoming import weekly_club

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

PHONE = {"width": 360, "height": 740}


def _problems(page, what: str) -> list[str]:
    found = [f"{what}: {violation}" for violation in axe_violations(page)]
    if wider := sideways_overflow(page):
        found.append(f"{what}: {wider} px wider than the phone")
    return found


def test_the_pages_pass_axe_and_fit_a_phone(app, smtp, upcoming, live_server, browser):
    from scheduler.subscriptions.choices import Choice
    from scheduler.subscriptions.service import confirm, subscribe

    kept = subscribe("kept@example.ee", Choice(cities=("tartu",), frequency="immediate"))
    asked = subscribe("asked@example.ee", Choice())
    db.session.commit()
    confirm(kept)
    paths = {
        "form": "/subscribe?org=tartu",
        "confirm": path_of(asked, "confirm"),
        "manage": path_of(kept, "manage"),
        "unsubscribe": path_of(kept, "unsubscribe"),
    }
    problems = []
    for lang in app.config["LANGUAGES"]:
        context = browser.new_context(viewport=PHONE, java_script_enabled=True)
        page = context.new_page()
        for what, path in paths.items():
            page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}")
            problems += _problems(page, f"{lang} {what}")
        page.goto(f"{live_server}/subscribe?lang={lang}")
        page.click("main button[type=submit]")
        assert page.locator("[aria-invalid=true]").count()
        problems += _problems(page, f"{lang} form with errors")
        context.close()
    assert not problems, "\n".join(problems)


def test_a_newcomer_subscribes_confirms_is_told_and_unsubscribes(
    app, smtp, upcoming, live_server, browser
):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{live_server}/city/tartu")
    page.click("a[href='/subscribe?org=tartu']")
    page.fill("input[name=email]", "newcomer@example.ee")
    page.check("input[name=languages][value=ru]")
    page.check("input[name=languages][value=en]")
    page.check("input[name=frequency][value=immediate]")
    page.check("input[name=mail_language][value=en]")
    page.check("input[name=consent]")
    page.click("main button[type=submit]")
    assert page.locator("#done").count()
    tick()
    (confirmation,) = mails_to(smtp)
    page.goto(live_server + link_in(confirmation, "/subscribe/confirm/"))
    page.click("main button[type=submit]")
    assert page.locator("#done").count()
    send_digests(monday_morning())
    digest = mails_to(smtp)[-1]
    assert "Conversation club" in text_of(digest) and digest.message["Content-Language"] == "en"
    tomorrow = db.session.scalars(
        select(Event).where(Event.series_id == upcoming["club"].id).order_by(Event.start)
    ).first()
    cancel_occurrence(tomorrow, reason="Haigus")
    db.session.commit()
    tick()
    notice = mails_to(smtp)[-1]
    assert notice.message["Subject"].startswith("Cancelled: Conversation club")
    _unsubscribe_with_one_click(app, notice, live_server)
    db.session.expire_all()
    assert db.session.scalars(select(Subscriber)).all() == []
    context.close()


def _rakvere_club():
    """Rakvere's weekly club from tomorrow, held in Russian and English."""
    return weekly_club(
        "rakvere-club",
        "rakvere",
        "Rakvere linn",
        weeks=4,
        title="Rakvere vestlusklubi",
        title_en="Rakvere conversation club",
        title_uk="Розмовний клуб у Раквере",
        languages=["ru", "en"],
    )


def _unsubscribe_with_one_click(app, notice, live_server) -> None:
    """What a mail client does with RFC 8058's List-Unsubscribe-Post: a POST, no page."""
    assert notice.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = notice.message["List-Unsubscribe"].strip("<>")
    request = urllib.request.Request(
        one_click.replace(app.config["BASE_URL"].rstrip("/"), live_server),
        data=b"List-Unsubscribe=One-Click",
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200


def test_a_ukrainian_newcomer_gets_rakvere_events_in_ukrainian_and_unsubscribes(
    app, smtp, upcoming, live_server, browser
):
    club = _rakvere_club()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="uk-UA")
    page = context.new_page()
    page.goto(f"{live_server}/")
    assert page.locator("html").get_attribute("lang") == "uk", "Accept-Language: uk"
    page.goto(f"{live_server}/city/rakvere")
    assert page.locator("html").get_attribute("lang") == "uk"
    page.click("a[href='/subscribe?org=rakvere']")
    assert page.locator("input[name=cities][value=rakvere]").is_checked()
    page.fill("input[name=email]", "newcomer@example.ee")
    page.check("input[name=languages][value=ru]")
    page.check("input[name=languages][value=en]")
    page.check("input[name=frequency][value=immediate]")
    assert page.locator("input[name=mail_language][value=uk]").is_checked()
    page.check("input[name=consent]")
    page.click("main button[type=submit]")
    assert page.locator("#done").count()
    tick()
    (confirmation,) = mails_to(smtp)
    assert confirmation.message["Content-Language"] == "uk"
    page.goto(live_server + link_in(confirmation, "/subscribe/confirm/"))
    page.click("main button[type=submit]")
    assert page.locator("#done").count()

    send_digests(monday_morning())
    digest = mails_to(smtp)[-1]
    assert digest.message["Content-Language"] == "uk"
    assert "Розмовний клуб у Раквере" in text_of(digest)
    assert "Conversation club" not in text_of(digest), "Tartu's events were not asked for"

    coming = db.session.scalars(
        select(Event).where(Event.series_id == club.id).order_by(Event.start)
    ).first()
    coordinator = app.test_client()  # Rakvere's coordinator cancels it on the event's page
    signed_in_as(coordinator, Role.COORDINATOR, "rakvere")
    cancelled = coordinator.post(
        f"/events/{coming.id}/cancel", data={"reason": "Haigus", "reason_uk": "Хвороба"}
    )
    assert cancelled.status_code == 303  # back to the event page
    tick()
    notice = mails_to(smtp)[-1]
    assert notice.message["Content-Language"] == "uk"
    assert "Розмовний клуб у Раквере" in notice.message["Subject"]
    assert "Хвороба" in text_of(notice)

    _unsubscribe_with_one_click(app, notice, live_server)
    db.session.expire_all()
    assert db.session.scalars(select(Subscriber)).all() == []
    context.close()
