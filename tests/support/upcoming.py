"""Upcoming public events around today, for the surfaces that list what is coming: the
widget and its iframe form, and the news feeds. A package's conftest imports the fixture."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.core.time import utcnow, zone
from scheduler.events.models import Event
from scheduler.events.service import cancel_occurrence
from scheduler.extensions import db
from tests.factories import expand, make_org, make_series


@pytest.fixture
def upcoming(app):
    """From tomorrow on: Tartu's weekly club (et/en/ru titles, held in Russian and English,
    its second meeting cancelled), Tartu's info day titled in Estonian only, Pärnu's weekly
    club, and Tartu's internal meeting (not public)."""
    today = utcnow().astimezone(zone()).date()
    first = today + timedelta(days=1)
    bounds = (first, first + timedelta(weeks=6))
    tartu, parnu = make_org("tartu"), make_org("parnu")
    club = make_series(
        "tartu-club",
        org=tartu,
        rule="FREQ=WEEKLY",
        start=first,
        bounds=bounds,
        title="Vestlusklubi",
        title_en="Conversation club",
        title_ru="Разговорный клуб",
        location="Tartu Linnaraamatukogu",
        languages=["ru", "en"],
    )
    info_day = make_series(
        "tartu-info",
        org=tartu,
        rule=None,
        start=first + timedelta(days=2),
        bounds=None,
        title="Infopäev",
        event_type="info_day",
        location="Tartu Raekoda",
        languages=["et"],
    )
    parnu_club = make_series(
        "parnu-club", org=parnu, rule="FREQ=WEEKLY", start=first, bounds=bounds, title="Pärnu klubi"
    )
    internal = make_series(
        "tartu-internal",
        org=tartu,
        rule="FREQ=WEEKLY",
        start=first,
        bounds=bounds,
        title="Sisekoosolek",
        is_public=False,
    )
    horizon = utcnow() + timedelta(days=365)
    for series in (club, info_day, parnu_club, internal):
        expand(series, horizon)
    db.session.commit()
    second = db.session.scalars(
        db.select(Event).where(Event.series_id == club.id).order_by(Event.start)
    ).all()[1]
    cancel_occurrence(second, reason="Raamatukogu on suletud")
    db.session.commit()
    return {"club": club, "info_day": info_day, "parnu_club": parnu_club, "cancelled": second}


def weekly_club(key: str, org: str, org_name: str, *, weeks: int = 3, **fields):
    """A public weekly club of ``org`` from tomorrow on, for ``weeks``, its events made."""
    first = utcnow().astimezone(zone()).date() + timedelta(days=1)
    club = make_series(
        key,
        org=make_org(org, name=org_name),
        rule="FREQ=WEEKLY",
        start=first,
        bounds=(first, first + timedelta(weeks=weeks)),
        is_public=True,
        **fields,
    )
    expand(club, utcnow() + timedelta(days=60))
    db.session.commit()
    return club
