"""A Tartu club with three Tuesday occurrences in January 2024, an internal meeting, and
people of every role."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import g
from flask_babel import refresh
from sqlalchemy import select

from scheduler.accounts.models import Role, User
from scheduler.events.models import Event
from scheduler.extensions import db
from scheduler.history.models import ChangeRecord
from scheduler.organisations.models import OrganisationKind
from tests.factories import expand, make_org, make_series

LEADER = "leader@club.ee"
PASSWORD = "secret-pass"


@pytest.fixture
def world(app):
    tartu = make_org(
        "tartu", OrganisationKind.KOV, name="Tartu linn", ehak_code="0793", county_code="79"
    )
    tallinn = make_org("tallinn", name="Tallinn")
    jan = (date(2024, 1, 1), date(2024, 1, 31))
    club = make_series(
        "club", org=tartu, rule="FREQ=WEEKLY;BYDAY=TU;COUNT=3", organisers=[LEADER], bounds=jan
    )
    internal = make_series(
        "internal", org=tartu, rule="FREQ=WEEKLY;BYDAY=WE;COUNT=1", is_public=False, bounds=jan
    )
    for series in (club, internal):
        expand(series)
    for email, role, org in [
        ("admin@elvl.ee", Role.ADMIN, None),
        ("coord@tartu.ee", Role.COORDINATOR, tartu),
        ("coord@tallinn.ee", Role.COORDINATOR, tallinn),
        ("viewer@elvl.ee", Role.VIEWER, None),
    ]:
        user = User(email=email, role=role, organisation=org)
        user.set_password(PASSWORD)
        db.session.add(user)
    db.session.commit()
    return {"club": club, "internal": internal}


def fresh() -> None:
    """The app fixture keeps one app context: forget the previous request's user and language."""
    g.pop("_login_user", None)
    refresh()


def sign_in(client, email: str) -> None:
    client.post("/account/logout")
    fresh()
    response = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    fresh()


def user_id(email: str) -> int:
    return db.session.scalar(select(User.id).where(User.email == email))


def first_event(series) -> Event:
    db.session.expire_all()
    return db.session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.start)
    ).first()


def records(object_type: str, object_id: int | None = None) -> list[ChangeRecord]:
    """The change records of an object (or of every object of a type), oldest first."""
    db.session.expire_all()
    stmt = select(ChangeRecord).where(ChangeRecord.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(ChangeRecord.object_id == object_id)
    return list(db.session.scalars(stmt.order_by(ChangeRecord.id)))


def opened_version(page: str, action: str) -> str:
    """The version the form posting to ``…/<action>`` carries on a page."""
    form = re.search(rf'action="[^"]*/{action}">(.*?)</form>', page, re.S).group(1)
    return re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
