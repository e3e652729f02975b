"""The policy's "may this person see this event" and the read model's SQL for it are one rule:
for every role, the series a list admits are exactly those ``can(view_event)`` admits."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from scheduler.accounts.models import Role, User
from scheduler.core.policy import EVERY_EVENT, PUBLIC_ONLY, can, event_visibility
from scheduler.events.models import Series
from scheduler.events.queries import visible_series
from scheduler.extensions import db
from tests.factories import make_org, make_series

PEOPLE = [
    (None, None, None),
    (Role.ADMIN, None, "admin@elvl.ee"),
    (Role.VIEWER, None, "viewer@elvl.ee"),
    (Role.COORDINATOR, "tartu", "coord@tartu.ee"),
    (Role.COORDINATOR, "tallinn", "coord@tallinn.ee"),
    (Role.ORGANISER, "tartu", "Lead_1@Tartu.ee"),
    (Role.ORGANISER, "tallinn", "lead%@tallinn.ee"),
]

# LIKE's wildcards in addresses ("_", "%"), spaces and case: matched exactly, as the policy does
ORGANISERS = ([], [" lead_1@tartu.ee "], ["lead%@tallinn.ee"], ["leadx1@tartu.ee"])


@pytest.fixture
def series(app):
    found = []
    for city in ("tartu", "tallinn"):
        org = make_org(city)
        for public in (True, False):
            for organisers in (
                [],
                [" lead_1@tartu.ee "],
                ["lead%@tallinn.ee"],
                ["leadx1@tartu.ee"],
            ):
                key = f"{city}-{public}-{len(found)}"
                found.append(
                    make_series(key, org=org, is_public=public, organisers=organisers, rule=None)
                )
    db.session.commit()
    return found


def _person(role, city, email):
    if role is None:
        return AnonymousUserMixin()
    user = User(email=email, role=role, organisation=make_org(city) if city else None)
    db.session.add(user)
    db.session.flush()
    return user


def _admitted_in_sql(user) -> set[int]:
    stmt = select(Series.id)
    clause = visible_series(event_visibility(user))
    if clause is not None:
        stmt = stmt.where(clause)
    return set(db.session.scalars(stmt))


@pytest.mark.parametrize(("role", "city", "email"), PEOPLE)
def test_the_sql_admits_exactly_the_series_the_policy_lets_the_person_see(
    series, role, city, email
):
    user = _person(role, city, email)

    by_policy = {s.id for s in series if can(user, "view_event", s)}

    assert _admitted_in_sql(user) == by_policy
    assert {s.id for s in series if s.is_public} <= by_policy


def test_a_deactivated_account_sees_public_events_only(series):
    user = _person(Role.ADMIN, None, "admin@elvl.ee")
    assert event_visibility(user) == EVERY_EVENT
    user.active = False
    assert event_visibility(user) == PUBLIC_ONLY
    assert not any(can(user, "view_event", s) for s in series if not s.is_public)
