"""Outcomes and single occurrences on the web: the worklist, the outcome form, the policy's
404/403 answers, and changes that re-time reminders as the command line does."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from scheduler.accounts.models import Role
from scheduler.core.time import utcnow, zone
from scheduler.events.models import Event, EventStatus
from scheduler.extensions import db
from scheduler.mail.models import Reminder
from scheduler.organisations.models import OrganisationKind
from tests.accessibility import assert_accessible
from tests.factories import expand, make_series
from tests.support.people import signed_in
from tests.support.world import Recipe, World, org, staff

LEADER = "leader@club.ee"
KOV = OrganisationKind.KOV


def _series(world: World) -> dict:
    tartu, tallinn = world.orgs["tartu"], world.orgs["tallinn"]
    two = "FREQ=WEEKLY;BYDAY=TU;COUNT=2"
    club = make_series("club", org=tartu, rule=two, organisers=[LEADER], is_public=True)
    internal = make_series(
        "internal", org=tartu, rule=two, organisers=["other@tartu.ee"], is_public=False
    )
    foreign = make_series("foreign", org=tallinn, rule=two, organisers=["x@tallinn.ee"])
    for series in (club, internal, foreign):
        expand(series)
    return {"club": club, "internal": internal, "foreign": foreign}


@pytest.fixture
def world_recipe() -> Recipe:
    return Recipe(
        orgs=(
            org("tartu", KOV, name="Tartu linn", ehak_code="0793", county_code="79"),
            org("elva", KOV, name="Elva vald", ehak_code="0171", county_code="79"),
            org("tallinn", KOV, name="Tallinn", ehak_code="0784", county_code="37"),
        ),
        people=(*staff("tartu", "tallinn"), (LEADER, Role.ORGANISER, None)),
        adds=_series,
    )


def _events(series) -> list[Event]:
    db.session.expire_all()
    return db.session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.start)
    ).all()


def _worklist_ids(client) -> list[int]:
    page = client.get("/events/awaiting?lang=en").get_data(as_text=True)
    return [int(i) for i in re.findall(r'data-event="(\d+)"', page)]


def test_the_worklist_lists_each_roles_past_planned_events_oldest_first(world, client):
    club, internal, foreign = (_events(world[k]) for k in ("club", "internal", "foreign"))
    expected = {
        "admin@elvl.ee": sorted(club + internal + foreign, key=lambda e: (e.start, e.id)),
        "coord@tartu.ee": sorted(club + internal, key=lambda e: (e.start, e.id)),
        "coord@tallinn.ee": foreign,
        LEADER: club,
    }
    for email, events in expected.items():
        client.post("/account/logout")
        signed_in(client, email)
        assert _worklist_ids(client) == [e.id for e in events], email


def test_a_viewer_has_no_worklist_and_anonymous_visitors_are_sent_to_sign_in(world, client):
    assert client.get("/events/awaiting").status_code == 302
    signed_in(client, "viewer@elvl.ee")
    assert client.get("/events/awaiting").status_code == 403


def test_the_navigation_shows_the_worklists_count_only_when_signed_in(world, client):
    assert "/events/awaiting" not in client.get("/?lang=en").get_data(as_text=True)
    signed_in(client, LEADER)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert re.search(r'href="/events/awaiting">Awaiting outcome <span class="count">2</span>', page)


def test_an_organiser_records_an_outcome_from_the_worklist(world, client):
    signed_in(client, LEADER)
    first, second = _events(world["club"])
    page = client.get("/events/awaiting?lang=en").get_data(as_text=True)
    assert '<optgroup label="Tartumaa">' in page, "the KOV picker is grouped by county"
    assert re.search(r'<option selected value="tartu">|<option value="tartu" selected', page), (
        "the organisation's own local government is suggested"
    )
    response = client.post(
        "/events/awaiting",
        data={
            "rows-0-event_id": str(first.id),
            "rows-0-outcome": "held",
            "rows-0-attendance": "14",
            "rows-0-kovs": ["tartu", "elva"],
            "rows-0-note": "good evening",
            "rows-1-event_id": str(second.id),
            "rows-1-outcome": "",
        },
    )
    assert response.status_code == 303
    first, second = _events(world["club"])
    assert first.status == EventStatus.HELD and first.attendance == 14
    assert [o.slug for o in first.participants] == ["elva", "tartu"]
    assert first.notes == "good evening"
    assert second.status == EventStatus.PLANNED, "a row left at 'not yet' is skipped"
    assert _worklist_ids(client) == [second.id]


def test_two_rows_are_recorded_from_one_table(world, client):
    signed_in(client, "coord@tartu.ee")
    club = _events(world["club"])[0]
    internal = _events(world["internal"])[0]
    response = client.post(
        "/events/awaiting",
        data={
            "rows-0-event_id": str(club.id),
            "rows-0-outcome": "held",
            "rows-0-attendance": "9",
            "rows-1-event_id": str(internal.id),
            "rows-1-outcome": "not_held",
            "rows-1-note": "nobody came",
        },
        follow_redirects=True,
    )
    assert "2 outcomes recorded" in response.get_data(as_text=True) or response.status_code == 200
    club, internal = db.session.get(Event, club.id), db.session.get(Event, internal.id)
    assert (club.status, club.attendance) == (EventStatus.HELD, 9)
    assert (internal.status, internal.notes) == (EventStatus.NOT_HELD, "nobody came")


def test_a_worklist_row_for_someone_elses_event_is_refused_and_nothing_is_recorded(world, client):
    signed_in(client, LEADER)
    foreign = _events(world["foreign"])[0]
    response = client.post(
        "/events/awaiting",
        data={"rows-0-event_id": str(foreign.id), "rows-0-outcome": "held"},
    )
    assert response.status_code == 403
    assert db.session.get(Event, foreign.id).status == EventStatus.PLANNED


def test_an_organiser_records_an_outcome_on_the_event_page_but_cannot_move_it(world, client):
    signed_in(client, LEADER)
    event = _events(world["club"])[0]
    page = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "It was held" in page and "Cancel this occurrence" not in page
    assert client.post(f"/events/{event.id}/held", data={"attendance": "5"}).status_code == 303
    assert client.post(f"/events/{event.id}/cancel").status_code == 403
    event = _events(world["club"])[0]
    assert (event.status, event.attendance) == (EventStatus.HELD, 5)


def test_another_coordinator_gets_404_on_an_internal_event_and_403_on_a_public_one(world, client):
    signed_in(client, "coord@tallinn.ee")
    internal = _events(world["internal"])[0]
    public = _events(world["club"])[0]
    assert client.get(f"/events/{internal.id}").status_code == 404
    assert client.post(f"/events/{internal.id}/held", data={"attendance": "1"}).status_code == 404
    assert client.get(f"/events/{public.id}").status_code == 200
    for action in ("held", "cancel", "move", "edit"):
        assert client.post(f"/events/{public.id}/{action}").status_code == 403, action
    assert _events(world["club"])[0].status == EventStatus.PLANNED
    home = client.get("/?year=2024&lang=en").get_data(as_text=True)
    assert f"/events/{internal.id}" not in home, "nor is it listed"


def test_a_past_planned_event_shows_as_awaiting_outcome(world, client):
    event = _events(world["club"])[0]
    visitor = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "This event has ended." in visitor and "Planned" not in visitor
    signed_in(client, "viewer@elvl.ee")  # the workspace page tells what is still to be done
    page = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert '<dd id="status">Awaiting outcome</dd>' in page
    assert "Awaiting outcome" in client.get("/?year=2024&lang=en").get_data(as_text=True)


# --- single occurrences --------------------------------------------------------------------


@pytest.fixture
def upcoming(world):
    """A weekly club from next month on, so its reminders are still ahead."""
    local = zone("Europe/Tallinn")
    first = (utcnow().astimezone(local) + timedelta(days=40)).date()
    series = make_series(
        "upcoming",
        org=world["club"].organisation,
        rule="FREQ=WEEKLY;COUNT=3",
        start=first,
        at=time(18, 0),
        bounds=(first - timedelta(days=60), first + timedelta(days=120)),
        organisers=[LEADER],
    )
    expand(series)
    db.session.commit()
    return series


def _pending(event) -> dict[str, datetime]:
    rows = db.session.scalars(
        select(Reminder).where(Reminder.event_id == event.id, Reminder.status == "pending")
    ).all()
    return {f"{r.kind}:{r.slot}": r.due for r in rows}


def test_moving_an_occurrence_on_the_page_retimes_its_reminders(upcoming, client):
    signed_in(client, "coord@tartu.ee")
    event = _events(upcoming)[0]
    before = _pending(event)
    new_day = event.start.astimezone(zone("Europe/Tallinn")).date() + timedelta(days=2)
    response = client.post(
        f"/events/{event.id}/move",
        data={"date": new_day.isoformat(), "start_time": "17:00", "end_time": "19:30"},
    )
    assert response.status_code == 303
    event = db.session.get(Event, event.id)
    local = zone("Europe/Tallinn")
    assert event.start == datetime.combine(new_day, time(17), tzinfo=local)
    assert event.end == datetime.combine(new_day, time(19, 30), tzinfo=local)
    after = _pending(event)
    assert set(after) == set(before)
    assert after["before:1d"] - before["before:1d"] == timedelta(days=2)


def test_cancelling_with_a_reason_and_restoring_on_the_page(upcoming, client):
    signed_in(client, "admin@elvl.ee")
    event = _events(upcoming)[1]
    assert client.post(f"/events/{event.id}/cancel", data={"reason": "hall closed"}).status_code
    event = db.session.get(Event, event.id)
    assert (event.status, event.notes) == (EventStatus.CANCELLED, "hall closed")
    assert _pending(event) == {}, "its reminders are cancelled"
    client.post(f"/events/{event.id}/restore")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PLANNED
    assert set(_pending(event)) == {"before:7d", "before:1d", "followup:after"}


def test_editing_title_place_and_notes_on_the_page(upcoming, client):
    signed_in(client, "coord@tartu.ee")
    event = _events(upcoming)[2]
    response = client.post(
        f"/events/{event.id}/edit",
        data={"title": "Special evening", "location": "Town hall", "notes": "bring tea"},
    )
    assert response.status_code == 303
    event = _events(upcoming)[2]
    assert (event.title, event.location, event.notes) == (
        "Special evening",
        "Town hall",
        "bring tea",
    )
    assert event.sequence == 1
    page = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "Special evening" in page and "Town hall" in page


def test_the_change_forms_need_a_csrf_token_when_protection_is_on(upcoming, app, client):
    signed_in(client, "coord@tartu.ee")
    app.config["WTF_CSRF_ENABLED"] = True
    event = _events(upcoming)[0]
    client.post(f"/events/{event.id}/cancel", data={"reason": "x"})
    assert db.session.get(Event, event.id).status == EventStatus.PLANNED


@pytest.mark.browser
def test_in_a_browser_an_organiser_records_an_outcome_from_the_worklist(world, live_server, page):
    first, _second = _events(world["club"])
    page.goto(f"{live_server}/account/login?lang=en")
    page.fill("input[name=email]", LEADER)
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    page.locator("header nav a:visible", has_text="Awaiting outcome").first.click()
    assert_accessible(page)
    row = page.locator(f"tr[data-event='{first.id}']")
    row.locator("select[name$='-outcome']").select_option("held")
    row.locator("input[name$='-attendance']").fill("23")
    row.locator("select[name$='-kovs']").select_option(["tartu", "elva"])
    page.click("button[name=record]")
    assert "1 outcome recorded" in page.locator(".flash").first.inner_text()
    assert page.locator(f"tr[data-event='{first.id}']").count() == 0
    assert page.locator("header nav .count:visible").first.inner_text() == "1"
    assert_accessible(page)
    event = _events(world["club"])[0]
    assert (event.status, event.attendance) == (EventStatus.HELD, 23)
    assert [o.slug for o in event.participants] == ["elva", "tartu"]


def test_a_description_of_one_occurrence_is_shown_and_goes_into_the_feed(upcoming, client):
    signed_in(client, "coord@tartu.ee")
    event = _events(upcoming)[0]
    series_title = event.display_title
    response = client.post(
        f"/events/{event.id}/edit",
        data={"title": series_title, "location": "", "description": "Guest: the mayor"},
    )
    assert response.status_code == 303
    event = _events(upcoming)[0]
    assert event.title is None, "an unchanged title stays the series'"
    assert (event.description, event.sequence) == ("Guest: the mayor", 1)
    assert "Guest: the mayor" in client.get(f"/events/{event.id}").text
    feed = client.get("/feeds/all.ics").text.replace("\r\n ", "")
    assert "DESCRIPTION:Guest: the mayor" in feed


def test_a_hostile_worklist_submission_is_answered_without_an_error(world, client):
    signed_in(client, "coord@tartu.ee")
    response = client.post(
        "/events/awaiting", data={"rows-0-event_id": "x<script>", "rows-0-attendance": "-1"}
    )
    assert response.status_code == 200
    assert "flash error" in response.text


def test_a_refused_worklist_row_shows_its_error_next_to_the_field_and_records_nothing(
    world, client
):
    signed_in(client, LEADER)
    first, second = _events(world["club"])
    response = client.post(
        "/events/awaiting?lang=en",
        data={
            "rows-0-event_id": str(first.id),
            "rows-0-outcome": "held",
            "rows-0-attendance": "5",
            "rows-1-event_id": str(second.id),
            "rows-1-outcome": "held",
            "rows-1-attendance": "-1",
        },
    )
    page = response.get_data(as_text=True)
    assert "Nothing was recorded: correct the marked fields." in page
    field = re.search(r'<input[^>]*id="rows-1-attendance"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="rows-1-attendance-error"' in field
    assert re.search(r'id="rows-1-attendance-error">Number must be between', page)
    assert "rows-0-attendance-error" not in page
    assert [e.status for e in _events(world["club"])] == [EventStatus.PLANNED] * 2
