"""The people page: who is listed, role changes and deactivation, and who may do them."""

from __future__ import annotations

import pytest

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from tests.accounts.conftest import PASSWORD, fresh, sign_in
from tests.accounts.support import make_person


@pytest.fixture
def people(app, admin):
    return {
        "coord": make_person("coord@tartu.ee", Role.COORDINATOR, "tartu"),
        "club": make_person("club@tartu.ee", Role.ORGANISER, "tartu"),
        "other": make_person("club@narva.ee", Role.ORGANISER, "narva"),
        "other_coord": make_person("coord@tartu2.ee", Role.COORDINATOR, "tartu"),
    }


def _get(client, path):
    fresh()
    return client.get(path + "?lang=en")


def _post(client, path, **data):
    fresh()
    return client.post(path + "?lang=en", data=data)


def _reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_an_admin_sees_everyone_and_a_coordinator_only_their_organisation(app, people):
    admin_client, coord_client = app.test_client(), app.test_client()
    sign_in(admin_client)
    sign_in(coord_client, "coord@tartu.ee")
    everyone = _get(admin_client, "/account/people").get_data(as_text=True)
    theirs = _get(coord_client, "/account/people").get_data(as_text=True)
    assert "club@narva.ee" in everyone and "club@tartu.ee" in everyone
    assert "club@tartu.ee" in theirs and "club@narva.ee" not in theirs


def test_the_people_page_needs_a_sign_in(app, client):
    response = _get(client, "/account/people")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_an_admin_changes_a_role_and_the_persons_sessions_end(app, client, people):
    club_client = app.test_client()
    sign_in(club_client, "club@tartu.ee")
    sign_in(client)
    response = _post(client, f"/account/people/{people['club'].id}/role", role="coordinator")
    assert response.status_code == 302
    assert _reload(people["club"]).role == Role.COORDINATOR
    assert _get(club_client, "/account/").status_code == 302  # signed out


def test_a_coordinator_may_make_an_organiser_a_viewer_but_not_a_coordinator(app, client, people):
    sign_in(client, "coord@tartu.ee")
    club = people["club"]
    assert _post(client, f"/account/people/{club.id}/role", role="viewer").status_code == 302
    assert _reload(club).role == Role.VIEWER
    assert _post(client, f"/account/people/{club.id}/role", role="coordinator").status_code == 403
    assert _post(client, f"/account/people/{club.id}/role", role="admin").status_code == 403
    assert _reload(club).role == Role.VIEWER


def test_a_coordinator_cannot_touch_people_of_another_organisation_or_other_coordinators(
    app, client, people
):
    sign_in(client, "coord@tartu.ee")
    other, peer = people["other"], people["other_coord"]
    assert _post(client, f"/account/people/{other.id}/deactivate").status_code == 404
    assert _post(client, f"/account/people/{other.id}/role", role="viewer").status_code == 404
    assert _post(client, f"/account/people/{peer.id}/deactivate").status_code == 403
    assert _reload(other).active and _reload(peer).active


def test_nobody_changes_their_own_role_or_deactivates_themselves(app, client, people, admin):
    sign_in(client)
    assert _post(client, f"/account/people/{admin.id}/role", role="viewer").status_code == 403
    assert _post(client, f"/account/people/{admin.id}/deactivate").status_code == 403
    coord_client = app.test_client()
    sign_in(coord_client, "coord@tartu.ee")
    coord = people["coord"]
    assert _post(coord_client, f"/account/people/{coord.id}/deactivate").status_code == 403
    assert _reload(admin).role == Role.ADMIN and _reload(coord).active


def test_a_deactivated_person_cannot_sign_in_until_reactivated(app, client, people):
    club_client = app.test_client()
    assert sign_in(club_client, "club@tartu.ee").status_code == 302
    sign_in(client, "coord@tartu.ee")
    club = people["club"]
    assert _post(client, f"/account/people/{club.id}/deactivate").status_code == 302
    assert _get(club_client, "/account/").status_code == 302  # the open session ended
    assert sign_in(app.test_client(), "club@tartu.ee", PASSWORD).status_code == 401
    assert _post(client, f"/account/people/{club.id}/reactivate").status_code == 302
    assert sign_in(app.test_client(), "club@tartu.ee", PASSWORD).status_code == 302


def test_organisers_and_viewers_cannot_manage_people(app, client, people):
    sign_in(client, "club@tartu.ee")
    other = people["other"]
    assert _get(client, "/account/people").status_code == 403
    assert _post(client, f"/account/people/{other.id}/deactivate").status_code in (403, 404)


def test_the_header_links_to_the_people_page_only_for_those_who_may_see_it(app, people):
    coord_client, club_client = app.test_client(), app.test_client()
    sign_in(coord_client, "coord@tartu.ee")
    sign_in(club_client, "club@tartu.ee")
    assert "/account/people" in _get(coord_client, "/account/").get_data(as_text=True)
    assert "/account/people" not in _get(club_client, "/account/").get_data(as_text=True)


def test_each_persons_role_picker_shows_their_role_and_offers_only_what_may_be_given(
    app, client, people
):
    from html.parser import HTMLParser

    class Picker(HTMLParser):
        def __init__(self):
            super().__init__()
            self.options, self.inside = [], False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "select":
                self.inside = attrs.get("id") == f"role-{people['club'].id}"
            elif tag == "option" and self.inside:
                self.options.append((attrs["value"], "selected" in attrs))

        def handle_endtag(self, tag):
            self.inside = self.inside and tag != "select"

    sign_in(client, "coord@tartu.ee")
    picker = Picker()
    picker.feed(_get(client, "/account/people").get_data(as_text=True))
    assert picker.options == [("viewer", False), ("organiser", True)]  # the least role first
