"""Admins change indicators on their pages: manual values, target revisions, closing a year —
the same service functions as ``flask indicators set / revise / close-year``."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scheduler.accounts.models import Role
from scheduler.extensions import db
from scheduler.indicators import service
from scheduler.indicators.report import closing_for
from tests.support.people import signed_in_as


@pytest.fixture
def indicators(build):
    build.indicator("coordinators", {"kind": "manual"}, targets={2024: 5}, final=7, table="2")
    build.indicator("info-days", {"kind": "held_events", "types": ["info_day"]}, targets={2024: 3})
    db.session.commit()


def test_an_admin_sees_the_forms_and_others_do_not(indicators, client):
    assert 'id="indicator-admin"' not in client.get("/indicators/coordinators?year=2024").text
    signed_in_as(client, Role.COORDINATOR)
    assert 'id="indicator-admin"' not in client.get("/indicators/coordinators?year=2024").text
    client.post("/account/logout")
    signed_in_as(client, Role.ADMIN)
    page = client.get("/indicators/coordinators?year=2024&lang=en").text
    assert 'id="indicator-admin"' in page and 'name="set-value"' in page


def test_an_admin_records_a_manual_value_with_evidence(indicators, client):
    signed_in_as(client, Role.ADMIN)
    response = client.post(
        "/indicators/coordinators/value",
        data={"year": "2024", "value": "4", "evidence": "signed agreements", "as_of": "2024-06-30"},
    )
    assert response.status_code == 303
    [entry] = service.manual_history("coordinators", 2024)
    assert (entry.value, entry.evidence, entry.author) == (
        Decimal(4),
        "signed agreements",
        "admin@elvl.ee",
    )
    page = client.get("/indicators/coordinators?year=2024").text
    assert "signed agreements" in page


def test_an_admin_revises_a_target_and_the_history_keeps_the_reason(indicators, client):
    signed_in_as(client, Role.ADMIN)
    response = client.post(
        "/indicators/info-days/target", data={"year": "2024", "value": "6", "reason": "new county"}
    )
    assert response.status_code == 303
    [revision] = service.target_history("info-days")
    assert (revision.previous_value, revision.value, revision.reason) == (
        Decimal(3),
        Decimal(6),
        "new county",
    )


def test_an_admin_closes_a_year_once(indicators, client):
    signed_in_as(client, Role.ADMIN)
    assert client.post("/indicators/year/close", data={"year": "2024"}).status_code == 303
    assert closing_for(2024).author == "admin@elvl.ee"
    again = client.post("/indicators/year/close?lang=en", data={"year": "2024"})
    assert again.status_code == 303
    assert "already closed" in client.get("/indicators/?year=2024&lang=en").text


def test_a_refused_change_is_explained_and_nothing_is_recorded(indicators, client):
    signed_in_as(client, Role.ADMIN)
    client.post(
        "/indicators/info-days/value?lang=en",
        data={"year": "2024", "value": "4", "evidence": "x"},
    )
    assert "counted from held events" in client.get("/indicators/?lang=en").text
    client.post("/indicators/coordinators/value", data={"year": "2024", "value": "-1"})
    assert service.manual_history("coordinators") == []


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ORGANISER, Role.VIEWER])
def test_only_admins_may_change_indicators(indicators, client, role):
    signed_in_as(client, role)
    for path, data in [
        ("/indicators/coordinators/value", {"year": "2024", "value": "1", "evidence": "x"}),
        ("/indicators/info-days/target", {"year": "2024", "value": "1", "reason": "x"}),
        ("/indicators/year/close", {"year": "2024"}),
    ]:
        assert client.post(path, data=data).status_code == 403, path
    assert service.manual_history("coordinators") == [] and closing_for(2024) is None


def test_an_unknown_indicator_is_not_found(indicators, client):
    signed_in_as(client, Role.ADMIN)
    assert client.post("/indicators/nope/target", data={"year": "2024"}).status_code == 404


def test_a_value_beyond_what_the_database_holds_is_refused_clearly(indicators, client):
    signed_in_as(client, Role.ADMIN)
    for path, data in [
        ("/indicators/coordinators/value", {"value": "1" * 20, "evidence": "x"}),
        ("/indicators/info-days/target", {"value": "1" * 20, "reason": "x"}),
    ]:
        response = client.post(path + "?lang=en", data=dict(data, year="2024"))
        assert response.status_code == 303
        assert "a value must be below 10 000 000 000" in client.get("/indicators/").text
    assert (
        service.manual_history("coordinators") == [] and service.target_history("info-days") == []
    )
