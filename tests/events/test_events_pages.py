"""The events pages: the plan as a calendar for everyone, changes for those responsible."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scheduler.accounts.models import Role
from scheduler.events.models import Event, EventStatus, Series
from scheduler.extensions import db
from tests.support.people import person, signed_in


def _first_event(key):
    series = db.session.scalar(select(Series).where(Series.key == key))
    return series.events[0]


def test_the_home_page_lists_the_public_events_of_the_plan(plan_2024, client):
    page = client.get("/?year=2024&lang=en").get_data(as_text=True)
    assert "Social-interaction club (in Estonian)" in page
    assert "County info day (Ida-Virumaa)" in page
    assert "Specialists&#39; network" not in page, "internal meetings are not public"


def test_signed_in_staff_see_internal_meetings_too(plan_2024, client):
    person(Role.ADMIN, email="adviser@elvl.ee")
    signed_in(client, "adviser@elvl.ee")
    page = client.get("/?year=2024&org=tallinn&lang=en").get_data(as_text=True)
    assert "Joint network of city and state agencies" in page


def test_an_internal_event_is_not_shown_to_the_public(plan_2024, client):
    event = _first_event("2024-tallinn-agency-network")
    assert client.get(f"/events/{event.id}").status_code == 404


def test_a_coordinator_records_an_outcome_for_their_own_organisation(plan_2024, client):
    person(Role.COORDINATOR, "tartu", email="coordinator@tartu.ee")
    signed_in(client, "coordinator@tartu.ee")
    event = _first_event("2024-tartu-club-et")
    response = client.post(
        f"/events/{event.id}/held", data={"attendance": "17", "kovs": ["tartu", "elva"]}
    )
    assert response.status_code == 303
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.status == EventStatus.HELD and event.attendance == 17
    assert [o.slug for o in event.participants] == ["elva", "tartu"]


def test_another_organisations_event_is_refused_and_unchanged(plan_2024, client):
    person(Role.COORDINATOR, "tallinn", email="coordinator@tallinn.ee")
    signed_in(client, "coordinator@tallinn.ee")
    event = _first_event("2024-tartu-club-et")
    assert client.post(f"/events/{event.id}/cancel").status_code == 403
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PLANNED


def test_anonymous_changes_are_refused(plan_2024, client):
    event = _first_event("2024-tartu-club-et")
    assert client.post(f"/events/{event.id}/held", data={"attendance": "3"}).status_code == 403


def test_a_bad_outcome_is_explained_and_nothing_changes(plan_2024, client):
    person(Role.COORDINATOR, "tartu", email="coordinator@tartu.ee")
    signed_in(client, "coordinator@tartu.ee")
    event = _first_event("2024-tartu-club-et")
    response = client.post(
        f"/events/{event.id}/held", data={"kovs": ["atlantis"]}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert 'class="flash error"' in page and "atlantis" in page
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PLANNED


def test_a_wrong_password_is_refused(plan_2024, client):
    person(Role.COORDINATOR, "tartu", email="coordinator@tartu.ee")
    response = client.post(
        "/account/login?lang=en", data={"email": "coordinator@tartu.ee", "password": "nope"}
    )
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_login_never_redirects_off_site(plan_2024, client):
    person(Role.COORDINATOR, "tartu", email="coordinator@tartu.ee")
    response = client.post(
        "/account/login?next=https://evil.example/",
        data={"email": "coordinator@tartu.ee", "password": "secret-pass"},
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "lang, heading", [("et", "Sündmused"), ("ru", "События"), ("en", "Events")]
)
def test_the_interface_speaks_estonian_english_and_russian(plan_2024, client, lang, heading):
    page = client.get(f"/?year=2024&lang={lang}").get_data(as_text=True)
    assert f"<h1>{heading} 2024</h1>" in page


def test_in_a_browser_a_coordinator_marks_an_event_held(plan_2024, live_server, page):
    person(Role.COORDINATOR, "tartu", email="coordinator@tartu.ee")
    page.goto(f"{live_server}/?year=2024&lang=en")
    assert page.locator("tr.event").count() > 100
    page.goto(f"{live_server}/account/login?next=/%3Fyear%3D2024")
    page.fill("input[name=email]", "coordinator@tartu.ee")
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    page.select_option("select[name=org]", "tartu")
    page.click("text=Show")
    page.locator("tr[data-series='2024-tartu-club-et'] a").first.click()
    page.fill("#attendance", "21")
    page.select_option("#kovs", ["tartu", "elva"])
    page.click("button[name=held]")
    assert page.locator("#status").inner_text() == "Held"
    db.session.expire_all()
    held = db.session.scalars(select(Event).where(Event.status == EventStatus.HELD)).all()
    assert [(e.attendance, len(e.participants)) for e in held] == [(21, 2)]


def test_switching_language_keeps_what_the_page_shows(plan_2024, client):
    page = client.get("/?year=2024&org=tartu&lang=en").get_data(as_text=True)
    assert 'href="/?year=2024&amp;org=tartu&amp;lang=ru"' in page


def test_the_header_offers_sign_in_and_then_sign_out(plan_2024, client):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert 'href="/account/login?next=' in page
    person(Role.COORDINATOR, "tartu", email="coordinator@tartu.ee")
    signed_in(client, "coordinator@tartu.ee")
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "coordinator@tartu.ee" in page and "Sign out" in page
    assert client.post("/account/logout").status_code == 302


@pytest.mark.parametrize("year", ["99999", "-5"])
def test_an_impossible_year_is_refused_clearly(plan_2024, client, year):
    response = client.get(f"/?year={year}&lang=en")
    assert response.status_code == 400
    assert "is not a year" in response.get_data(as_text=True)
