"""Signing out, a new password and deactivation end every session of the user."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from scheduler.accounts.models import User
from scheduler.extensions import db
from tests.accounts.conftest import (
    PASSWORD,
    client_with_cookies,
    cookie,
    fresh,
    is_signed_in,
    sign_in,
)


def _signed_in_client(app):
    client = app.test_client()
    assert sign_in(client).status_code == 302
    assert is_signed_in(client)
    return client


def test_a_session_cookie_kept_from_before_sign_out_no_longer_signs_in(app, admin):
    client = _signed_in_client(app)
    old_session = cookie(client)

    fresh()
    client.post("/account/logout")

    replayed = client_with_cookies(app, session=old_session)
    assert not is_signed_in(replayed)


def test_signing_out_ends_the_users_sessions_on_other_devices_too(app, admin):
    laptop, phone = _signed_in_client(app), _signed_in_client(app)
    fresh()
    laptop.post("/account/logout")
    assert not is_signed_in(phone)


def test_a_remember_me_cookie_stops_working_after_sign_out(app, admin):
    from flask_login import login_user

    with app.test_request_context():
        login_user(admin, remember=True)
        g.pop("_login_user", None)
        response = app.make_response("")
        app.login_manager._update_remember_cookie(response)
        remember = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1].strip('"')
    assert is_signed_in(client_with_cookies(app, remember_token=remember))

    client = _signed_in_client(app)
    fresh()
    client.post("/account/logout")
    assert not is_signed_in(client_with_cookies(app, remember_token=remember))


def test_a_new_password_from_the_command_line_ends_existing_sessions(app, admin, runner):
    client = _signed_in_client(app)
    result = runner.invoke(
        args=["users", "password", admin.email], input="a new long secret\na new long secret\n"
    )
    assert result.exit_code == 0, result.output
    assert not is_signed_in(client)
    assert sign_in(client).status_code == 401, "the old password is gone"
    assert sign_in(client, password="a new long secret").status_code == 302


def test_a_deactivated_user_is_signed_out_and_cannot_sign_in_again(app, admin, runner):
    client = _signed_in_client(app)
    result = runner.invoke(args=["users", "deactivate", admin.email])
    assert result.exit_code == 0, result.output
    assert not is_signed_in(client)
    response = sign_in(client)
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(User.active).where(User.email == admin.email)) is False


def test_the_user_commands_refuse_an_unknown_email(runner, app):
    result = runner.invoke(args=["users", "deactivate", "nobody@x.ee"])
    assert result.exit_code != 0 and "no user nobody@x.ee" in result.output


def test_session_cookies_are_httponly_and_samesite_lax_and_not_secure_over_http(app, admin):
    client = app.test_client()
    response = sign_in(client)
    set_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie


def test_session_cookies_are_secure_when_the_site_is_served_over_https(database_url, tmp_path):
    from scheduler import create_app
    from tests.conftest import _config

    app = create_app(
        _config(database_url, BASE_URL="https://kalender.elvl.ee", INSTANCE_PATH=str(tmp_path))
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        response = app.make_response("")
        app.session_interface.save_session(app, session, response)
    set_cookie = response.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


def test_signing_in_again_after_sign_out_works(app, admin):
    client = _signed_in_client(app)
    fresh()
    client.post("/account/logout")
    assert sign_in(client, password=PASSWORD).status_code == 302
    assert is_signed_in(client)
