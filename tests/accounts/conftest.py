"""The accounts tests' admin, and the sign-in form's raw answer (tests.support.people
signs people in for everyone else)."""

from __future__ import annotations

import pytest

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from tests.support import people
from tests.support.people import PASSWORD, fresh


@pytest.fixture
def admin(app) -> User:
    user = User(email="adviser@elvl.ee", role=Role.ADMIN)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


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


def sign_in(client, email: str = "adviser@elvl.ee", password: str = PASSWORD, **form):
    """The sign-in form's answer, in English (these tests read its messages)."""
    return people.sign_in(client, email, password, query="?lang=en", **form)
