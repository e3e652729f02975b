"""`flask registrations open|close|list|checkin|erase-expired`: the names and fields scripts
rely on."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from registrations_support import sign_up

from scheduler.core.time import zone
from scheduler.extensions import db
from scheduler.mail.models import Reminder
from scheduler.registrations.models import Registration
from scheduler.registrations.service import availability_of, confirm

pytestmark = pytest.mark.postgres


def invoke(runner, *args: str):
    result = runner.invoke(args=["registrations", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_open_then_close_a_series(runner, training, event):
    invoke(runner, "open", "training", "--capacity", "3", "--waitlist")
    assert availability_of(event).places_left == 3
    invoke(runner, "close", "training")
    assert availability_of(event).state == "closed"


def test_open_from_a_date_keeps_it_closed_until_then(runner, training, event):
    opens = (event.start.astimezone(zone()) - timedelta(days=3)).date()
    invoke(runner, "open", "training", "--capacity", "3", "--from", opens.isoformat())
    assert availability_of(event).state == "closed"


def test_unknown_series_and_event_are_clear_errors(runner, training):
    result = runner.invoke(args=["registrations", "open", "nope", "--capacity", "1"])
    assert result.exit_code != 0 and "no series with key 'nope'" in result.output
    result = runner.invoke(args=["registrations", "list", "99999"])
    assert result.exit_code != 0 and "no event 99999" in result.output


def test_list_gives_the_contract_fields(runner, training, event):
    invoke(runner, "open", "training", "--capacity", "1", "--waitlist")
    first, second = sign_up(event, "mari", language="ru"), sign_up(event, "jaan")
    confirm(first.id)
    confirm(second.id)
    rows = json.loads(invoke(runner, "list", str(event.id), "--format", "json"))
    assert rows == [
        {
            "id": first.id,
            "state": "confirmed",
            "waitlist_position": None,
            "language": "ru",
            "kov": None,
            "checked_in": False,
            "email": "mari@example.ee",
        },
        {
            "id": second.id,
            "state": "waitlisted",
            "waitlist_position": 1,
            "language": "en",
            "kov": None,
            "checked_in": False,
            "email": "jaan@example.ee",
        },
    ]
    csv_text = invoke(runner, "list", str(event.id), "--format", "csv")
    assert csv_text.splitlines()[0] == "id,state,waitlist_position,language,kov,checked_in,email"
    assert "mari@example.ee" in invoke(runner, "list", str(event.id))


def test_checkin_twice_changes_nothing(runner, training, event):
    invoke(runner, "open", "training", "--capacity", "5")
    row = sign_up(event, "mari")
    confirm(row.id)
    assert "checked in" in invoke(runner, "checkin", str(event.id), "MARI@example.ee")
    first_time = db.session.get(Registration, row.id).checked_in_at
    assert "already checked in" in invoke(runner, "checkin", str(event.id), "mari@example.ee")
    db.session.expire_all()
    assert db.session.get(Registration, row.id).checked_in_at == first_time


def test_erase_expired_keeps_counts_and_check_in(runner, training, event):
    invoke(runner, "open", "training", "--capacity", "5")
    row = sign_up(event, "mari", phone="+372 5555 5555")
    confirm(row.id)
    invoke(runner, "checkin", str(event.id), "mari@example.ee")
    soon = (event.end + timedelta(days=89)).astimezone(zone()).replace(tzinfo=None).isoformat()
    assert invoke(runner, "erase-expired", "--now", soon).strip() == "erased 0 registration(s)"
    later = (event.end + timedelta(days=91)).astimezone(zone()).replace(tzinfo=None).isoformat()
    assert invoke(runner, "erase-expired", "--now", later).strip() == "erased 1 registration(s)"
    db.session.expire_all()
    row = db.session.get(Registration, row.id)
    assert (row.name, row.email, row.phone) == (None, None, None)
    assert row.checked_in and str(row.state) == "confirmed"
    assert "mari@example.ee" not in invoke(runner, "list", str(event.id), "--format", "csv")
    assert not db.session.query(Reminder).filter_by(recipient="mari@example.ee").count()
