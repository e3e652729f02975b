"""People who sign in: one way to make them, one way to sign them in (test client or browser).

The ``app`` fixture's application context outlives the test client's requests, so Flask-Login
and Flask-Babel would remember the user and language of one request in the next; ``fresh``
forgets them, as a new request to a real server would.
"""

from __future__ import annotations

from flask import g
from flask_babel import refresh
from sqlalchemy import select

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from scheduler.organisations.models import Organisation

PASSWORD = "secret-pass"


def fresh() -> None:
    g.pop("_login_user", None)
    refresh()  # the language, too, is chosen anew by each request


def person(role: Role, org: str | Organisation | None = None, *, email: str | None = None) -> User:
    """A saved, active user with ``PASSWORD``; by default ``<role>@<org slug or elvl>.ee``."""
    if isinstance(org, str):
        org = db.session.scalar(select(Organisation).where(Organisation.slug == org))
        assert org is not None, "no such organisation"
    user = User(
        email=email or f"{role.value}@{org.slug if org else 'elvl'}.ee",
        role=role,
        organisation=org,
        active=True,
    )
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def sign_in(client, email: str, password: str = PASSWORD, *, query: str = "", **form):
    """Post the sign-in form as a fresh request; the answer, for tests of the form itself."""
    fresh()
    answer = client.post(
        f"/account/login{query}", data={"email": email, "password": password, **form}
    )
    fresh()
    return answer


def signed_in(client, email: str, password: str = PASSWORD, *, query: str = ""):
    """The client, signed in as that person (whoever it was signed in as before)."""
    client.post("/account/logout")
    answer = sign_in(client, email, password, query=query)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return client


def signed_in_as(client, role: Role, org: str | Organisation | None = None) -> User:
    """A new person of that role (and organisation), signed in on the client."""
    user = person(role, org)
    signed_in(client, user.email)
    return user


def sign_in_page(page, site: str, email: str, password: str = PASSWORD, *, check=None) -> None:
    """Sign in through the browser, as a person would, in English; ``check(page)`` is run on
    the sign-in form before it is filled in (``tests.accessibility.assert_accessible``)."""
    page.goto(f"{site}/account/login?lang=en")
    if check:
        check(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
