"""A Tartu club with three Tuesday occurrences in January 2024, an internal meeting, and
people of every role."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from scheduler.accounts.models import User
from scheduler.events.models import Event
from scheduler.extensions import db
from scheduler.history.models import ChangeRecord
from scheduler.organisations.models import OrganisationKind
from tests.factories import expand, make_series
from tests.support.world import Recipe, World, org, staff

LEADER = "leader@club.ee"


def _club_and_meeting(world: World) -> dict:
    jan = (date(2024, 1, 1), date(2024, 1, 31))
    tartu = world.orgs["tartu"]
    club = make_series(
        "club", org=tartu, rule="FREQ=WEEKLY;BYDAY=TU;COUNT=3", organisers=[LEADER], bounds=jan
    )
    internal = make_series(
        "internal", org=tartu, rule="FREQ=WEEKLY;BYDAY=WE;COUNT=1", is_public=False, bounds=jan
    )
    for series in (club, internal):
        expand(series)
    return {"club": club, "internal": internal}


HISTORY = Recipe(
    orgs=(
        org("tartu", OrganisationKind.KOV, name="Tartu linn", ehak_code="0793", county_code="79"),
        org("tallinn", name="Tallinn"),
    ),
    people=staff("tartu", "tallinn"),
    adds=_club_and_meeting,
)


@pytest.fixture
def world_recipe() -> Recipe:
    return HISTORY


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
