"""The organisers' side: who sees the participant list, its CSV, and check-in at the door
(search by name, one tap, walk-ins; twice changes nothing)."""

from __future__ import annotations

import pytest

from scheduler.accounts.models import Role
from scheduler.extensions import db
from scheduler.registrations.models import Registration
from scheduler.registrations.service import availability_of
from tests.factories import make_org
from tests.support.people import signed_in_as

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    ("role", "org", "status"),
    [
        (Role.ADMIN, None, 200),
        (Role.COORDINATOR, "tartu", 200),
        (Role.ORGANISER, "tartu", 200),
        (Role.COORDINATOR, "parnu", 403),
        (Role.VIEWER, "tartu", 403),
    ],
)
def test_who_sees_the_participant_list(client, event, registered, role, org, status):
    event_id = event.id
    signed_in_as(client, role, make_org(org) if org else None)
    for path in (f"/events/{event_id}/participants", f"/events/{event_id}/participants.csv"):
        answer = client.get(path)
        assert answer.status_code == status, path
        assert ("Mari Maasikas" in answer.text) == (status == 200)


def test_signed_out_visitors_are_sent_to_sign_in(client, event, registered):
    answer = client.get(f"/events/{event.id}/participants")
    assert answer.status_code == 302 and "/account/login" in answer.location


def test_the_csv_has_every_registration(client, event, registered):
    signed_in_as(client, Role.COORDINATOR, make_org("tartu"))
    lines = client.get(f"/events/{event.id}/participants.csv").text.splitlines()
    assert lines[0] == "id,state,waitlist_position,name,email,phone,kov,checked_in"
    assert len(lines) == 3 and "jaan@example.ee" not in lines[0]


def test_check_in_by_search_and_one_tap_twice_changes_nothing(client, event, registered):
    event_id, mari_id = event.id, registered[0].id
    signed_in_as(client, Role.COORDINATOR, make_org("tartu"))
    page = client.get(f"/events/{event_id}/checkin?q=MAASI").text
    assert "Mari Maasikas" in page and "Jaan Tamm" not in page
    tap = {"mark-registration_id": str(mari_id), "mark-submit": "1"}
    assert client.post(f"/events/{event_id}/checkin", data=tap).status_code == 302
    first = db.session.get(Registration, mari_id).checked_in_at
    client.post(f"/events/{event_id}/checkin", data=tap)
    db.session.expire_all()
    row = db.session.get(Registration, mari_id)
    assert row.checked_in and row.checked_in_at == first


def test_a_walk_in_is_present_and_takes_no_registered_place(client, event, registered):
    event_id = event.id
    make_org("elva", ehak_code="0171")
    signed_in_as(client, Role.COORDINATOR, make_org("tartu"))
    left = availability_of(db.session.get(type(event), event_id)).places_left
    walk_in = {"walkin-name": "Uus Tulija", "walkin-kov": "elva", "walkin-submit": "1"}
    assert client.post(f"/events/{event_id}/checkin", data=walk_in).status_code == 302
    row = db.session.query(Registration).filter_by(name="Uus Tulija").one()
    assert row.checked_in and row.is_walk_in and row.kov.slug == "elva"
    assert availability_of(db.session.get(type(event), event_id)).places_left == left


def test_a_tap_for_another_event_changes_nothing(client, training, event, registered):
    event_id = event.id
    signed_in_as(client, Role.ADMIN)
    stranger = Registration(event_id=event_id, name="Keegi", email_key="x")
    db.session.add(stranger)
    db.session.commit()
    other = training.events[0].id + 999
    tap = {"mark-registration_id": str(stranger.id), "mark-submit": "1"}
    assert client.post(f"/events/{other}/checkin", data=tap).status_code == 404
    assert db.session.get(Registration, stranger.id).checked_in is False


def test_the_outcome_starts_from_check_in_and_the_organiser_confirms_it(client, event, registered):
    from datetime import timedelta

    from scheduler.core.time import utcnow
    from scheduler.events.models import Event

    event_id = event.id
    make_org("elva", ehak_code="0171")
    event.start, event.end = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    db.session.commit()
    signed_in_as(client, Role.COORDINATOR, make_org("tartu"))
    tap = {"mark-registration_id": str(registered[0].id), "mark-submit": "1"}
    client.post(f"/events/{event_id}/checkin", data=tap)
    walk_in = {"walkin-name": "Uus Tulija", "walkin-kov": "elva", "walkin-submit": "1"}
    client.post(f"/events/{event_id}/checkin", data=walk_in)

    page = client.get(f"/events/{event_id}/checkin").text
    assert 'name="outcome-attendance"' in page and 'value="2"' in page
    assert page.count('id="outcome-heading"') == 1, "the outcome form is shown once"
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "&lt;" not in title, "the page title is text, not the form"
    assert '<option selected value="elva">' in page or 'value="elva" selected' in page

    answer = client.post(
        f"/events/{event_id}/checkin/outcome",
        data={"outcome-attendance": "3", "outcome-kovs": ["elva"], "outcome-submit": "1"},
    )
    assert answer.status_code == 302
    db.session.expire_all()
    recorded = db.session.get(Event, event_id)
    assert str(recorded.status) == "held" and recorded.attendance == 3
    assert [o.slug for o in recorded.participants] == ["elva"]


def test_no_outcome_form_before_the_occurrence_begins(client, event, registered):
    signed_in_as(client, Role.COORDINATOR, make_org("tartu"))
    assert 'name="outcome-attendance"' not in client.get(f"/events/{event.id}/checkin").text
