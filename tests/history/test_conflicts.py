"""Forms carry the version they were opened on: saving over a newer change shows the conflict
page (409) with both versions, field by field, and overwrites nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from scheduler.accounts.models import Role, User
from scheduler.events.models import EventStatus
from scheduler.events.service import edit_occurrence, move_occurrence
from scheduler.extensions import db
from scheduler.history.models import ChangeRecord
from scheduler.indicators import service as indicators
from scheduler.indicators.models import Indicator, IndicatorTarget
from tests.history.conftest import first_event, opened_version
from tests.support.people import PASSWORD, fresh, signed_in


def _record_count() -> int:
    return db.session.scalar(select(func.count(ChangeRecord.id)))


def _changed_meanwhile(series) -> None:
    """Someone else moves the occurrence to Wednesday 16:00 (Tallinn) from the command line."""
    move_occurrence(first_event(series), datetime(2024, 1, 3, 14, 0, tzinfo=UTC))
    db.session.commit()


def test_a_stale_edit_gets_the_conflict_page_and_changes_nothing(world, client):
    event = first_event(world["club"])
    signed_in(client, "coord@tartu.ee")
    page = client.get(f"/events/{event.id}?lang=en").text
    version = opened_version(page, "edit")
    assert version == "1"
    _changed_meanwhile(world["club"])
    records_before = _record_count()

    fresh()
    response = client.post(
        f"/events/{event.id}/edit?lang=en",
        data={"title": "Renamed club", "location": "", "notes": "mine", "version": version},
    )
    assert response.status_code == 409
    page = response.text
    assert "Changed in the meantime" in page and '<html lang="en">' in page
    assert "Your version" in page and "Current version" in page
    assert "Renamed club" in page and "Series club" in page  # yours and the current title
    assert "Changes since you opened the form" in page and "16:00" in page  # the move
    event = first_event(world["club"])
    assert (event.title, event.notes, event.version) == (None, None, 2)
    assert _record_count() == records_before


def test_the_conflict_page_reapplies_your_version_over_the_current_one(world, client):
    event = first_event(world["club"])
    signed_in(client, "coord@tartu.ee")
    version = opened_version(client.get(f"/events/{event.id}").text, "edit")
    _changed_meanwhile(world["club"])
    fresh()
    conflict = client.post(
        f"/events/{event.id}/edit",
        data={"title": "Renamed club", "location": "", "notes": "mine", "version": version},
    ).text
    assert 'name="version" value="2"' in conflict and 'value="Renamed club"' in conflict

    fresh()
    response = client.post(
        f"/events/{event.id}/edit",
        data={"title": "Renamed club", "location": "", "notes": "mine", "version": "2"},
    )
    assert response.status_code == 303
    event = first_event(world["club"])
    assert (event.title, event.notes) == ("Renamed club", "mine")
    assert event.start == datetime(2024, 1, 3, 14, 0, tzinfo=UTC)  # the other change stays


def test_a_stale_move_and_a_stale_outcome_are_refused(world, client):
    event = first_event(world["club"])
    signed_in(client, "admin@elvl.ee")
    page = client.get(f"/events/{event.id}").text
    move_version, held_version = opened_version(page, "move"), opened_version(page, "held")
    edit_occurrence(first_event(world["club"]), title="Special edition")
    db.session.commit()

    fresh()
    response = client.post(
        f"/events/{event.id}/move?lang=en",
        data={"date": "2024-01-05", "start_time": "10:00", "version": move_version},
    )
    assert response.status_code == 409 and "10:00" in response.text and "18:00" in response.text
    fresh()
    response = client.post(
        f"/events/{event.id}/held?lang=en",
        data={"attendance": "7", "kovs": ["tartu"], "version": held_version},
    )
    assert response.status_code == 409
    assert "Held" in response.text and "Awaiting outcome" in response.text  # yours, current
    event = first_event(world["club"])
    assert event.start == datetime(2024, 1, 2, 16, 0, tzinfo=UTC)
    assert (event.status, event.attendance) == (EventStatus.PLANNED, None)


def test_a_stale_cancel_is_refused(world, client):
    event = first_event(world["club"])
    signed_in(client, "coord@tartu.ee")
    version = opened_version(client.get(f"/events/{event.id}").text, "cancel")
    _changed_meanwhile(world["club"])
    fresh()
    response = client.post(f"/events/{event.id}/cancel", data={"reason": "flu", "version": version})
    assert response.status_code == 409
    assert first_event(world["club"]).status == EventStatus.PLANNED


def test_a_current_form_is_saved(world, client):
    event = first_event(world["club"])
    signed_in(client, "coord@tartu.ee")
    version = opened_version(client.get(f"/events/{event.id}").text, "edit")
    fresh()
    response = client.post(
        f"/events/{event.id}/edit",
        data={"title": "Series club", "location": "", "notes": "fine", "version": version},
    )
    assert response.status_code == 303
    assert first_event(world["club"]).notes == "fine"


def test_a_stale_indicator_target_form_is_refused(app, client):
    indicator = Indicator(
        code="coordinators", table="2", name="Koordinaatorid", unit="count", rule={"kind": "manual"}
    )
    indicator.targets.append(IndicatorTarget(year=2024, kind="year", value=Decimal(5)))
    admin = User(email="admin@elvl.ee", role=Role.ADMIN)
    admin.set_password(PASSWORD)
    db.session.add_all([indicator, admin])
    db.session.commit()
    signed_in(client, "admin@elvl.ee")
    page = client.get("/indicators/coordinators?year=2024").text
    version = opened_version(page, "target")
    indicators.revise_target("coordinators", 2024, "7", reason="two more", author="other@elvl.ee")
    db.session.commit()

    fresh()
    response = client.post(
        "/indicators/coordinators/target?lang=en",
        data={"year": "2024", "value": "6", "reason": "one more", "version": version},
    )
    assert response.status_code == 409
    assert "one more" in response.text and "two more" in response.text
    assert db.session.scalar(select(IndicatorTarget.value)) == Decimal(7)


def test_a_version_the_page_could_not_have_sent_is_stale_and_no_error(world, client):
    event = first_event(world["club"])
    signed_in(client, "coord@tartu.ee")
    for version in ("99999999999999999999", "-1", "x"):
        fresh()
        response = client.post(
            f"/events/{event.id}/edit",
            data={"title": "Series club", "location": "", "notes": "odd", "version": version},
        )
        assert response.status_code == 409
    assert first_event(world["club"]).notes is None
