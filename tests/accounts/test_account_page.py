"""The account page: language (of pages and mail), reminder mail, password, feed links."""

from __future__ import annotations

from scheduler.accounts.models import User
from scheduler.extensions import db
from scheduler.feeds.models import FeedToken
from tests.accounts.conftest import PASSWORD, fresh, sign_in

NEW_PASSWORD = "my new long password"


def _reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_the_chosen_language_is_used_for_pages_when_signed_in_unless_lang_is_given(app, admin):
    client = app.test_client()
    sign_in(client)
    fresh()
    client.post("/account/preferences", data={"locale": "ru", "reminders": "y"})
    assert _reload(admin).locale == "ru"
    fresh()
    assert 'lang="ru"' in client.get("/account/").get_data(as_text=True)
    fresh()
    assert 'lang="et"' in client.get("/account/?lang=et").get_data(as_text=True)
    other = app.test_client()
    fresh()
    page = other.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in page, "another browser is not signed in: its own language"


def test_reminder_mail_can_be_switched_off_and_on(app, client, admin):
    sign_in(client)
    fresh()
    client.post("/account/preferences", data={"locale": "et"})
    assert _reload(admin).reminders_opt_out is True
    fresh()
    client.post("/account/preferences", data={"locale": "et", "reminders": "y"})
    assert _reload(admin).reminders_opt_out is False


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(app, admin):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop)
    sign_in(phone)
    fresh()
    wrong = laptop.post(
        "/account/password?lang=en",
        data={"current": "wrong", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    fresh()
    laptop.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    fresh()
    assert laptop.get("/account/").status_code == 200  # this session goes on
    fresh()
    assert phone.get("/account/").status_code == 302  # the other one ended
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 302


def test_private_feed_links_are_created_shown_once_and_revoked(app, client, admin):
    sign_in(client)
    fresh()
    created = client.post("/account/feeds?lang=en", data={"label": "Outlook"})
    page = created.get_data(as_text=True)
    assert created.status_code == 200 and "/feeds/" in page and "mine.ics" in page
    (token,) = db.session.query(FeedToken).all()
    fresh()
    listed = client.get("/account/?lang=en").get_data(as_text=True)
    assert token.hint in listed and "Outlook" in listed and "mine.ics" not in listed
    fresh()
    assert client.post(f"/account/feeds/{token.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(FeedToken, token.id).revoked_at is not None


def test_nobody_revokes_someone_elses_feed_link(app, client, admin):
    from scheduler.accounts.models import Role
    from scheduler.feeds.models import issue_token

    other = User(email="other@elvl.ee", role=Role.VIEWER)
    db.session.add(other)
    row, _secret = issue_token(other)
    db.session.commit()
    sign_in(client)
    fresh()
    # an admin knows the link (the feeds page lists it), but it is not theirs to revoke here
    assert client.post(f"/account/feeds/{row.id}/revoke").status_code == 403
    assert db.session.get(type(row), row.id).revoked_at is None


def test_the_account_page_needs_a_sign_in(app, client):
    fresh()
    assert client.get("/account/").status_code == 302
