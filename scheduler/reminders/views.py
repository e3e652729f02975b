"""Thin views: the coordinators' outbox page, the follow-up form and the opt-out link."""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from ..core.localized import sorted_estonian
from ..core.policy import ALL, organisation_scope
from ..core.time import utcnow, zone
from ..events.models import Event, Series
from ..events.service import OccurrenceError, lock_event, record_outcome
from ..extensions import db
from ..history.recording import acting_as
from ..mail.message import when_text
from ..mail.models import Reminder, ReminderKind, ReminderStatus
from ..organisations.models import Organisation, OrganisationKind
from ..web.access import load, requires
from ..web.forms import submitted
from .dispatch import retry_failed
from .forms import FollowupForm, OptOutForm, RetryForm
from .optouts import set_opt_out
from .tokens import LinkRefused, check_fingerprint, read_followup_token, read_opt_out_token

log = logging.getLogger(__name__)


def _visible(stmt):
    """The outbox rows the policy shows: all to an admin, a coordinator's organisation's
    (but notices to subscribers of email alerts: their addresses are no organisation's)."""
    scope = organisation_scope(current_user)
    if scope == ALL:
        return stmt
    return (
        stmt.join(Event, Reminder.event_id == Event.id)
        .join(Series, Event.series_id == Series.id)
        .where(Series.organisation_id == scope, Reminder.kind != ReminderKind.SUBSCRIPTION)
    )


@requires("see_reminders")
def index():
    status = request.args.get("status") or ReminderStatus.FAILED.value
    if status not in {s.value for s in ReminderStatus}:
        abort(400, description=_("Unknown status: %(status)s", status=status))
    counts = dict(
        db.session.execute(
            _visible(select(Reminder.status, func.count(Reminder.id))).group_by(Reminder.status)
        ).all()
    )
    rows = db.session.scalars(
        _visible(select(Reminder))
        .where(Reminder.status == status)
        .order_by(Reminder.due.desc(), Reminder.id.desc())
        .limit(200)
    ).all()
    return render_template(
        "reminders/index.html",
        rows=rows,
        status=status,
        counts={str(k): v for k, v in counts.items()},
        statuses=[s.value for s in ReminderStatus],
        tz=zone(current_app.config["TIMEZONE"]),
        retry_form=RetryForm(),
    )


@requires("see_reminders")
def retry(reminder_id: int):
    load(Reminder, reminder_id, "retry_reminder")
    submitted(RetryForm())
    if retry_failed([reminder_id]):
        flash(_("The reminder is queued again."))
    return redirect(url_for("reminders.index", status="failed"))


def _refused(error: LinkRefused):
    log.info("reminder link refused (%s): %s", error.status, error.message)
    return render_template("reminders/link_refused.html", message=error.message), error.status


def _kov_choices() -> list[Organisation]:
    """Local governments by their official Estonian names, in Estonian alphabetical order."""
    return sorted_estonian(
        db.session.scalars(
            select(Organisation).where(
                Organisation.kind.in_((OrganisationKind.PARTNER, OrganisationKind.KOV))
            )
        ),
        key=lambda org: org.name,
    )


def followup(token: str):
    """The no-password form; a submission checks the link and writes the outcome in one
    transaction with the event row locked, so of two submissions at once one wins and the
    other is told the link no longer applies (410)."""
    try:
        claim = read_followup_token(token)
        if request.method == "POST":
            event = check_fingerprint(claim, lock_event(claim.event_id))
        else:
            event = check_fingerprint(claim, db.session.get(Event, claim.event_id))
    except LinkRefused as error:
        db.session.rollback()
        return _refused(error)
    context = {
        "event": event,
        "recipient": claim.recipient,
        "kovs": _kov_choices(),
        "when": when_text(event.start, event.series.timezone, str(get_locale())),
    }
    form = FollowupForm()
    form.kov.choices = [SelectChoice(org.slug, org.name) for org in context["kovs"]]
    if request.method == "GET":
        return render_template("reminders/followup.html", **context, form=form, errors=[])
    if not form.validate():
        db.session.rollback()
        return render_template("reminders/followup.html", **context, form=form, errors=[]), 400
    try:
        with acting_as(f"follow-up link ({claim.recipient})", user_id=None):
            record_outcome(event, now=utcnow(), **form.values())
            db.session.commit()
    except (OccurrenceError, ValueError) as error:
        db.session.rollback()
        log.info("follow-up for event %s refused: %s", event.id, error)
        return render_template(
            "reminders/followup.html", **context, form=form, errors=[str(error)]
        ), 409
    log.info("follow-up for event %s recorded by %s", event.id, claim.recipient)
    return render_template("reminders/followup_done.html", event=event)


def opt_out(token: str):
    try:
        email = read_opt_out_token(token)
    except LinkRefused as error:
        return _refused(error)
    form = OptOutForm()
    if not form.validate_on_submit():
        return render_template("reminders/opt_out.html", email=email, done=None, form=form)
    opting_out = form.action.data != "in"
    set_opt_out(email, opting_out)
    db.session.commit()
    done = "out" if opting_out else "in"
    return render_template(
        "reminders/opt_out.html", email=email, done=done, form=OptOutForm(formdata=None)
    )
