"""Subscribing on the public site: the form, double opt-in, changing the choices and the
one-click unsubscribe that erases the address."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from subscriptions_support import (
    confirm,
    link_in,
    mails_to,
    monday_morning,
    path_of,
    subscribe,
    text_of,
    tick,
)

from scheduler.extensions import db
from scheduler.mail.models import Reminder
from scheduler.subscriptions.models import Subscriber, SubscriberState
from scheduler.subscriptions.service import send_digests

pytestmark = pytest.mark.postgres


def _subscribers() -> list[Subscriber]:
    db.session.expire_all()
    return list(db.session.scalars(select(Subscriber)))


def test_the_listing_links_to_the_form_with_its_city(client, upcoming):
    assert 'href="/subscribe"' in client.get("/public").get_data(as_text=True)
    city_page = client.get("/city/tartu").get_data(as_text=True)
    assert 'href="/subscribe?org=tartu"' in city_page
    form = client.get("/subscribe?org=tartu").get_data(as_text=True)
    assert 'checked id="cities-1" name="cities" type="checkbox" value="tartu"' in form
    assert 'value="online"' in form


def test_the_form_says_what_the_address_is_for_and_asks_consent(client, app):
    page = client.get("/subscribe").get_data(as_text=True)
    assert "only to send you the alerts you choose" in page
    assert "erased after 7 days" in page
    assert 'name="consent"' in page
    refused = subscribe(client, consent="")
    assert refused.status_code == 400
    assert "Email alerts need your consent." in refused.get_data(as_text=True)
    assert _subscribers() == []


def test_the_form_speaks_the_readers_language(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ru"
    page = client.get("/subscribe").get_data(as_text=True)
    assert 'lang="ru"' in page
    assert "Email alerts" not in page


def test_subscribing_sends_only_the_confirmation_in_the_mail_language(client, smtp, upcoming):
    response = subscribe(client, cities="tartu", mail_language="ru")
    assert response.status_code == 200
    assert "newcomer@example.ee" not in response.get_data(as_text=True)
    (row,) = _subscribers()
    assert row.state == SubscriberState.PENDING and row.cities == ["tartu"]
    assert row.mail_language == "ru"
    tick()
    (mail,) = mails_to(smtp)
    assert mail.recipients == ["newcomer@example.ee"]
    assert mail.message["Content-Language"] == "ru"
    assert "/subscribe/confirm/" in text_of(mail)
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    send_digests(monday_morning())  # a digest's time: nothing for an address not confirmed
    assert len(mails_to(smtp)) == 1


def test_following_the_link_confirms_after_a_button(client, smtp, upcoming):
    subscribe(client, cities="tartu")
    tick()
    link = link_in(mails_to(smtp)[0], "/subscribe/confirm/")
    assert "Confirm" in client.get(link).get_data(as_text=True)
    assert _subscribers()[0].state == SubscriberState.PENDING  # a scanner's GET confirms nothing
    done = client.post(link)
    assert done.status_code == 200 and "/subscriptions/" in done.get_data(as_text=True)
    (row,) = _subscribers()
    assert row.state == SubscriberState.CONFIRMED and row.confirmed_at is not None
    assert client.get(link).status_code == 410  # used


def test_a_second_subscription_changes_the_choice_only_once_confirmed(client, smtp, upcoming):
    confirm(client, smtp, cities="tartu")
    subscribe(client, cities="parnu")
    assert _subscribers()[0].cities == ["tartu"]
    tick()
    client.post(link_in(mails_to(smtp)[-1], "/subscribe/confirm/"))
    (row,) = _subscribers()
    assert row.cities == ["parnu"] and row.state == SubscriberState.CONFIRMED


def test_the_answer_says_nothing_about_whether_an_address_is_subscribed(client, smtp, upcoming):
    first = subscribe(client, "someone@example.ee").get_data(as_text=True)
    confirm(client, smtp, "newcomer@example.ee")
    again = subscribe(client, "newcomer@example.ee").get_data(as_text=True)
    assert first == again


def test_a_robot_filling_the_honeypot_is_told_it_worked(client, smtp):
    response = subscribe(client, website="http://spam.example")
    assert response.status_code == 200
    assert _subscribers() == []
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0


def test_requests_per_address_are_limited(client, app):
    app.config["SUBSCRIPTION_MAX_PER_ACCOUNT"] = 2
    assert subscribe(client).status_code == 200
    assert subscribe(client).status_code == 200
    refused = subscribe(client)
    assert refused.status_code == 429 and refused.headers["Retry-After"]


def test_the_manage_link_changes_the_choices(client, smtp, upcoming):
    confirm(client, smtp, cities="tartu")
    link = path_of(_subscribers()[0], "manage")
    page = client.get(link).get_data(as_text=True)
    assert 'checked id="cities-1" name="cities" type="checkbox" value="tartu"' in page
    data = {"cities": ["online"], "types": ["club"], "frequency": "immediate"}
    assert client.post(link, data={**data, "mail_language": "et"}).status_code == 200
    (row,) = _subscribers()
    assert (row.cities, row.types, row.frequency, row.mail_language) == (
        ["online"],
        ["club"],
        "immediate",
        "et",
    )
    assert client.get("/subscriptions/forged").status_code == 410


def test_one_click_unsubscribe_erases_the_address(client, smtp, upcoming):
    confirm(client, smtp, cities="tartu")
    subscribe(client, cities="parnu")  # an unsent confirmation names the address too
    tick()
    link = link_in(mails_to(smtp)[-1], "/unsubscribe/")
    page = client.get(link).get_data(as_text=True)
    assert "<button" in page and _subscribers()
    response = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert _subscribers() == []
    outbox = db.session.scalars(select(Reminder.recipient)).all()
    assert "newcomer@example.ee" not in outbox
    assert client.post(link).status_code == 200  # a second click changes nothing
    assert client.get(link).status_code == 410


def test_one_click_works_without_a_csrf_token(app, smtp, upcoming):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    from scheduler.subscriptions.choices import Choice
    from scheduler.subscriptions.service import subscribe as ask

    row = ask("newcomer@example.ee", Choice())
    db.session.commit()
    one_click = client.post(
        path_of(row, "unsubscribe"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert _subscribers() == []


def test_no_address_appears_in_a_public_surface_or_a_log(client, smtp, upcoming, caplog):
    caplog.set_level("DEBUG")
    confirm(client, smtp, cities="tartu", frequency="immediate")
    subscribe(client, cities="parnu")
    subscribe(client, "other@example.ee", website="robot")
    for path in ("/public", "/city/tartu", "/subscribe", "/api/events", "/feeds/events.rss"):
        assert "newcomer@example.ee" not in client.get(path).get_data(as_text=True), path
    tick()
    client.post(link_in(mails_to(smtp)[-1], "/unsubscribe/"))
    ours = (r for r in caplog.records if r.name.startswith(("scheduler", "werkzeug", "flask")))
    logged = "\n".join(record.getMessage() for record in ours)  # not the test SMTP server
    assert "/unsubscribe/" in logged  # the requests were logged…
    assert "example.ee" not in logged  # …with no address
