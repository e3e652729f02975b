"""An imported calendar can be paused (not refreshed), resumed and removed (its events
cancelled, those with an outcome kept), on the page and from the command line; only its own
organisation's coordinators and admins see its source address."""

from __future__ import annotations

import flask_babel
import pytest
from factories import listed_events, make_org
from test_calendars_import import SINGLE, WEEKLY, ics  # noqa: I001  (a sibling test module)

from scheduler.accounts.models import Role, User
from scheduler.calendars.importer import refresh_due_calendars
from scheduler.calendars.models import ImportedCalendar
from scheduler.events.models import Event
from scheduler.events.service import record_outcome
from scheduler.extensions import db
from tests.support.people import signed_in

SECRET = "/private-3f9a1c77e2/basic.ics"


@pytest.fixture
def orgs(app, allow_loopback):
    app.config["CALENDARS_DAYS_BACK"] = 5000
    parnu, tallinn = make_org("parnu"), make_org("tallinn")
    for email, role, org in (
        ("coord@parnu.ee", Role.COORDINATOR, parnu),
        ("coord@tallinn.ee", Role.COORDINATOR, tallinn),
        ("admin@elvl.ee", Role.ADMIN, None),
    ):
        user = User(email=email, role=role, organisation=org)
        user.set_password("secret-pass")
        db.session.add(user)
    db.session.commit()


@pytest.fixture
def imported(runner, orgs, upstream) -> int:
    upstream.body = ics(WEEKLY, SINGLE)
    url = upstream.url.replace("/partner.ics", SECRET)
    result = runner.invoke(args=["calendars", "add", url, "--org", "parnu", "--name", "Library"])
    assert result.exit_code == 0, result.output
    return db.session.scalars(db.select(ImportedCalendar)).one().id


def in_english(client, method: str, path: str) -> str:
    """The page in English. The test app context outlives requests, and Flask-Babel keeps
    the locale chosen first in it (here by the command line): forget it first."""
    flask_babel.refresh()
    response = getattr(client, method)(path + "?lang=en", follow_redirects=True)
    return response.get_data(as_text=True)


def statuses(runner) -> list[str]:
    return [row["status"] for row in listed_events(runner, "--org", "parnu")]


def test_a_paused_calendar_is_not_refreshed_until_resumed(app, runner, imported, upstream):
    assert runner.invoke(args=["calendars", "pause", str(imported)]).exit_code == 0
    app.config["CALENDARS_REFRESH_MINUTES"] = 0
    asked = upstream.requests
    assert refresh_due_calendars() == {}
    output = runner.invoke(args=["calendars", "refresh", str(imported)]).output
    assert "paused, not refreshed" in output
    assert "paused" in runner.invoke(args=["calendars", "list"]).output
    assert upstream.requests == asked
    assert runner.invoke(args=["calendars", "resume", str(imported)]).exit_code == 0
    assert list(refresh_due_calendars()) == [imported]
    assert upstream.requests == asked + 1


def test_removing_cancels_the_events_and_keeps_those_with_an_outcome(runner, imported, upstream):
    held = db.session.scalars(db.select(Event).order_by(Event.start)).first()
    record_outcome(held, held=True, attendance=9)
    db.session.commit()
    result = runner.invoke(args=["calendars", "remove", str(imported)])
    assert result.exit_code == 0, result.output
    assert "5 events cancelled, 1 with an outcome kept" in result.output
    assert sorted(statuses(runner)) == ["cancelled"] * 5 + ["held"]
    assert str(imported) not in runner.invoke(args=["calendars", "list"]).output
    asked = upstream.requests
    runner.invoke(args=["calendars", "refresh"])
    assert upstream.requests == asked


def test_the_page_pauses_resumes_and_removes(client, runner, imported):
    signed_in(client, "coord@parnu.ee")
    client.post(f"/calendars/{imported}/pause")
    assert db.session.get(ImportedCalendar, imported).is_paused
    page = in_english(client, "get", "/calendars/")
    assert "Resume" in page and "Refresh now" not in page
    client.post(f"/calendars/{imported}/resume")
    db.session.expire_all()
    assert not db.session.get(ImportedCalendar, imported).is_paused
    page = in_english(client, "post", f"/calendars/{imported}/remove")
    assert "The calendar was removed: 6 events cancelled" in page
    assert set(statuses(runner)) == {"cancelled"}
    assert client.post(f"/calendars/{imported}/pause").status_code == 404


def test_another_organisations_coordinator_cannot_pause_or_remove(client, runner, imported):
    signed_in(client, "coord@tallinn.ee")
    for action in ("pause", "remove", "refresh"):
        assert client.post(f"/calendars/{imported}/{action}").status_code == 403
    assert db.session.get(ImportedCalendar, imported).is_active
    assert "cancelled" not in statuses(runner)


def test_the_buttons_need_the_forms_csrf_token(app, client, imported):
    app.config["WTF_CSRF_ENABLED"] = True
    login_page = client.get("/account/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/account/login",
        data={"email": "coord@parnu.ee", "password": "secret-pass", "csrf_token": token},
    )
    assert client.post(f"/calendars/{imported}/remove").status_code == 400
    assert db.session.get(ImportedCalendar, imported).removed_at is None
    page = client.get("/calendars/").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/calendars/{imported}/pause", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.get(ImportedCalendar, imported).is_paused


@pytest.mark.parametrize(
    ("email", "sees_secret"),
    [("coord@parnu.ee", True), ("admin@elvl.ee", True), ("coord@tallinn.ee", False)],
)
def test_only_the_own_organisation_and_admins_see_the_source_address(
    client, imported, upstream, email, sees_secret
):
    signed_in(client, email)
    page = in_english(client, "get", "/calendars/")
    assert "Library" in page
    assert (SECRET in page) is sees_secret
    if not sees_secret:
        assert "http://127.0.0.1/…" in page
