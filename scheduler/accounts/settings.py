"""A person's own account page: language, reminder mail, password, private feed links."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user

from ..extensions import db
from ..feeds import models as feed_tokens
from ..feeds.forms import FeedTokenForm, RevokeFeedTokenForm
from ..feeds.private_links import private_links, revoke_posted
from . import throttle
from .forms import ChangePasswordForm, PreferencesForm
from .labels import role_label
from .services import change_password


def _me():
    return current_user._get_current_object()


def _page(preferences=None, password=None, new_links=None, status: int = 200):
    me = _me()
    if preferences is None:
        preferences = PreferencesForm(locale=me.locale, reminders=not me.reminders_opt_out)
    return render_template(
        "accounts/account.html",
        me=me,
        role_label=role_label,
        preferences=preferences,
        password=password or ChangePasswordForm(),
        feed_form=FeedTokenForm(),
        revoke_form=RevokeFeedTokenForm(),
        tokens=feed_tokens.tokens_of(me),
        new_links=new_links,
    ), status


@login_required
def account():
    return _page()


@login_required
def save_preferences():
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _page(preferences=form, status=400)
    me = _me()
    me.locale = form.locale.data
    me.reminders_opt_out = not form.reminders.data
    db.session.commit()
    session.pop("lang", None)  # the saved language now applies, not one picked earlier by ?lang=
    refresh()
    flash(_("Your preferences were saved."))
    return redirect(url_for("accounts.account"))


@login_required
def save_password():
    form = ChangePasswordForm()
    me = _me()
    if form.validate_on_submit() and not _current_password_ok(me, form.current.data):
        form.current.errors.append(_("This is not your current password."))
    elif form.validate_on_submit():
        change_password(me, form.password.data)  # ends the other sessions
        login_user(me)  # this one continues with the new session version
        flash(_("Your password was changed. Your other sessions have ended."))
        return redirect(url_for("accounts.account"))
    return _page(password=form, status=400)


def _current_password_ok(me, password: str) -> bool:
    """The current-password check, throttled like sign-ins (429 after too many failures),
    so a session left open cannot be used to guess the password."""
    address = request.remote_addr
    until = throttle.blocked_until(me.email, address)
    if until is not None:
        raise throttle.too_many_sign_ins(until)
    if me.check_password(password):
        return True
    throttle.record_failure(me.email, address)
    return False


@login_required
def create_feed_link():
    form = FeedTokenForm()
    if not form.validate_on_submit():
        return _page(status=400)
    _row, secret = feed_tokens.issue_token(_me(), form.label.data)
    db.session.commit()
    return _page(new_links=private_links(secret))


@login_required
def revoke_feed_link(token_id: int):
    revoke_posted(token_id, "revoke_own_feed_token")
    return redirect(url_for("accounts.account"))
