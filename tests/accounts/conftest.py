"""People who sign in, and a client whose every request starts afresh.

The ``app`` fixture's application context outlives the test client's requests, so Flask-Login
and Flask-Babel would remember the user and language of one request in the next; ``fresh``
forgets them, as a new request to a real server would.
"""

from __future__ import annotations

import pytest
from flask import g
from flask_babel import refresh

from scheduler.accounts.models import Role, User
from scheduler.extensions import db

PASSWORD = "correct horse battery"


@pytest.fixture
def admin(app) -> User:
    user = User(email="adviser@elvl.ee", role=Role.ADMIN)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def fresh() -> None:
    g.pop("_login_user", None)
    refresh()  # the language, too, is chosen anew by each request


def sign_in(client, email: str = "adviser@elvl.ee", password: str = PASSWORD, **extra):
    fresh()
    return client.post(
        "/account/login?lang=en", data={"email": email, "password": password, **extra}
    )


def is_signed_in(client) -> bool:
    """Whether the client's cookies open the outbox, a page for signed-in coordinators only."""
    fresh()
    status = client.get("/reminders/").status_code
    fresh()
    assert status in (200, 302), status
    return status == 200


def cookie(client, name: str = "session") -> str | None:
    found = client.get_cookie(name)
    return None if found is None else found.value


def client_with_cookies(app, **cookies: str):
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other
