"""Failed sign-ins are throttled per account and per address; unknown emails cost the same."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from config import Config
from scheduler import create_app
from scheduler.accounts import services
from scheduler.accounts.models import LoginFailure
from scheduler.extensions import db
from tests.accounts.conftest import PASSWORD, fresh
from tests.conftest import _config


def _sign_in_from(client, address: str, **kwargs):
    fresh()
    data = {"email": kwargs.get("email", "adviser@elvl.ee"), "password": kwargs.get("password")}
    return client.post(
        f"/account/login?lang={kwargs.get('lang', 'en')}",
        data=data,
        environ_base={"REMOTE_ADDR": address},
    )


def _failures(client, times: int, address: str = "192.0.2.1", email: str = "adviser@elvl.ee"):
    for _ in range(times):
        response = _sign_in_from(client, address, email=email, password="wrong")
        assert response.status_code == 401, response.status_code


def test_after_ten_failures_the_account_answers_429_even_to_the_right_password(app, admin, client):
    _failures(client, 10)
    response = _sign_in_from(client, "192.0.2.1", password=PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many failed sign-in attempts." in page
    assert "Try again in 15 minutes." in page
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60


def test_nine_failures_still_let_the_right_password_in(app, admin, client):
    _failures(client, 9)
    assert _sign_in_from(client, "192.0.2.1", password=PASSWORD).status_code == 302


def test_failures_from_many_addresses_cannot_lock_the_owner_out(app, admin, client):
    for number in range(10):
        _failures(client, 1, address=f"198.51.100.{number}")
    # the addresses that failed for the account are throttled for it
    assert _sign_in_from(client, "198.51.100.0", password=PASSWORD).status_code == 429
    # the owner, from an address of their own, gets in with the right password
    assert _sign_in_from(client, "203.0.113.9", password=PASSWORD).status_code == 302


def test_past_the_account_limit_each_new_address_gets_one_guess(app, admin, client, few):
    for number in range(few):
        _failures(client, 1, address=f"198.51.100.{number}")
    assert _sign_in_from(client, "203.0.113.9", password="wrong").status_code == 401
    assert _sign_in_from(client, "203.0.113.9", password=PASSWORD).status_code == 429


def test_an_address_is_throttled_whatever_accounts_it_tries(app, admin, client, few):
    for number in range(few):
        _failures(client, 1, email=f"guess{number}@elvl.ee")
    assert _sign_in_from(client, "192.0.2.1", password=PASSWORD).status_code == 429
    assert _sign_in_from(client, "192.0.2.2", password=PASSWORD).status_code == 302


def test_sign_ins_are_allowed_again_once_the_window_has_passed(app, admin, client, few):
    _failures(client, few)
    assert _sign_in_from(client, "192.0.2.1", password=PASSWORD).status_code == 429
    _age_failures(minutes=15)
    assert _sign_in_from(client, "192.0.2.1", password=PASSWORD).status_code == 302


def test_the_wait_is_counted_from_the_oldest_failure_in_the_window(app, admin, client, few):
    _failures(client, few)
    _age_failures(minutes=11)
    response = _sign_in_from(client, "192.0.2.1", password="wrong")
    assert response.status_code == 429
    assert "Try again in 4 minutes." in response.get_data(as_text=True)


def test_the_too_many_attempts_page_speaks_the_users_language(app, admin, client, few):
    _failures(client, few)
    response = _sign_in_from(client, "192.0.2.1", password=PASSWORD, lang="et")
    assert response.status_code == 429
    assert "Liiga palju" in response.get_data(as_text=True)


def test_failures_seen_by_one_web_worker_count_in_another(
    app, admin, client, database_url, tmp_path
):
    _failures(client, 10)
    other_worker = create_app(_config(database_url, INSTANCE_PATH=str(tmp_path / "other")))
    with other_worker.app_context():
        response = other_worker.test_client().post(
            "/account/login",
            data={"email": "adviser@elvl.ee", "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "192.0.2.1"},
        )
        db.session.remove()
    assert response.status_code == 429


def _age_failures(minutes: int) -> None:
    for failure in db.session.scalars(select(LoginFailure)):
        failure.failed_at_utc -= timedelta(minutes=minutes)
    db.session.commit()


@pytest.fixture
def few(app):
    """Fewer failures before the throttle, so that tests about who counts run quickly."""
    app.config["LOGIN_MAX_FAILURES"] = 3
    return 3


@pytest.fixture
def hash_checks(monkeypatch) -> list[str]:
    """Every password hash the sign-in checks, through the real werkzeug function."""
    checked: list[str] = []
    real = services.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    return checked


@pytest.fixture
def served_password_hashes(app):
    """The method a deployment hashes with, not the tests' cheap one (TestConfig)."""
    app.config["PASSWORD_HASH_METHOD"] = Config.PASSWORD_HASH_METHOD


def test_an_unknown_email_costs_a_password_check_like_a_wrong_password(
    app, served_password_hashes, admin, client, hash_checks
):
    _sign_in_from(client, "192.0.2.1", email="adviser@elvl.ee", password="wrong")
    _sign_in_from(client, "192.0.2.1", email="nobody@elvl.ee", password="wrong")
    assert len(hash_checks) == 2
    known, unknown = hash_checks
    assert unknown != known
    method = generate_password_hash("x").split("$")[0]  # werkzeug's default: scrypt:32768:8:1
    assert known.split("$")[0] == unknown.split("$")[0] == method


def test_a_user_without_a_password_costs_a_password_check_too(app, client, hash_checks):
    from scheduler.accounts.models import Role, User

    db.session.add(User(email="organiser@tartu.ee", role=Role.ORGANISER))
    db.session.commit()
    response = _sign_in_from(client, "192.0.2.1", email="organiser@tartu.ee", password="x")
    assert response.status_code == 401
    assert len(hash_checks) == 1


def _change_password(client, current: str, address: str = "192.0.2.1"):
    fresh()
    new = "a new long password"
    return client.post(
        "/account/password?lang=en",
        data={"current": current, "password": new, "confirm": new},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_current_password_check_is_throttled_like_sign_ins(app, admin, client, few):
    assert _sign_in_from(client, "192.0.2.1", password=PASSWORD).status_code == 302
    for _ in range(few):
        response = _change_password(client, "wrong")
        assert response.status_code == 400
        assert "This is not your current password." in response.get_data(as_text=True)
    refused = _change_password(client, PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert admin.check_password(PASSWORD)  # unchanged
