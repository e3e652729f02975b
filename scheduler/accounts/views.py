from __future__ import annotations

import logging
import math
from datetime import datetime
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import TooManyRequests

from ..core.time import utcnow
from . import throttle
from .forms import FirstAdminForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from .links import INVITATION, RESET, check_first_admin_token, user_of_token
from .services import (
    authenticate,
    change_password,
    create_first_admin,
    end_sessions,
    request_password_reset,
)

log = logging.getLogger(__name__)


def login():
    form = LoginForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr
        until = throttle.blocked_until(email, address)
        if until is not None:
            log.warning("sign-in throttled for %s from %s", email, address)
            raise _too_many_attempts(until)
        user = authenticate(email, form.password.data)
        if user is not None:
            throttle.forget_failures(email)
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        throttle.record_failure(email, address)
        log.warning("failed login for %s from %s", email, address)
        flash(_("Wrong email or password."), "error")
        status = 401
    return render_template("accounts/login.html", form=form), status


def _too_many_attempts(until: datetime) -> TooManyRequests:
    seconds = max(1, math.ceil((until - utcnow()).total_seconds()))
    minutes = math.ceil(seconds / 60)
    description = " ".join(
        [
            _("Too many failed sign-in attempts."),
            ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes),
        ]
    )
    return TooManyRequests(description=description, retry_after=seconds)


def logout():
    """Sign out everywhere: the user's other sessions and remember-me cookies end too."""
    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())
    logout_user()
    return redirect(url_for("events.index"))


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute URL in ?next= would make the login an open redirect.
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("events.index")


# --- forgotten passwords, invitations, the first admin -------------------------------------


def forgot_password():
    """The same answer whether or not the email belongs to someone."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        flash(
            _("If this email belongs to an account, a link to reset its password is on its way."),
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), 400 if form.is_submitted() else 200


def reset_password(token: str):
    user = user_of_token(token, RESET)
    return _set_password_page(user, _("Choose a new password"), _("Your password was changed."))


def accept_invitation(token: str):
    user = user_of_token(token, INVITATION)
    return _set_password_page(user, _("Welcome! Choose your password"), _("Welcome!"))


def _set_password_page(user, title: str, done: str):
    form = NewPasswordForm()
    if form.validate_on_submit():
        change_password(user, form.password.data)  # the link stops working; other sessions end
        logout_user()
        login_user(user)
        flash(done)
        return redirect(url_for("accounts.account"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/set_password.html", form=form, user=user, title=title), status


def first_admin(token: str):
    check_first_admin_token(token)
    form = FirstAdminForm()
    if form.validate_on_submit():
        user = create_first_admin(form.email.data, form.password.data, form.name.data or None)
        logout_user()
        login_user(user)
        flash(_("You are the first administrator. Invite the others from the people page."))
        return redirect(url_for("accounts.people"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/first_admin.html", form=form), status
