"""The policy table: every role × action × own/other object, decided in one place."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from scheduler.accounts.models import Role, User
from scheduler.calendars.models import ImportedSeries
from scheduler.core.policy import ALL, can, organisation_scope
from scheduler.events.models import Event, Series

OWN_ORG, OTHER_ORG = 1, 2


def _user(role: Role | None) -> object:
    if role is None:
        return AnonymousUserMixin()
    return User(id=7, email=f"{role.value}@own.ee", role=role, organisation_id=OWN_ORG, active=True)


def _event(*, own_org: bool, organised: bool, public: bool) -> Event:
    series = Series(
        organisation_id=OWN_ORG if own_org else OTHER_ORG,
        organisers=["Organiser@Own.ee"] if organised else ["someone@else.ee"],
        is_public=public,
    )
    return Event(series=series)


ROLES = [Role.ADMIN, Role.COORDINATOR, Role.ORGANISER, Role.VIEWER, None]

# (role, own organisation?, organised by the user?, public?) -> view, change, record outcome
EVENT_TABLE = [
    (Role.ADMIN, False, False, False, (True, True, True)),
    (Role.ADMIN, False, False, True, (True, True, True)),
    (Role.COORDINATOR, True, False, False, (True, True, True)),
    (Role.COORDINATOR, True, False, True, (True, True, True)),
    (Role.COORDINATOR, False, False, False, (False, False, False)),
    (Role.COORDINATOR, False, False, True, (True, False, False)),
    (Role.ORGANISER, True, True, False, (True, False, True)),
    (Role.ORGANISER, False, True, True, (True, False, True)),
    (Role.ORGANISER, True, False, False, (False, False, False)),
    (Role.ORGANISER, True, False, True, (True, False, False)),
    (Role.VIEWER, True, False, False, (True, False, False)),
    (Role.VIEWER, False, False, True, (True, False, False)),
    (None, True, False, True, (True, False, False)),
    (None, True, False, False, (False, False, False)),
]


@pytest.mark.parametrize(("role", "own", "organised", "public", "expected"), EVENT_TABLE)
def test_who_may_see_change_and_record_an_event(role, own, organised, public, expected):
    event = _event(own_org=own, organised=organised, public=public)
    user = _user(role)
    assert (
        can(user, "view_event", event),
        can(user, "change_event", event),
        can(user, "record_outcome", event),
    ) == expected


def test_an_organiser_is_matched_by_email_whatever_its_case():
    event = _event(own_org=False, organised=True, public=False)
    assert can(_user(Role.ORGANISER), "record_outcome", event)


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("see_worklist", {Role.ADMIN, Role.COORDINATOR, Role.ORGANISER}),
        ("see_reminders", {Role.ADMIN, Role.COORDINATOR}),
        ("see_all_reminders", {Role.ADMIN}),
        ("manage_calendars", {Role.ADMIN, Role.COORDINATOR}),
        ("manage_indicators", {Role.ADMIN}),
        ("create_feed_token", {Role.ADMIN, Role.COORDINATOR, Role.ORGANISER, Role.VIEWER}),
        ("list_people", {Role.ADMIN, Role.COORDINATOR}),
        ("see_all_people", {Role.ADMIN}),
        ("view_plans", {Role.ADMIN, Role.COORDINATOR, Role.ORGANISER, Role.VIEWER}),
        ("manage_plans", {Role.ADMIN}),
        ("view_every_event", {Role.ADMIN, Role.VIEWER}),
    ],
)
def test_pages_open_to_some_roles_only(action, allowed):
    assert {r for r in ROLES if can(_user(r), action)} == allowed


@pytest.mark.parametrize(
    ("org", "allowed"),
    [(OWN_ORG, {Role.ADMIN, Role.COORDINATOR}), (OTHER_ORG, {Role.ADMIN})],
)
def test_calendars_of_an_organisation_are_managed_by_its_coordinator_and_admins(org, allowed):
    assert {r for r in ROLES if can(_user(r), "manage_calendars", org)} == allowed


@pytest.mark.parametrize(
    ("owner", "allowed"),
    [(7, {Role.ADMIN, Role.COORDINATOR, Role.ORGANISER, Role.VIEWER}), (8, {Role.ADMIN})],
)
def test_a_feed_link_is_revoked_by_its_owner_or_an_admin(owner, allowed):
    class Token:
        user_id = owner

    assert {r for r in ROLES if can(_user(r), "revoke_feed_token", Token())} == allowed


@pytest.mark.parametrize(("owner", "allowed"), [(7, set(ROLES) - {None}), (8, set())])
def test_the_account_page_revokes_only_the_persons_own_feed_links(owner, allowed):
    class Token:
        user_id = owner

    assert {r for r in ROLES if can(_user(r), "revoke_own_feed_token", Token())} == allowed


def test_an_unknown_action_is_refused_even_to_an_admin():
    assert not can(_user(Role.ADMIN), "launch_rockets")


def test_a_missing_object_is_refused():
    assert not can(_user(Role.ADMIN), "change_event", None)


def _imported(event: Event) -> Event:
    event.series.import_link = ImportedSeries(uid="x@source")
    return event


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_an_imported_series_is_changed_by_nobody_but_takes_its_outcomes(role):
    event = _imported(_event(own_org=True, organised=False, public=True))
    user = _user(role)
    assert not can(user, "change_event", event)
    assert not can(user, "edit_series", event.series)
    assert can(user, "record_outcome", event)
    assert can(user, "view_event", event)


def test_whose_rows_each_role_manages_in_lists():
    assert organisation_scope(_user(Role.ADMIN)) == ALL
    assert organisation_scope(_user(Role.COORDINATOR)) == OWN_ORG
    for role in (Role.ORGANISER, Role.VIEWER, None):
        assert organisation_scope(_user(role)) is None


def test_rows_of_a_kind_the_policy_does_not_know_are_never_seen():
    class Secret:
        __tablename__ = "secret"

    assert not can(_user(Role.ADMIN), "see", Secret())
    assert not can(_user(Role.ADMIN), "see", None)
