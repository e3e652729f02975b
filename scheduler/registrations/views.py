"""The public registration form and the registrant's personal page. Thin: the forms
validate, the service decides, the outbox mails."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from sqlalchemy.exc import IntegrityError

from ..accounts import throttle
from ..core.localized import localized
from ..core.time import utcnow
from ..events.queries import visible_event
from ..extensions import db
from ..organisations.models import Organisation
from . import door_code, rules, service
from .forms import PersonalActionForm, RegistrationForm
from .links import LinkRefused, read_personal_token
from .models import Registration


def _language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _event_context(event) -> dict:
    from ..events.presentation import title_of
    from ..mail.message import when_text

    language = _language()
    return {
        "event": event,
        "title": title_of(event, language).value,
        "when": when_text(event.start, event.series.timezone, language),
        "where": event.display_location,
        "retention_days": current_app.config["REGISTRATION_RETENTION_DAYS"],
        "organisation": event.series.organisation.display_name(language),
    }


def register(event_id: int):
    event = visible_event(event_id)
    if event is None:
        abort(404)
    settings = service.settings_for(event)
    availability = service.availability_of(event)
    context = _event_context(event)
    if settings is None or availability.state in ("closed", "full"):
        return render_template(
            "registrations/register.html", availability=availability, form=None, **context
        )
    form = RegistrationForm()
    question = localized(settings, "question", _language())
    form.ask_only(settings, question)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        page = render_template(
            "registrations/register.html", availability=availability, form=form, **context
        )
        return page, status
    if not form.is_robot():  # a robot is told it worked
        _register(event, form)
    return render_template("registrations/sent.html", email=form.email.data, **context)


def _register(event, form: RegistrationForm) -> None:
    email = form.email.data
    throttle.check_mail_request(throttle.REGISTRATION, email, request.remote_addr)
    kov = _kov_id(form.kov.data) if "kov" in form else None
    answers = {
        key: form[key].data.strip()
        for key in ("accessibility", "answer")
        if key in form and (form[key].data or "").strip()
    }
    try:
        service.register(
            event,
            name=form.name.data,
            email=email,
            language=_language(),
            phone=(form.phone.data or None) if "phone" in form else None,
            kov_id=kov,
            answers=answers,
        )
        db.session.commit()
    except service.RegistrationRefused:
        db.session.rollback()
        abort(409)
    except IntegrityError:  # the same email at the same moment: the other one stands
        db.session.rollback()


def _kov_id(slug: str | None) -> int | None:
    if not slug:
        return None
    return db.session.query(Organisation.id).filter_by(slug=slug).scalar()


def _registration_of(token: str) -> Registration:
    try:
        link = read_personal_token(token)
    except LinkRefused:
        abort(404)
    row = db.session.get(Registration, link.registration_id) if link.registration_id > 0 else None
    if row is None or row.token_hash is None or row.token_hash != link.token_hash:
        abort(410)
    return row


def personal(token: str):
    row = _registration_of(token)
    form = PersonalActionForm()
    refused = None
    if form.validate_on_submit():
        try:
            _act(row, form.action.data)
        except service.RegistrationRefused as error:
            refused = error.reason
        row = db.session.get(Registration, row.id)
        if row is None or row.token_hash is None:
            erased = row is None or row.erased_at is not None
            return render_template("registrations/gone.html", erased=erased)
    context = _event_context(row.event)
    lapsed = row.email_confirmed_at is None and rules.is_lapsed(row.created_at, None, utcnow())
    return render_template(
        "registrations/personal.html",
        registration=row,
        form=PersonalActionForm(formdata=None),
        refused=refused,
        lapsed=lapsed,
        checkin_qr=door_code.page_qr(row),
        **context,
    )


def _act(row: Registration, action: str) -> None:
    if action == "confirm":
        service.confirm(row.id)
    else:
        service.cancel(row.id, erase=action == "erase")
