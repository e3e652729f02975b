"""Private feed links show what their owner may see at the time of each request: another
organisation's internal meetings never, and nothing at all once the owner is deactivated."""

from __future__ import annotations

from datetime import date, time

import pytest

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from scheduler.feeds.models import issue_token
from scheduler.feeds.service import feed_cache
from scheduler.organisations.models import OrganisationKind
from tests.factories import expand, make_org, make_series

WINDOW = {"from": "2024-01-01", "to": "2025-01-01"}


@pytest.fixture
def cities(app):
    """Tartu and Tallinn, each with a public club and an internal agency network."""
    for city in ("tartu", "tallinn"):
        org = make_org(city, OrganisationKind.PARTNER)
        for key, public in (("club", True), ("network", False)):
            expand(
                make_series(
                    f"{city}-{key}",
                    org=org,
                    title=f"{city} {key}",
                    rule="FREQ=MONTHLY;COUNT=3",
                    start=date(2024, 3, 5),
                    at=time(10, 0),
                    bounds=None,
                    organisers=[f"lead@{city}.ee"],
                    is_public=public,
                )
            )
    db.session.commit()


def _link(email: str, role: Role, city: str | None) -> tuple[User, str]:
    user = User(email=email, role=role, organisation=make_org(city) if city else None)
    db.session.add(user)
    _row, secret = issue_token(user)
    db.session.commit()
    return user, secret


def _titles(client, path: str) -> set[str]:
    import icalendar

    response = client.get(path, query_string=WINDOW)
    assert response.status_code == 200, path
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}


@pytest.mark.parametrize("path", ["all.ics", "org/tallinn.ics", "type/club.ics"])
def test_an_organiser_in_tartu_gets_no_internal_meeting_of_tallinn(client, cities, path):
    _user, secret = _link("someone@tartu.ee", Role.ORGANISER, "tartu")

    titles = _titles(client, f"/feeds/{secret}/{path}")

    assert "tallinn network" not in titles and "tartu network" not in titles


def test_a_coordinators_private_feed_holds_their_own_internal_meetings_only(client, cities):
    _user, secret = _link("coord@tartu.ee", Role.COORDINATOR, "tartu")

    titles = _titles(client, f"/feeds/{secret}/all.ics")

    assert {"tartu network", "tartu club", "tallinn club"} <= titles
    assert "tallinn network" not in titles
    assert "tallinn network" not in _titles(client, f"/feeds/{secret}/org/tallinn.ics")


def test_an_organiser_sees_the_internal_meetings_that_name_them(client, cities):
    _user, secret = _link("lead@tallinn.ee", Role.ORGANISER, "tallinn")

    assert "tallinn network" in _titles(client, f"/feeds/{secret}/all.ics")
    assert "tallinn network" in _titles(client, f"/feeds/{secret}/mine.ics")
    assert "tartu network" not in _titles(client, f"/feeds/{secret}/all.ics")


def test_an_admins_private_feed_holds_every_internal_meeting(client, cities):
    _user, secret = _link("admin@elvl.ee", Role.ADMIN, None)

    assert {"tartu network", "tallinn network"} <= _titles(client, f"/feeds/{secret}/all.ics")


@pytest.mark.parametrize("path", ["all.ics", "mine.ics", "org/tartu.ics", "all.ics?mode=series"])
def test_deactivating_the_owner_revokes_their_links_at_once(client, cities, path):
    user, secret = _link("coord@tartu.ee", Role.COORDINATOR, "tartu")
    url = f"/feeds/{secret}/{path}"
    assert client.get(url, query_string=WINDOW if "?" not in url else None).status_code == 200
    assert client.get(url, query_string=WINDOW if "?" not in url else None).status_code == 200

    user.active = False
    db.session.commit()

    response = client.get(url, query_string=WINDOW if "?" not in url else None)
    assert response.status_code == 404
    assert b"network" not in response.data and b"CLASS:PRIVATE" not in response.data


def test_a_reactivated_owners_links_answer_again(client, cities):
    user, secret = _link("coord@tartu.ee", Role.COORDINATOR, "tartu")
    user.active = False
    db.session.commit()
    assert client.get(f"/feeds/{secret}/all.ics").status_code == 404

    user.active = True
    db.session.commit()

    assert client.get(f"/feeds/{secret}/all.ics").status_code == 200


def test_reduced_rights_shrink_the_feed_at_the_next_request(client, cities):
    user, secret = _link("coord@tartu.ee", Role.COORDINATOR, "tartu")
    assert "tartu network" in _titles(client, f"/feeds/{secret}/all.ics")

    user.role = Role.ORGANISER  # no longer the organisation's coordinator, not named either
    db.session.commit()

    assert "tartu network" not in _titles(client, f"/feeds/{secret}/all.ics")


def test_the_fast_path_never_answers_a_private_link_from_memory(app, client, cities):
    user, secret = _link("coord@tartu.ee", Role.COORDINATOR, "tartu")
    for _ in range(3):
        assert client.get(f"/feeds/{secret}/all.ics").status_code == 200
    assert client.get("/feeds/all.ics").status_code == 200  # a public one is remembered

    environ = {"PATH_INFO": f"/feeds/{secret}/all.ics", "QUERY_STRING": ""}
    assert feed_cache().hot_for(environ) is None
    assert feed_cache().hot_for({"PATH_INFO": "/feeds/all.ics", "QUERY_STRING": ""}) is not None

    user.active = False
    db.session.commit()
    assert client.get(f"/feeds/{secret}/all.ics").status_code == 404
