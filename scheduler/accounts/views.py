from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from .forms import LoginForm
from .models import find_user

log = logging.getLogger(__name__)


def login():
    form = LoginForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user is not None and user.check_password(form.password.data):
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        log.warning("failed login for %s from %s", form.email.data, request.remote_addr)
        flash(_("Wrong email or password."), "error")
        status = 401
    return render_template("accounts/login.html", form=form), status


def logout():
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
