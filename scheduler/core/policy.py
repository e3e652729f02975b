"""Who may do what: the one place the web layer asks.

``can(user, action, obj)`` answers yes or no; views never compare role strings. Each kind of
object has a loader next to its views (e.g. :func:`scheduler.events.access.load_event`) that
answers 404 when the object is not the user's to see and 403 when it is theirs to see but not
to change.

Rules, by role:

- admin: everything;
- coordinator: their organisation's events, series, imported calendars and reminders;
- organiser: reads like a viewer, and records (and sees) the outcomes of the events they
  organise (a series lists its organisers by email);
- viewer: reads everything, changes nothing;
- plans: everyone signed in reads them; admins roll and publish;
- anonymous: public events only;
- history (who changed what): signed-in people who may see the object.

Unknown actions are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..accounts.models import Role

Rule = Callable[[Any, Any], bool]


def can(user, action: str, obj: Any = None) -> bool:
    """Whether ``user`` (a User or Flask-Login's anonymous user) may do ``action`` on ``obj``."""
    rule = _RULES.get(action)
    if rule is None:
        return False
    return bool(rule(user, obj))


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in set(
        Role
    )


def _role(user) -> Role | None:
    return user.role if _signed_in(user) else None


def _is_admin(user) -> bool:
    return _role(user) == Role.ADMIN


def _coordinates(user, organisation_id: int | None) -> bool:
    return (
        _role(user) == Role.COORDINATOR
        and organisation_id is not None
        and organisation_id == user.organisation_id
    )


# --- events, series, outcomes -------------------------------------------------------------


def _series_of(obj):
    """The series of an event, or the series itself."""
    return getattr(obj, "series", None) or obj


def organises(user, obj) -> bool:
    """Whether the user is named (by email) among the organisers of the event's series."""
    if not _signed_in(user) or obj is None:
        return False
    email = (user.email or "").strip().lower()
    return bool(email) and email in [
        (o or "").strip().lower() for o in (_series_of(obj).organisers or [])
    ]


def _event_org(obj) -> int | None:
    return _series_of(obj).organisation_id


def _view_every_event(user, _obj=None) -> bool:
    """Internal events of every organisation: admins and viewers."""
    return _is_admin(user) or _role(user) == Role.VIEWER


def _view_event(user, event) -> bool:
    if event is None:
        return False
    series = _series_of(event)
    if series.is_public or _view_every_event(user):
        return True
    return _coordinates(user, series.organisation_id) or organises(user, event)


def _change_event(user, event) -> bool:
    """Move, cancel, restore, edit one occurrence (or its series)."""
    return event is not None and (_is_admin(user) or _coordinates(user, _event_org(event)))


def _create_series(user, organisation_id) -> bool:
    """Without an organisation: the series editor at all; with one (an id): a series of it."""
    if organisation_id is None:
        return _role(user) in (Role.ADMIN, Role.COORDINATOR)
    return _is_admin(user) or _coordinates(user, organisation_id)


def _share_event(user, event) -> bool:
    """Ready posts for newcomers' groups: coordinators (of any partner) and admins, for
    public events only (an internal meeting has no public page to link to)."""
    return (
        event is not None
        and _series_of(event).is_public
        and _role(user) in (Role.ADMIN, Role.COORDINATOR)
    )


def _record_outcome(user, event) -> bool:
    return _change_event(user, event) or (_role(user) == Role.ORGANISER and organises(user, event))


def outcome_scope(user) -> tuple[str, object] | None:
    """Whose events the user records outcomes of, for queries (the worklist and its count):
    ``("all", None)``, ``("organisation", id)``, ``("organiser", email)`` or None."""
    role = _role(user)
    if role == Role.ADMIN:
        return ("all", None)
    if role == Role.COORDINATOR and user.organisation_id is not None:
        return ("organisation", user.organisation_id)
    if role == Role.ORGANISER and (user.email or "").strip():
        return ("organiser", user.email.strip().lower())
    return None


def _see_worklist(user, _obj) -> bool:
    """The awaiting-outcome worklist: people who record outcomes."""
    return _role(user) in (Role.ADMIN, Role.COORDINATOR, Role.ORGANISER)


# --- imported calendars ------------------------------------------------------------------


def _manage_calendars(user, organisation_id) -> bool:
    """Without an organisation: the calendars page at all; with one (an id, an Organisation
    or an ImportedCalendar): that organisation's calendars."""
    if organisation_id is None:
        return _role(user) in (Role.ADMIN, Role.COORDINATOR)
    org_id = getattr(organisation_id, "organisation_id", None)
    if org_id is None:
        org_id = getattr(organisation_id, "id", organisation_id)
    return _is_admin(user) or _coordinates(user, org_id)


# --- reminders ---------------------------------------------------------------------------


def _see_reminders(user, _obj) -> bool:
    """The outbox page (each coordinator sees their organisation's rows, an admin all)."""
    return _role(user) in (Role.ADMIN, Role.COORDINATOR)


def _all_reminders(user, _obj) -> bool:
    return _is_admin(user)


# --- feeds -------------------------------------------------------------------------------


def _create_feed_token(user, _obj) -> bool:
    """Private feed links: anyone signed in has their own."""
    return _signed_in(user)


def _own_feed_token(user, token) -> bool:
    """The account page lists and revokes only the person's own links."""
    return token is not None and _signed_in(user) and token.user_id == user.id


def _revoke_feed_token(user, token) -> bool:
    """The feeds page: an admin may revoke anyone's link (a leaked one, say)."""
    return token is not None and (_is_admin(user) or _own_feed_token(user, token))


# --- indicators --------------------------------------------------------------------------


def _manage_indicators(user, _obj) -> bool:
    """Manual values, target revisions, closing a year."""
    return _is_admin(user)


# --- plans -------------------------------------------------------------------------------


def _view_plans(user, _obj) -> bool:
    """The yearly plans: everyone signed in reads them (internal series included)."""
    return _signed_in(user)


def _manage_plans(user, _obj) -> bool:
    """Roll the next year's draft, publish a draft."""
    return _is_admin(user)


# --- history ---------------------------------------------------------------------------------


def _view_history(user, obj) -> bool:
    """Who changed what: signed-in people who may see the object (an event, a series or an
    indicator); the records name people, so visitors never see them."""
    if obj is None:
        return False
    if getattr(obj, "__tablename__", None) == "indicator":
        return True
    return _view_event(user, obj)


# --- people (accounts) ---------------------------------------------------------------------
# "invite": obj is None (may invite anyone at all?) or (role, organisation_id).
# "list_people": see the people page; "see_all_people": everyone's, not only their organisation's.
# "manage_user": obj is the person to deactivate, reactivate or give another role.
# "assign_role": obj is (person, role): the role that person may be given by the user.


def _may_invite(user, obj) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.COORDINATOR or user.organisation_id is None:
        return False
    if obj is None:
        return True
    role, organisation_id = obj
    return Role(role) in (Role.ORGANISER, Role.VIEWER) and organisation_id == user.organisation_id


def _may_list_people(user, _obj) -> bool:
    return _may_invite(user, None)


def _see_all_people(user, _obj) -> bool:
    """Everyone on the people page and in the invitation's organisations (else their own)."""
    return _is_admin(user)


def _may_manage_user(user, person) -> bool:
    if person is None or person.id == user.id:  # nobody changes their own role or state
        return False
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.COORDINATOR
        and user.organisation_id is not None
        and person.organisation_id == user.organisation_id
        and person.role in (Role.ORGANISER, Role.VIEWER)
    )


def _may_assign_role(user, obj) -> bool:
    person, role = obj
    return _may_manage_user(user, person) and _may_invite(user, (role, person.organisation_id))


def _active(rule: Rule) -> Rule:
    def checked(user, obj) -> bool:
        return _signed_in(user) and bool(getattr(user, "is_active", False)) and rule(user, obj)

    return checked


_RULES: dict[str, Rule] = {
    "view_event": _view_event,
    "view_every_event": _view_every_event,
    "change_event": _change_event,
    "record_outcome": _record_outcome,
    "create_series": _create_series,
    "edit_series": _change_event,
    "share_event": _share_event,
    "see_worklist": _see_worklist,
    "manage_calendars": _manage_calendars,
    "see_reminders": _see_reminders,
    "see_all_reminders": _all_reminders,
    "create_feed_token": _create_feed_token,
    "revoke_feed_token": _revoke_feed_token,
    "revoke_own_feed_token": _own_feed_token,
    "manage_indicators": _manage_indicators,
    "view_plans": _active(_view_plans),
    "manage_plans": _active(_manage_plans),
    "view_history": _active(_view_history),
    "invite": _active(_may_invite),
    "list_people": _active(_may_list_people),
    "see_all_people": _active(_see_all_people),
    "manage_user": _active(_may_manage_user),
    "assign_role": _active(_may_assign_role),
}
