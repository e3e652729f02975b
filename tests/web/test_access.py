"""The web layer's one loader and one decorator: 404 for what does not exist or may not be
known to exist, 403 for what is seen but not allowed, every rule asked of the policy."""

from __future__ import annotations

import pytest
from flask import g
from flask_login import AnonymousUserMixin, login_user
from werkzeug.exceptions import Forbidden, NotFound

from scheduler.accounts.models import Role
from scheduler.calendars.models import ImportedCalendar, ImportedSeries
from scheduler.events.models import Event, Series
from scheduler.extensions import db
from scheduler.mail.models import Reminder
from scheduler.web.access import admit, load, permit, requires
from tests.factories import expand, make_series
from tests.support.people import person
from tests.support.world import ADMIN, VIEWER, Recipe, World, coordinator, org, staff

pytestmark = pytest.mark.postgres

MISSING = 987_654


TARTU, PARNU = coordinator("tartu"), coordinator("parnu")


def _club_and_meeting(world: World) -> dict:
    tartu = world.orgs["tartu"]
    club = make_series("club", org=tartu, is_public=True)
    meeting = make_series("meeting", org=tartu, is_public=False, organisers=["a@tartu.ee"])
    expand(club)
    expand(meeting)
    return {"club": club, "meeting": meeting}


@pytest.fixture
def world_recipe() -> Recipe:
    """Tartu's public club and internal meeting, and a coordinator of Tartu and of Pärnu."""
    return Recipe(
        orgs=(org("tartu"), org("parnu")), people=staff("tartu", "parnu"), adds=_club_and_meeting
    )


def _first_event(series: Series) -> Event:
    return db.session.scalars(db.select(Event).filter_by(series_id=series.id)).first()


def test_a_row_that_does_not_exist_is_404_whatever_the_action(world):
    for action in ("see", "view_event", "change_event"):
        with pytest.raises(NotFound):
            load(Event, MISSING, action, user=world.people[ADMIN])
    with pytest.raises(NotFound):
        load(Series, 2**63, user=world.people[ADMIN])  # beyond the database's integer range


def test_another_organisations_internal_row_is_404_not_403(world):
    meeting = world["meeting"]
    for model, row_id in ((Series, meeting.id), (Event, _first_event(meeting).id)):
        for action in ("see", "change_event", "record_outcome"):
            with pytest.raises(NotFound):
                load(model, row_id, action, user=world.people[PARNU])


def test_a_row_seen_but_not_to_be_changed_is_403(world):
    event = _first_event(world["club"])
    assert load(Event, event.id, user=world.people[PARNU]) == event  # public: everyone sees it
    for user in (world.people[PARNU], world.people[VIEWER]):
        with pytest.raises(Forbidden):
            load(Event, event.id, "change_event", user=user)
        with pytest.raises(Forbidden):
            load(Series, world["club"].id, "edit_series", user=user)


def test_the_coordinator_of_the_row_s_organisation_and_an_admin_may_change_it(world):
    event = _first_event(world["meeting"])
    for user in (world.people[TARTU], world.people[ADMIN]):
        assert load(Event, event.id, "change_event", user=user) == event
        assert load(Series, world["meeting"].id, "edit_series", user=user) == world["meeting"]


def test_an_imported_series_is_refused_to_every_editor_but_takes_outcomes(world):
    club = world["club"]
    calendar = ImportedCalendar(organisation_id=club.organisation_id, source="upload:x.ics")
    db.session.add(calendar)
    db.session.flush()
    db.session.add(ImportedSeries(series_id=club.id, calendar_id=calendar.id, uid="x@source"))
    db.session.commit()
    db.session.expire_all()
    event = _first_event(club)
    for user in (world.people[TARTU], world.people[ADMIN]):
        with pytest.raises(Forbidden):
            load(Series, club.id, "edit_series", user=user)
        with pytest.raises(Forbidden):
            load(Event, event.id, "change_event", user=user)
        assert load(Event, event.id, "record_outcome", user=user) == event


def test_a_coordinator_acts_on_their_own_organisation_only(world):
    tartu_org = world["club"].organisation
    organiser = person(Role.ORGANISER, tartu_org)
    reminder = Reminder(event=_first_event(world["meeting"]))
    assert admit(reminder, "retry_reminder", user=world.people[TARTU]) is reminder
    assert admit(organiser, "manage_user", user=world.people[TARTU]) is organiser
    with pytest.raises(NotFound):  # another organisation's outbox row and people are unknown
        admit(reminder, "retry_reminder", user=world.people[PARNU])
    with pytest.raises(NotFound):
        admit(organiser, "manage_user", user=world.people[PARNU])
    with pytest.raises(Forbidden):
        admit(tartu_org, "create_series", user=world.people[PARNU])
    with pytest.raises(Forbidden):
        permit("manage_calendars", tartu_org, user=world.people[PARNU])
    assert admit(tartu_org, "create_series", user=world.people[TARTU]) is tartu_org


def _page(app, user, action: str):
    view = requires(action)(lambda: "the page")
    with app.test_request_context("/somewhere"):
        g.pop("_login_user", None)
        if user is not None:
            login_user(user)
        return view()


def test_requires_sends_a_visitor_to_sign_in(app, world):
    answer = _page(app, None, "see_reminders")
    assert answer.status_code == 302 and "/account/login" in answer.location


def test_requires_refuses_a_signed_in_person_without_the_right(app, world):
    with pytest.raises(Forbidden):
        _page(app, world.people[VIEWER], "see_reminders")
    assert _page(app, world.people[TARTU], "see_reminders") == "the page"
    assert _page(app, world.people[ADMIN], "manage_plans") == "the page"


def test_the_loader_asks_the_signed_in_person_by_default(app, world):
    event = _first_event(world["meeting"])
    with app.test_request_context("/"):
        g.pop("_login_user", None)
        login_user(world.people[PARNU])
        with pytest.raises(NotFound):
            load(Event, event.id)
    with app.test_request_context("/"):
        g.pop("_login_user", None)
        g._login_user = AnonymousUserMixin()
        with pytest.raises(NotFound):
            load(Event, event.id)
