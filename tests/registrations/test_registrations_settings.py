"""Registration settings from the web, for a series and for one occurrence (an override),
and from the shell with --event: a larger capacity promotes those waiting, who are told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from registrations_support import mails_to, reading_english, sign_up

from scheduler.accounts.models import Role
from scheduler.core.time import zone
from scheduler.events.models import Event
from scheduler.extensions import db
from scheduler.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationSettings,
    RegistrationState,
)
from scheduler.registrations.service import (
    availability_of,
    confirm,
    open_series,
    own_settings,
    settings_for,
)
from scheduler.reminders.dispatch import dispatch_due
from tests.factories import expand, make_org, make_series

pytestmark = pytest.mark.postgres

FORM = {
    "mode": "open",
    "capacity": "3",
    "waitlist": "y",
    "closes_before_minutes": "120",
    "ask_kov": "y",
    "question": "Mida ootate?",
    "question_ru": "Чего вы ждёте?",
}


def seated(event, *people: str) -> list[int]:
    ids = []
    for who in people:
        row = sign_up(event, who)
        confirm(row.id)
        ids.append(row.id)
    return ids


def test_a_coordinator_opens_a_series_from_the_web(client, training, event):
    series_id, event_id = training.id, event.id
    reading_english(client, Role.COORDINATOR, "tartu")
    page = client.get(f"/series/{series_id}/registration")
    assert page.status_code == 200 and 'name="capacity"' in page.text
    answer = client.post(f"/series/{series_id}/registration", data=FORM, follow_redirects=True)
    assert "The registration settings are saved." in answer.text
    db.session.expire_all()
    settings = own_settings(training)
    assert settings.mode == RegistrationMode.OPEN and settings.capacity == 3
    assert settings.waitlist and settings.ask_kov and not settings.ask_phone
    assert settings.question_ru == "Чего вы ждёте?" and settings.question_en is None
    assert availability_of(db.session.get(Event, event_id)).places_left == 3
    page = client.get(f"/series/{series_id}/registration").text
    assert 'value="3"' in page and "Mida ootate?" in page


def test_the_opening_time_is_the_series_local_time(client, training):
    reading_english(client, Role.COORDINATOR, "tartu")
    data = {**FORM, "opens_at": "2030-03-01T09:30"}
    client.post(f"/series/{training.id}/registration", data=data)
    db.session.expire_all()
    opens = own_settings(training).opens_at
    assert opens.tzinfo is not None
    assert opens.astimezone(zone()).strftime("%Y-%m-%d %H:%M") == "2030-03-01 09:30"


def test_bad_settings_are_a_clear_message(client, training):
    reading_english(client, Role.COORDINATOR, "tartu")
    bad = {**FORM, "capacity": "-1"}
    answer = client.post(f"/series/{training.id}/registration?lang=en", data=bad)
    assert answer.status_code == 400 and "Number must be between 0 and 100000." in answer.text
    bad = {**FORM, "opens_at": "2030-03-02T10:00", "closes_at": "2030-03-01T10:00"}
    answer = client.post(f"/events/{training.events[0].id}/registration?lang=en", data=bad)
    assert answer.status_code == 400 and "Registration must close after it opens." in answer.text
    assert db.session.query(RegistrationSettings).count() == 0


def test_raising_the_capacity_promotes_those_waiting_and_tells_them(app, client, training, event):
    open_series(training, capacity=1, waitlist=True)
    mari, jaan, olga = seated(event, "mari", "jaan", "olga")
    series_id = training.id
    reading_english(client, Role.ORGANISER, "tartu")
    client.post(f"/series/{series_id}/registration", data={**FORM, "capacity": "2"})
    db.session.expire_all()
    assert db.session.get(Registration, jaan).state == RegistrationState.CONFIRMED
    olga_row = db.session.get(Registration, olga)
    assert olga_row.state == RegistrationState.WAITLISTED and olga_row.waitlist_position == 2
    db.session.remove()
    dispatch_due()
    assert "A place became free" in mails_to(app, "jaan@example.ee")[-1]["Subject"]
    assert "A place became free" not in mails_to(app, "olga@example.ee")[-1]["Subject"]


def test_one_occurrence_overrides_its_series_and_can_follow_it_again(client, training):
    series = make_series("club", org=make_org("tartu"), rule="FREQ=WEEKLY;COUNT=3")
    expand(series)
    db.session.commit()
    open_series(series, capacity=10, waitlist=False)
    first, second = sorted(series.events, key=lambda e: e.start)[:2]
    first_id, second_id = first.id, second.id
    reading_english(client, Role.COORDINATOR, "tartu")
    page = client.get(f"/events/{first_id}/registration").text
    assert 'value="series" selected' in page or 'selected value="series"' in page
    assert 'name="capacity" type="number" value="10"' in page, "the series' values to start from"

    data = {**FORM, "mode": "approval", "capacity": "4", "closes_at": "2099-01-01T10:00"}
    client.post(f"/events/{first_id}/registration", data=data)
    db.session.expire_all()
    first, second = db.session.get(Event, first_id), db.session.get(Event, second_id)
    assert settings_for(first).event_id == first_id and settings_for(first).capacity == 4
    assert settings_for(first).mode == RegistrationMode.APPROVAL
    assert settings_for(second).series_id == series.id and settings_for(second).capacity == 10

    client.post(f"/events/{first_id}/registration", data={**FORM, "mode": "series"})
    db.session.expire_all()
    assert settings_for(db.session.get(Event, first_id)).series_id == series.id


def test_others_may_not_change_the_settings(client, training, event):
    make_org("parnu")
    reading_english(client, Role.COORDINATOR, "parnu")
    assert client.post(f"/series/{training.id}/registration", data=FORM).status_code == 403
    assert client.post(f"/events/{event.id}/registration", data=FORM).status_code == 403
    assert db.session.query(RegistrationSettings).count() == 0


def invoke(runner, *args: str):
    result = runner.invoke(args=["registrations", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_shell_opens_and_closes_one_occurrence(runner, training, event):
    event_id = event.id
    open_series(training, capacity=10, waitlist=False)
    output = invoke(runner, "open", "--event", str(event_id), "--capacity", "2", "--waitlist")
    assert f"event {event_id}: registration open, 2 places" in output
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    assert settings_for(event).event_id == event_id
    assert availability_of(event).places_left == 2
    assert own_settings(training).capacity == 10, "the series keeps its own"

    assert "registration closed" in invoke(runner, "close", "--event", str(event_id))
    db.session.expire_all()
    assert availability_of(db.session.get(Event, event_id)).state == "closed"


def test_the_shell_wants_a_series_or_an_event_not_both(runner, training, event):
    result = runner.invoke(args=["registrations", "open", "--capacity", "2"])
    assert result.exit_code != 0 and "either SERIES_KEY or --event" in result.output
    both = ["registrations", "close", "training", "--event", str(event.id)]
    assert runner.invoke(args=both).exit_code != 0
    result = runner.invoke(args=["registrations", "close", "--event", "999999"])
    assert result.exit_code != 0 and "no event 999999" in result.output


def test_opening_from_a_date_for_one_occurrence(runner, training, event):
    opens = (event.start.astimezone(zone()) - timedelta(days=3)).date()
    invoke(runner, "open", "--event", str(event.id), "--capacity", "3", "--from", str(opens))
    assert availability_of(event).state == "closed"


def test_closing_one_occurrence_keeps_its_places_and_waiting_list(runner, training, event):
    event_id = event.id
    open_series(training, capacity=1, waitlist=True)
    settings = own_settings(training)
    settings.ask_kov, settings.question = True, "Mida ootate?"
    db.session.commit()
    mari, jaan = seated(event, "mari", "jaan")
    invoke(runner, "close", "--event", str(event_id))
    db.session.expire_all()
    assert db.session.get(Registration, jaan).state == RegistrationState.WAITLISTED
    override = settings_for(db.session.get(Event, event_id))
    assert override.event_id == event_id and override.mode == RegistrationMode.OFF
    assert (override.capacity, override.waitlist, override.ask_kov) == (1, True, True)
    assert override.question == "Mida ootate?", "the override starts from the series' settings"
    assert db.session.get(Registration, mari).state == RegistrationState.CONFIRMED
