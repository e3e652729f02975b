"""Who may do what: the one place the web layer asks.

``can(user, action, obj)`` answers yes or no; views never compare role strings. Every row is
first asked ``can(user, "see", row)`` (who may know it exists, per kind of row); the web
layer's one loader (:func:`scheduler.web.access.load`) answers 404 when that is no and 403
when the row is seen but the action is not allowed. Lists ask :func:`organisation_scope` (and
the read model :func:`event_visibility`), so a list never shows what a page refuses.

Rules, by role:

- admin: everything;
- coordinator: their organisation's events, series, imported calendars, reminders and people;
- organiser: reads like a viewer, and records (and sees) the outcomes of the events they
  organise (a series lists its organisers by email);
- viewer: reads everything, changes nothing;
- imported series (and their events) change at their source: nobody changes them here, their
  outcomes are recorded as any other's;
- plans: everyone signed in reads them; admins roll and publish;
- anonymous: public events only;
- who sees which event (:class:`EventVisibility`): public events everyone; internal ones
  admins and viewers, the coordinators of the event's organisation and the event's
  organisers — active accounts only. The read model turns the same facts into SQL
  (``scheduler.events.queries.visible_series``), so a list never shows what a page hides;
- history (who changed what): signed-in people who may see the object.

Unknown actions are refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class EventVisibility:
    """Which events a person may see, as plain facts: what ``view_event`` asks of one event
    and what the read model turns into a SQL condition for a list (hashable: a private
    feed's cache key holds its owner's). Public events: everyone."""

    every: bool = False  # internal events of every organisation (admins, viewers)
    organisation_id: int | None = None  # internal events of this organisation (coordinators)
    organiser_email: str | None = None  # internal events whose series name this address

    def names(self, organisers: Iterable[str] | None) -> bool:
        """Whether a series' organisers include the person."""
        email = self.organiser_email
        return bool(email) and email in [(o or "").strip().lower() for o in organisers or []]

    def admits(self, series) -> bool:
        """Whether the person may see the events of ``series``."""
        return (
            bool(series.is_public)
            or self.every
            or (self.organisation_id is not None and series.organisation_id == self.organisation_id)
            or self.names(series.organisers)
        )


PUBLIC_ONLY = EventVisibility()
EVERY_EVENT = EventVisibility(every=True)


def event_visibility(user) -> EventVisibility:
    """What ``user`` may see, from their current role, organisation, address and state: a
    deactivated account (or a visitor) sees public events only."""
    if not _signed_in(user) or not getattr(user, "is_active", False):
        return PUBLIC_ONLY
    if _view_every_event(user):
        return EVERY_EVENT
    return EventVisibility(
        organisation_id=user.organisation_id if _role(user) == Role.COORDINATOR else None,
        organiser_email=(user.email or "").strip().lower() or None,
    )


def _view_event(user, event) -> bool:
    return event is not None and event_visibility(user).admits(_series_of(event))


def is_imported(obj) -> bool:
    """Whether an event or series comes from an imported calendar (it changes at its source)."""
    return bool(getattr(_series_of(obj), "is_imported", False))


def _manages_event(user, event) -> bool:
    """Admins, and the coordinators of the event's (or series') organisation."""
    return event is not None and (_is_admin(user) or _coordinates(user, _event_org(event)))


def _change_event(user, event) -> bool:
    """Move, cancel, restore, edit one occurrence (or its series); never an imported one."""
    return _manages_event(user, event) and not is_imported(event)


def _organisation_id(obj) -> int | None:
    """An organisation's id, from an id, an Organisation or a row that belongs to one."""
    org_id = getattr(obj, "organisation_id", None)
    if org_id is None:
        org_id = getattr(obj, "id", obj)
    return org_id


def _create_series(user, organisation) -> bool:
    """Without an organisation: the series editor at all; with one (an id or an
    Organisation): a series of it."""
    if organisation is None:
        return _role(user) in (Role.ADMIN, Role.COORDINATOR)
    return _is_admin(user) or _coordinates(user, _organisation_id(organisation))


def _share_event(user, event) -> bool:
    """Ready posts for newcomers' groups: coordinators (of any partner) and admins, for
    public events only (an internal meeting has no public page to link to)."""
    return (
        event is not None
        and _series_of(event).is_public
        and _role(user) in (Role.ADMIN, Role.COORDINATOR)
    )


def _translate(user, _obj=None) -> bool:
    """The translations worklist: admins, and coordinators for their organisation."""
    return _role(user) in (Role.ADMIN, Role.COORDINATOR)


def _translate_organisation(user, organisation) -> bool:
    return _is_admin(user) or _coordinates(user, _organisation_id(organisation))


def _record_outcome(user, event) -> bool:
    return _manages_event(user, event) or (_role(user) == Role.ORGANISER and organises(user, event))


ALL = "all"


def organisation_scope(user) -> str | int | None:
    """Whose rows (reminders, series, calendars) the user manages, for queries: ``ALL`` for
    an admin, their organisation's id for a coordinator, None for anyone else."""
    if _is_admin(user):
        return ALL
    if _role(user) == Role.COORDINATOR:
        return user.organisation_id
    return None


def _see_registrations(user, event) -> bool:
    """An occurrence's participant list and check-in (names and emails): admins, and the
    coordinators and organisers of the organising organisation or named on the event."""
    same_org = event is not None and getattr(user, "organisation_id", None) == _event_org(event)
    return _record_outcome(user, event) or (_role(user) == Role.ORGANISER and same_org)


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
    return _is_admin(user) or _coordinates(user, _organisation_id(organisation_id))


def _see_calendar(user, calendar) -> bool:
    """The calendars page lists every calendar not removed to those who manage any."""
    return calendar.removed_at is None and _manage_calendars(user, None)


# --- reminders ---------------------------------------------------------------------------


def _see_reminders(user, _obj) -> bool:
    """The outbox page (each coordinator sees their organisation's rows, an admin all)."""
    return _role(user) in (Role.ADMIN, Role.COORDINATOR)


def _all_reminders(user, _obj) -> bool:
    return _is_admin(user)


def _see_reminder(user, reminder) -> bool:
    """One outbox row: admins, and the coordinators of its event's organisation."""
    scope = organisation_scope(user)
    if scope == ALL:
        return True
    return (
        scope is not None
        and reminder.event is not None
        and reminder.event.series.organisation_id == scope
    )


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


def _see_person(user, person) -> bool:
    """Admins know everyone; others the people of their own organisation."""
    return _is_admin(user) or (
        user.organisation_id is not None and person.organisation_id == user.organisation_id
    )


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


def _everyone(_user, _obj) -> bool:
    return True


# Who may know that a row exists, by its table: the loader's 404. Kinds not listed are
# never loaded through the policy.
_SEEN: dict[str, Rule] = {
    "event": _view_event,
    "series": _view_event,
    "organisation": _everyone,
    "indicator": _everyone,
    "plan": _active(_view_plans),
    "imported_calendar": _see_calendar,
    "reminder": _see_reminder,
    "feed_token": _revoke_feed_token,
    "user_account": _active(_see_person),
}


def _see(user, obj) -> bool:
    rule = _SEEN.get(getattr(obj, "__tablename__", None))
    return obj is not None and rule is not None and rule(user, obj)


_RULES: dict[str, Rule] = {
    "see": _see,
    "view_event": _view_event,
    "view_every_event": _view_every_event,
    "change_event": _change_event,
    "record_outcome": _record_outcome,
    "see_registrations": _active(_see_registrations),
    # accept or decline, change the settings, write to everyone: those who see the list
    "manage_registrations": _active(_see_registrations),
    "create_series": _create_series,
    "edit_series": _change_event,
    "share_event": _share_event,
    "translate": _active(_translate),
    "translate_organisation": _active(_translate_organisation),
    "see_worklist": _see_worklist,
    "manage_calendars": _manage_calendars,
    "see_reminders": _see_reminders,
    "see_all_reminders": _all_reminders,
    "retry_reminder": _see_reminder,
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
