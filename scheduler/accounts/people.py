"""The people page: who signs in, inviting more, roles, deactivation (policy: core/policy)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.policy import can
from ..extensions import db
from ..organisations.models import Organisation
from ..web.access import load, permit, requires
from ..web.forms import submitted
from . import throttle
from .forms import ConfirmForm, InviteForm, RoleForm
from .labels import role_label
from .models import Role, User
from .services import AccountError, deactivate, invite, reactivate, set_role


def _me() -> User:
    return current_user._get_current_object()


def _people_query():
    query = db.session.query(User).order_by(User.email)
    if not can(_me(), "see_all_people"):
        query = query.filter(User.organisation_id == _me().organisation_id)
    return query


def _invite_form() -> InviteForm:
    me = _me()
    form = InviteForm()
    organisations = db.session.query(Organisation).order_by(Organisation.slug).all()
    if not can(me, "see_all_people"):
        organisations = [o for o in organisations if o.id == me.organisation_id]
    roles = [r for r in Role if can(me, "invite", (r, me.organisation_id))]
    form.offer(roles, organisations, str(get_locale()))
    return form


def _role_form_for(offered: list):
    """A role picker per person, showing their role, offering what the user may give."""

    def role_form(person: User) -> RoleForm:
        form = RoleForm(formdata=None, role=person.role.value)
        form.role.choices = offered
        return form

    return role_form


def _page(form: InviteForm, status: int = 200):
    people = _people_query().all()
    return render_template(
        "accounts/people.html",
        people=people,
        form=form,
        role_form_for=_role_form_for(form.role.choices),
        confirm=ConfirmForm(),
        role_label=role_label,
        me=_me(),
    ), status


@requires("list_people")
def people():
    return _page(_invite_form())


@requires("invite")
def invite_person():
    me = _me()
    form = _invite_form()
    _refuse_what_is_not_theirs_to_give(me, form)
    if not form.validate_on_submit():
        return _page(form, 400)
    organisation = _organisation(form.organisation.data)
    role = Role(form.role.data)
    # counted with the invitation's commit; a refused invitation (below) is not counted
    throttle.check_mail_request(throttle.INVITATION, form.email.data, request.remote_addr)
    try:
        user, _link, failure = invite(
            form.email.data,
            role,
            organisation,
            name=form.name.data or None,
            locale=form.locale.data,
            inviter=me,
        )
    except AccountError as error:
        form.email.errors.append(str(error))
        return _page(form, 400)
    if failure is not None:
        flash(
            _(
                "The invitation to %(email)s could not be mailed (%(reason)s). Try again later.",
                email=user.email,
                reason=failure,
            ),
            "error",
        )
    else:
        flash(_("An invitation was sent to %(email)s.", email=user.email))
    return redirect(url_for("accounts.people"))


def _organisation(slug: str | None) -> Organisation | None:
    if not slug:
        return None
    return db.session.query(Organisation).filter_by(slug=slug[:64]).one_or_none()


def _refuse_what_is_not_theirs_to_give(me: User, form: InviteForm) -> None:
    """403 for a role or organisation the form did not offer them (a hand-made request)."""
    role = form.role.data
    if role not in {r.value for r in Role}:
        return  # not a role at all: the form says so (400)
    organisation = _organisation(form.organisation.data)
    permit("invite", (role, organisation.id if organisation else None), me)


@login_required
def change_role(user_id: int):
    person = load(User, user_id, "manage_user")
    form = submitted(RoleForm())
    permit("assign_role", (person, form.role.data))
    if form.role.data == Role.COORDINATOR and person.organisation_id is None:
        flash(_("A coordinator needs an organisation."), "error")
        return redirect(url_for("accounts.people"))
    resent = set_role(person, form.role.data, by=_me())
    role = role_label(person.role)
    flash(_("%(email)s: the role is now %(role)s.", email=person.email, role=role))
    if resent:
        flash(_("The invitation was sent again, naming the new role."))
    return redirect(url_for("accounts.people"))


def _confirmed_change(user_id: int, change, done: str):
    """Apply ``change`` to the person once the confirmation form is posted; ``done`` is the
    message, with ``%(email)s`` for their address."""
    person = load(User, user_id, "manage_user")
    submitted(ConfirmForm())
    change(person)
    flash(done % {"email": person.email})
    return redirect(url_for("accounts.people"))


@login_required
def deactivate_person(user_id: int):
    return _confirmed_change(user_id, deactivate, _("%(email)s can no longer sign in."))


@login_required
def reactivate_person(user_id: int):
    return _confirmed_change(user_id, reactivate, _("%(email)s can sign in again."))
