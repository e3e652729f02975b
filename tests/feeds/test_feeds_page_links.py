"""Private feed links on the feeds page: created and revoked through its forms, by whom the
policy allows (the link's owner; an admin may revoke anyone's, say a leaked one)."""

from __future__ import annotations

import pytest

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from scheduler.feeds.models import FeedToken, issue_token
from tests.support.people import signed_in


@pytest.fixture
def people(app):
    made = {}
    for email, role in (("admin@elvl.ee", Role.ADMIN), ("viewer@elvl.ee", Role.VIEWER)):
        user = User(email=email, role=role)
        user.set_password("secret-pass")
        db.session.add(user)
        made[role] = user
    db.session.commit()
    return made


def _revoked(token_id: int) -> bool:
    db.session.expire_all()
    return db.session.get(FeedToken, token_id).revoked_at is not None


def test_anonymous_visitors_get_no_private_links(people, client):
    row, _secret = issue_token(people[Role.VIEWER])
    db.session.commit()
    for path in ("/feeds/tokens", f"/feeds/tokens/{row.id}/revoke"):
        answer = client.post(path, data={"label": "x"})  # asked to sign in first
        assert answer.status_code == 302 and "/account/login" in answer.location
    assert db.session.query(FeedToken).count() == 1 and not _revoked(row.id)


def test_a_signed_in_person_creates_a_labelled_link_shown_once(people, client):
    signed_in(client, "viewer@elvl.ee")
    page = client.post("/feeds/tokens?lang=en", data={"label": "  Outlook at work  "})
    assert page.status_code == 200
    assert "shown only once" in page.get_data(as_text=True)
    row = db.session.query(FeedToken).one()
    assert (row.user.email, row.label) == ("viewer@elvl.ee", "Outlook at work")


def test_someone_elses_link_is_not_found_but_an_admin_revokes_it(people, app, client):
    row, _secret = issue_token(people[Role.ADMIN])
    theirs, _secret = issue_token(people[Role.VIEWER])
    db.session.commit()
    signed_in(client, "viewer@elvl.ee")
    assert client.post(f"/feeds/tokens/{row.id}/revoke").status_code == 404
    assert not _revoked(row.id)

    admin = app.test_client()
    signed_in(admin, "admin@elvl.ee")
    assert admin.post(f"/feeds/tokens/{theirs.id}/revoke").status_code == 302
    assert _revoked(theirs.id)
