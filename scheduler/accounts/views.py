from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from . import services, throttle
from .forms import FirstAdminForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from .links import INVITATION, RESET, check_first_admin_token, user_of_token

log = logging.getLogger(__name__)


def login():
    form = LoginForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr
        until = throttle.blocked_until(email, address)
        if until is not None:
            log.warning("sign-in throttled for %s from %s", email, address)
            raise throttle.too_many_sign_ins(until)
        user = services.authenticate(email, form.password.data)
        if user is not None:
            target = _safe_next(request.args.get("next"))  # decided before the session changes
            throttle.forget_failures(email)
            login_user(user)
            return redirect(target)
        throttle.record_failure(email, address)
        log.warning("failed login for %s from %s", email, address)
        flash(_("Wrong email or password."), "error")
        status = 401
    return render_template("accounts/login.html", form=form), status


def logout():
    """Sign out everywhere: the user's other sessions and remember-me cookies end too."""
    if current_user.is_authenticated:
        services.end_sessions(current_user._get_current_object())
    logout_user()
    return redirect(url_for("events.index"))


def _safe_next(target: str | None) -> str:
    """``?next=`` if it is a path on this site, else the start page.

    An absolute URL (or ``//host``, ``/\\host``) would make the login an open redirect, and
    CR, LF or other control characters cannot go into a Location header at all."""
    if (
        target
        and len(target) <= 2000
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\\" not in target
        and not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in target)
        and not urlsplit(target).scheme
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("events.index")


# --- forgotten passwords, invitations, the first admin -------------------------------------


def forgot_password():
    """The same answer whether or not the email belongs to someone (the rate limit too)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        throttle.check_mail_request(throttle.RESET, form.email.data, request.remote_addr)
        services.request_password_reset(form.email.data)  # commits the count with the queued mail
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
        # the link stops working; other sessions end
        services.change_password(user, form.password.data)
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
        user = services.create_first_admin(
            form.email.data,
            form.password.data,
            form.name.data or None,
            locale=str(get_locale() or "et"),
        )
        logout_user()
        login_user(user)
        flash(_("You are the first administrator. Invite the others from the people page."))
        return redirect(url_for("accounts.people"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/first_admin.html", form=form), status
