"""Registration "by approval": a sign-up confirmed by mail waits for the organiser, who
accepts or declines it from the participant list; the registrant is told in their language,
and the places still hold."""

from __future__ import annotations

import pytest
from registrations_support import mails_to, reading_english, sign_up

from scheduler.accounts.models import Role
from scheduler.extensions import db
from scheduler.registrations.models import Registration, RegistrationMode, RegistrationState
from scheduler.registrations.service import (
    RegistrationRefused,
    accept,
    availability_of,
    confirm,
    decline,
    open_series,
)
from scheduler.reminders.dispatch import dispatch_due

pytestmark = pytest.mark.postgres


def awaiting(event, who: str, language: str = "en") -> int:
    row = sign_up(event, who, language)
    confirm(row.id)
    assert row.state == RegistrationState.PENDING and row.email_confirmed_at is not None
    return row.id


def state_of(registration_id: int) -> RegistrationState:
    db.session.expire_all()
    return db.session.get(Registration, registration_id).state


@pytest.fixture
def by_approval(training, event):
    open_series(training, capacity=1, waitlist=True, mode=RegistrationMode.APPROVAL)
    return event


def test_accepting_gives_a_place_then_the_waiting_list(by_approval):
    first, second = awaiting(by_approval, "mari"), awaiting(by_approval, "jaan")
    assert availability_of(by_approval).places_left == 1, "awaiting approval holds no place"
    assert accept(first) == "confirmed"
    assert accept(second) == "waitlisted"
    assert state_of(second) == RegistrationState.WAITLISTED
    assert db.session.get(Registration, second).waitlist_position == 1
    assert accept(first) is None, "accepting twice changes nothing"


def test_accepting_beyond_capacity_without_a_waiting_list_is_refused(training, event):
    open_series(training, capacity=1, waitlist=False, mode=RegistrationMode.APPROVAL)
    first, second = awaiting(event, "mari"), awaiting(event, "jaan")
    accept(first)
    with pytest.raises(RegistrationRefused) as refused:
        accept(second)
    assert refused.value.reason == "full"
    assert state_of(second) == RegistrationState.PENDING


def test_declining_is_final_and_told(app, by_approval):
    row_id = awaiting(by_approval, "olga", "ru")
    assert decline(row_id) is True
    assert state_of(row_id) == RegistrationState.DECLINED
    assert decline(row_id) is False
    assert accept(row_id) is None and state_of(row_id) == RegistrationState.DECLINED
    db.session.remove()
    dispatch_due()
    mail = mails_to(app, "olga@example.ee")[-1]
    assert mail["Content-Language"] == "ru"
    assert mail["Subject"].startswith("Регистрация отклонена")


def test_the_participant_list_offers_accept_and_decline_to_the_organisation(client, by_approval):
    event_id = by_approval.id
    mari, jaan = awaiting(by_approval, "mari"), awaiting(by_approval, "jaan")
    reading_english(client, Role.ORGANISER, "tartu")
    page = client.get(f"/events/{event_id}/participants").text
    assert "awaiting approval" in page
    assert page.count('value="accept"') == 2 and page.count('value="decline"') == 2

    decision = f"/events/{event_id}/participants/{mari}/decision"
    answer = client.post(decision, data={"decision": "accept"}, follow_redirects=True)
    assert "Mari has a place and is told by mail." in answer.text
    assert state_of(mari) == RegistrationState.CONFIRMED
    decision = f"/events/{event_id}/participants/{jaan}/decision"
    answer = client.post(decision, data={"decision": "decline"}, follow_redirects=True)
    assert "Jaan is declined and told by mail." in answer.text
    assert state_of(jaan) == RegistrationState.DECLINED
    assert 'value="accept"' not in answer.text


def test_a_full_occurrence_refuses_with_a_clear_message(client, training, event):
    open_series(training, capacity=1, waitlist=False, mode=RegistrationMode.APPROVAL)
    event_id, mari, jaan = event.id, awaiting(event, "mari"), awaiting(event, "jaan")
    accept(mari)
    reading_english(client, Role.COORDINATOR, "tartu")
    answer = client.post(
        f"/events/{event_id}/participants/{jaan}/decision",
        data={"decision": "accept"},
        follow_redirects=True,
    )
    assert "No place is left and this occurrence keeps no waiting list" in answer.text
    assert state_of(jaan) == RegistrationState.PENDING


@pytest.mark.parametrize(
    ("role", "org", "status"),
    [(Role.COORDINATOR, "parnu", 403), (Role.VIEWER, "tartu", 403)],
)
def test_others_may_not_decide(client, by_approval, role, org, status):
    from tests.factories import make_org

    make_org("parnu")
    event_id, row_id = by_approval.id, awaiting(by_approval, "mari")
    reading_english(client, role, org)
    answer = client.post(
        f"/events/{event_id}/participants/{row_id}/decision", data={"decision": "accept"}
    )
    assert answer.status_code == status
    assert state_of(row_id) == RegistrationState.PENDING


def test_a_decision_needs_the_forms_token(app, client, by_approval):
    event_id, row_id = by_approval.id, awaiting(by_approval, "mari")
    reading_english(client, Role.COORDINATOR, "tartu")
    app.config["WTF_CSRF_ENABLED"] = True
    answer = client.post(
        f"/events/{event_id}/participants/{row_id}/decision", data={"decision": "accept"}
    )
    assert answer.status_code == 400
    assert state_of(row_id) == RegistrationState.PENDING


def test_a_registration_of_another_occurrence_is_not_found(client, by_approval):
    row_id = awaiting(by_approval, "mari")
    reading_english(client, Role.ADMIN)
    other = by_approval.id + 999
    answer = client.post(f"/events/{other}/participants/{row_id}/decision", data={})
    assert answer.status_code == 404
