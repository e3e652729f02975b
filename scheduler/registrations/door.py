"""The organisers' side: an occurrence's participant list (and its CSV), and check-in at the
door. Only for those the policy lets see registrations (``see_registrations``)."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core.exports import csv_rows
from ..core.policy import can
from ..core.time import utcnow
from ..events.models import Event, EventStatus
from ..events.service import OccurrenceError, record_outcome
from ..extensions import db
from ..organisations.models import Organisation
from ..web.access import load
from . import service
from .door_code import registration_for_code
from .door_taps import present_count
from .forms import CheckInForm, OutcomeFromCheckInForm, WalkInForm
from .models import Registration

CSV_FIELDS = ("id", "state", "waitlist_position", "name", "email", "phone", "kov", "checked_in")


def _csv_row(row: Registration) -> list:
    kov = row.kov.slug if row.kov is not None else None
    return [
        row.id,
        str(row.state),
        row.waitlist_position,
        row.name,
        row.email,
        row.phone,
        kov,
        row.checked_in,
    ]


@login_required
def participants(event_id: int):
    event = load(Event, event_id, "see_registrations")
    rows = service.participants(event.id)
    return render_template(
        "registrations/participants.html",
        event=event,
        rows=rows,
        present=sum(1 for r in rows if r.checked_in),
        availability=service.availability_of(event),
    )


@login_required
def participants_csv(event_id: int):
    event = load(Event, event_id, "see_registrations")
    body = csv_rows(CSV_FIELDS, [_csv_row(r) for r in service.participants(event.id)])
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="participants-{event.id}.csv"',
            "Cache-Control": "private, no-store",
        },
    )


@login_required
def checkin(event_id: int):
    event = load(Event, event_id, "see_registrations")
    mark, walk_in = CheckInForm(prefix="mark"), WalkInForm(prefix="walkin")
    if mark.submit.data and mark.validate():
        row = db.session.get(Registration, mark.registration_id.data)
        if row is not None and row.event_id == event.id:
            service.check_in(row)
            db.session.commit()
        return redirect(url_for(".checkin", event_id=event.id, q=request.args.get("q", "")))
    if walk_in.submit.data and walk_in.validate():
        kov = db.session.query(Organisation.id).filter_by(slug=walk_in.kov.data).scalar()
        service.add_walk_in(event, walk_in.name.data, kov)
        db.session.commit()
        return redirect(url_for(".checkin", event_id=event.id))
    words = (request.args.get("q") or "")[:200]
    rows = service.search_participants(event.id, words)
    if request.args.get("code"):  # a QR code opened by a phone's own camera app
        rows = [r for r in [registration_for_code(event.id, request.args["code"])] if r in rows]
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "registrations/checkin.html",
        event=event,
        rows=rows,
        q=words,
        mark=CheckInForm(prefix="mark", formdata=None),
        walk_in=walk_in,
        present=present_count(event.id),
        outcome=_outcome_form(event),
    )
    return page, status


def _outcome_form(event, error: str | None = None) -> OutcomeFromCheckInForm | None:
    """Prefilled from check-in, for those who record outcomes, once the occurrence began."""
    if not can(current_user, "record_outcome", event):
        return None
    if event.status != EventStatus.PLANNED or event.start > utcnow():
        return None
    attendance, kovs = service.outcome_from_check_in(event.id)
    form = OutcomeFromCheckInForm(prefix="outcome", formdata=None)
    form.attendance.data, form.kovs.data = attendance, kovs
    if error:
        form.attendance.errors = [error]
    return form


@login_required
def outcome(event_id: int):
    event = load(Event, event_id, "record_outcome")
    form = OutcomeFromCheckInForm(prefix="outcome")
    if not form.validate_on_submit():
        abort(400)
    try:
        record_outcome(
            event, held=True, attendance=form.attendance.data, kov_slugs=form.kovs.data or []
        )
    except (OccurrenceError, ValueError):  # refused (a closed year, a cancelled event)
        db.session.rollback()
        abort(409)
    db.session.commit()
    return redirect(url_for("events.detail", event_id=event.id))
