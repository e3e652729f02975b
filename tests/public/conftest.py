"""A small programme around today for the public site: two partner cities and the
implementer, public series in several working languages (one online only), an internal
meeting, one cancelled and one moved occurrence, and people who sign in."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from scheduler.core.time import utcnow, zone
from scheduler.events.models import Event, Series
from scheduler.events.service import cancel_occurrence, move_occurrence
from scheduler.extensions import db
from scheduler.organisations.models import OrganisationKind
from tests.factories import expand, make_series
from tests.support.world import Recipe, World, org, staff

TALLINN = zone("Europe/Tallinn")


def today():
    return utcnow().astimezone(TALLINN).date()


def events_of(series: Series) -> list[Event]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Event).where(Event.series_id == series.id).order_by(Event.start))
    )


def _programme(world: World) -> dict:
    first = today() + timedelta(days=1)
    bounds = (first, first + timedelta(days=200))
    tartu, parnu, elvl = (world.orgs[slug] for slug in ("tartu", "parnu", "elvl"))
    six_weeks = "FREQ=WEEKLY;COUNT=6"
    series = {
        "club": make_series(
            "tartu-club-en",
            org=tartu,
            rule=six_weeks,
            start=first,
            at=time(17, 30),
            bounds=bounds,
            title="Suhtlusklubi inglise keeles",
            title_en="Conversation club in English",
            title_ru="Клуб общения на английском",
            description="Vestlusklubi kõigile, kes tahavad harjutada.",
            description_en="A conversation club for everyone who wants to practise.",
            languages=["en"],
            location="Tartu Rahvusvaheline Maja, Lai 1, Tartu",
            organisers=["klubi@tartu.ee"],
            contact_public=True,
            is_public=True,
        ),
        "counselling": make_series(
            "tartu-counselling",
            org=tartu,
            rule=six_weeks,
            start=first + timedelta(days=1),
            at=time(10, 0),
            bounds=bounds,
            title="Nõustamine",
            title_en="Counselling for newcomers",
            title_ru="Консультации для новоприбывших",
            event_type="counselling",
            languages=["et", "ru"],
            location="Raekoja plats 1, Tartu",
            organisers=["noustamine@tartu.ee"],
            is_public=True,
        ),
        "webinar": make_series(
            "elvl-webinar",
            org=elvl,
            rule="FREQ=WEEKLY;COUNT=2",
            start=first + timedelta(days=2),
            at=time(12, 0),
            bounds=bounds,
            title="Veebiseminar",
            title_en="Webinar on registering a residence",
            event_type="info_session",
            languages=["ru"],
            online_url="https://meet.example.org/webinar",
            is_public=True,
        ),
        "baby": make_series(
            "parnu-baby-club",
            org=parnu,
            rule="FREQ=WEEKLY;COUNT=3",
            start=first + timedelta(days=3),
            at=time(11, 0),
            bounds=bounds,
            title="Beebiklubi",
            languages=["et"],
            location="Pärnu Keskraamatukogu",
            is_public=True,
        ),
        "internal": make_series(
            "tartu-specialists",
            org=tartu,
            rule=six_weeks,
            start=first,
            at=time(14, 0),
            bounds=bounds,
            title="Spetsialistide võrgustik",
            event_type="network_meeting",
            languages=["en"],
            is_public=False,
        ),
        "late": make_series(
            "tartu-late-excursion",
            org=tartu,
            rule="FREQ=DAILY;COUNT=1",
            start=first + timedelta(weeks=9),
            at=time(9, 0),
            bounds=bounds,
            title="Väljasõit",
            title_en="Excursion beyond eight weeks",
            event_type="excursion",
            languages=["en"],
            is_public=True,
        ),
    }
    for one in series.values():
        expand(one)
    club = events_of(series["club"])
    cancel_occurrence(club[1], "The room is being renovated")
    moved = club[2]
    move_occurrence(moved, moved.start + timedelta(hours=1), moved.end + timedelta(hours=1))
    return series


PUBLIC_SITE = Recipe(
    orgs=(
        org("tartu", name="Tartu linn", name_en="Tartu city", name_ru="город Тарту"),
        org("parnu", name="Pärnu linn", name_en="Pärnu city"),
        org(
            "elvl",
            OrganisationKind.IMPLEMENTER,
            name="Eesti Linnade ja Valdade Liit",
            name_en="Association of Estonian Cities and Municipalities",
        ),
        org("elva", OrganisationKind.KOV, name="Elva vald", ehak_code="0171", county_code="79"),
    ),
    people=staff("tartu", admin=False),
    adds=_programme,
)


@pytest.fixture
def world_recipe() -> Recipe:
    return PUBLIC_SITE
