"""Forgot password: the same answer for every email, a link valid one hour and once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.accounts.links import RESET
from tests.accounts.conftest import PASSWORD, fresh, is_signed_in, sign_in
from tests.accounts.support import captured_mail, link_in, link_made_ago, path_of

NEW_PASSWORD = "another long password"


def _ask(client, email: str):
    fresh()
    response = client.post("/account/forgot?lang=en", data={"email": email})
    fresh()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return response.status_code, response.headers["Location"], page


def test_the_answer_is_the_same_whether_or_not_the_email_exists(app, admin):
    known = _ask(app.test_client(), "adviser@elvl.ee")
    unknown = _ask(app.test_client(), "nobody@elvl.ee")
    assert known == unknown
    assert "If this email belongs to an account" in known[2]
    (mail,) = captured_mail(app)  # only the real account got a message
    assert mail["To"] == "adviser@elvl.ee"


def test_the_sign_in_page_links_to_forgot_password(app, client):
    fresh()
    assert "/account/forgot" in client.get("/account/login").get_data(as_text=True)


def test_a_reset_link_sets_a_new_password_once_and_ends_other_sessions(app, admin):
    laptop = app.test_client()
    sign_in(laptop)
    _ask(app.test_client(), "adviser@elvl.ee")
    path = path_of(link_in(captured_mail(app)[0]))

    phone = app.test_client()
    fresh()
    response = phone.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert sign_in(app.test_client(), password=PASSWORD).status_code == 401
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 302
    fresh()
    assert app.test_client().get(path).status_code == 410


def test_different_passwords_are_refused_on_the_page(app, admin):
    _ask(app.test_client(), "adviser@elvl.ee")
    path = path_of(link_in(captured_mail(app)[0]))
    fresh()
    response = app.test_client().post(
        path + "?lang=en", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}
    )
    assert response.status_code == 400
    assert "The passwords differ." in response.get_data(as_text=True)


@pytest.mark.parametrize(("minutes", "status"), [(59, 200), (61, 410)])
def test_a_reset_link_works_for_one_hour(app, admin, minutes, status):
    token = link_made_ago(app, admin, RESET, timedelta(minutes=minutes))
    fresh()
    assert app.test_client().get(f"/account/reset/{token}").status_code == status


def test_no_reset_mail_for_a_deactivated_person(app, admin):
    from scheduler.accounts.services import deactivate

    deactivate(admin)
    _ask(app.test_client(), "adviser@elvl.ee")
    assert captured_mail(app) == []
