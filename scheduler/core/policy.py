"""Who may do what: the one place views, templates and commands ask (``can``).

Each kind of object has its own small rule functions below, registered in ``RULES`` by
action name. Views never compare role strings; they call ``can(user, action, obj)``.
"""

from __future__ import annotations

from collections.abc import Callable

RULES: dict[str, Callable[[object, object], bool]] = {}


def can(user, action: str, obj=None) -> bool:
    """Whether ``user`` (signed in or not) may do ``action`` (to ``obj``)."""
    rule = RULES.get(action)
    if rule is None:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(rule(user, obj))


# --- people (accounts) -----------------------------------------------------------------
# "invite": obj is None (may invite anyone at all?) or (role, organisation_id).
# "list_people": see the people page.
# "manage_user": obj is the person to deactivate, reactivate or give another role.
# "assign_role": obj is (person, role): the role that person may be given by the user.


def _role(value):
    from ..accounts.models import Role

    return Role(value)


def _may_invite(user, obj) -> bool:
    from ..accounts.models import Role

    if user.role == Role.ADMIN:
        return True
    if user.role != Role.COORDINATOR or user.organisation_id is None:
        return False
    if obj is None:
        return True
    role, organisation_id = obj
    return _role(role) in (Role.ORGANISER, Role.VIEWER) and organisation_id == user.organisation_id


def _may_list_people(user, _obj) -> bool:
    return _may_invite(user, None)


def _may_manage_user(user, person) -> bool:
    from ..accounts.models import Role

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


RULES.update(
    invite=_may_invite,
    list_people=_may_list_people,
    manage_user=_may_manage_user,
    assign_role=_may_assign_role,
)
