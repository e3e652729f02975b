"""The people page: who signs in, inviting more, roles, deactivation (policy: core/policy)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.policy import can
from ..extensions import db
from ..organisations.models import Organisation
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


def person_or_404(user_id: int) -> User:
    """A person the current user may see (else 404) and change (else 403)."""
    person = _people_query().filter(User.id == user_id).one_or_none()
    if person is None:
        abort(404)
    if not can(_me(), "manage_user", person):
        abort(403)
    return person


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


@login_required
def people():
    if not can(_me(), "list_people"):
        abort(403)
    return _page(_invite_form())


@login_required
def invite_person():
    me = _me()
    if not can(me, "invite"):
        abort(403)
    form = _invite_form()
    _refuse_what_is_not_theirs_to_give(me, form)
    if not form.validate_on_submit():
        return _page(form, 400)
    organisation = _organisation(form.organisation.data)
    role = Role(form.role.data)
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
    if not can(me, "invite", (role, organisation.id if organisation else None)):
        abort(403)


@login_required
def change_role(user_id: int):
    person = person_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    if not can(_me(), "assign_role", (person, form.role.data)):
        abort(403)
    if form.role.data == Role.COORDINATOR and person.organisation_id is None:
        flash(_("A coordinator needs an organisation."), "error")
        return redirect(url_for("accounts.people"))
    set_role(person, form.role.data)
    role = role_label(person.role)
    flash(_("%(email)s: the role is now %(role)s.", email=person.email, role=role))
    return redirect(url_for("accounts.people"))


@login_required
def deactivate_person(user_id: int):
    person = person_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    deactivate(person)
    flash(_("%(email)s can no longer sign in.", email=person.email))
    return redirect(url_for("accounts.people"))


@login_required
def reactivate_person(user_id: int):
    person = person_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    reactivate(person)
    flash(_("%(email)s can sign in again.", email=person.email))
    return redirect(url_for("accounts.people"))
