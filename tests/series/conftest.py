"""A small world for the series editor: Tartu and Tallinn with a coordinator each, an admin,
an activity of the plan, and a signed-in client helper."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scheduler.accounts.models import Role, User
from scheduler.core.time import utcnow, zone
from scheduler.extensions import db
from scheduler.organisations.models import OrganisationKind
from scheduler.plans.models import Activity
from tests.factories import make_org

PASSWORD = "secret-pass"


def today() -> date:
    return utcnow().astimezone(zone()).date()


def next_weekday(day: date, weekday: int) -> date:
    """The first ``weekday`` (0 = Monday) after ``day``."""
    return day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


@pytest.fixture
def world(app):
    tartu = make_org("tartu", OrganisationKind.PARTNER, name="Tartu linn", name_en="City of Tartu")
    tallinn = make_org("tallinn", OrganisationKind.PARTNER, name="Tallinna linn")
    activity = Activity(
        code="2.1",
        title="Keeleklubid",
        title_en="Language clubs",
        organisation=tartu,
        timeframe_start=date(2023, 1, 1),
        timeframe_end=date(2029, 12, 31),
    )
    db.session.add(activity)
    users = {}
    for email, role, org in [
        ("admin@elvl.ee", Role.ADMIN, None),
        ("coord@tartu.ee", Role.COORDINATOR, tartu),
        ("coord@tallinn.ee", Role.COORDINATOR, tallinn),
        ("viewer@elvl.ee", Role.VIEWER, None),
    ]:
        user = User(email=email, role=role, organisation=org, locale="en")
        user.set_password(PASSWORD)
        db.session.add(user)
        users[email] = user
    db.session.commit()
    return {"tartu": tartu, "tallinn": tallinn, "activity": activity, "users": users}


def login(client, email: str) -> None:
    from tests.accounts.conftest import fresh

    fresh()
    response = client.post("/account/login?lang=en", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.data[:500]
    fresh()
