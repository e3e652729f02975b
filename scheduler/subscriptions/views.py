"""The subscription pages. Thin: the forms validate, the service decides, the outbox mails.

What a page says never depends on whether an address is subscribed: subscribing always
answers "check your email", and only the holder of a link from the mail sees a choice."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from sqlalchemy.exc import IntegrityError

from ..accounts import throttle
from ..extensions import db
from . import service
from .forms import ChoiceForm, SubscriptionForm
from .links import subscriber_of, url_of
from .models import Subscriber


def _language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _page(template: str, status: int = 200, **context):
    days = current_app.config["SUBSCRIPTION_PENDING_DAYS"]
    return render_template(f"subscriptions/{template}", pending_days=days, **context), status


def subscribe():
    form = SubscriptionForm()
    form.offer(_language())
    if request.method == "GET" and request.args.get("org"):
        form.cities.data = [c for c, _n in form.cities.choices if c == request.args["org"]]
    if not form.validate_on_submit():
        return _page("subscribe.html", 400 if request.method == "POST" else 200, form=form)
    if not form.is_robot():  # a robot is told it worked
        throttle.check_mail_request(throttle.SUBSCRIPTION, form.email.data, request.remote_addr)
        try:
            service.subscribe(form.email.data, form.choice())
            db.session.commit()
        except IntegrityError:  # the same address at the same moment: the other one stands
            db.session.rollback()
    return _page("sent.html")


def _subscriber(token: str, purpose: str) -> Subscriber:
    row = subscriber_of(token, purpose)
    if row is None:
        abort(410)
    return row


def confirm(token: str):
    """A button, so that a mail scanner following the link confirms nothing."""
    row = _subscriber(token, "confirm")
    if request.method == "POST":
        service.confirm(row)
        return _page("confirmed.html", manage_url=url_of(row, "manage"))
    return _page("confirm.html")


def manage(token: str):
    row = _subscriber(token, "manage")
    form = ChoiceForm()
    if request.method == "GET":
        form.fill(row.choice)
    form.offer(_language())
    saved = form.validate_on_submit()
    if saved:
        service.change(row, form.choice())
    status = 400 if request.method == "POST" and not saved else 200
    unsubscribe_url = url_of(row, "unsubscribe")
    return _page("manage.html", status, form=form, saved=saved, unsubscribe_url=unsubscribe_url)


def unsubscribe(token: str):
    """GET asks; POST (the button, or a mail client's RFC 8058 one-click) erases."""
    if request.method == "POST":
        row = subscriber_of(token, "unsubscribe")
        if row is not None:
            service.unsubscribe(row)
        return _page("unsubscribed.html")
    _subscriber(token, "unsubscribe")
    return _page("unsubscribe.html")
