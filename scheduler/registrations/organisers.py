"""The organisers' side beyond the door: accept or decline sign-ups that await approval,
write to everyone registered, the registration settings of a series and of one occurrence,
and a series' participant list with its CSV and XLSX. Thin: the policy admits
(``manage_registrations``, ``see_registrations``), the service decides, the outbox mails."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from ..core.exports import csv_rows, xlsx_table
from ..events.models import Event, Series
from ..extensions import db
from ..web.access import load
from . import notices, service
from .door import CSV_FIELDS, _csv_row
from .forms import INHERIT, MODES, DecisionForm, SettingsForm, WriteForm
from .models import Registration

_REFUSALS = {
    service.RegistrationRefused.FULL: lambda: _(
        "No place is left and this occurrence keeps no waiting list: raise the capacity or "
        "turn the waiting list on first."
    ),
    service.RegistrationRefused.CLOSED: lambda: _(
        "This occurrence takes no registrations any more."
    ),
}


def _registration_of(event: Event, registration_id: int) -> Registration:
    row = db.session.get(Registration, registration_id)
    if row is None or row.event_id != event.id:
        abort(404)
    return row


def _back(event: Event):
    return redirect(url_for(".participants", event_id=event.id))


@login_required
def decide(event_id: int, registration_id: int):
    """Accept or decline a registration that awaits approval; the registrant is told."""
    event = load(Event, event_id, "manage_registrations")
    row = _registration_of(event, registration_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    name = row.name or "—"
    try:
        if form.decision.data == "decline":
            if service.decline(row.id):
                flash(_("%(name)s is declined and told by mail.", name=name))
            return _back(event)
        outcome = service.accept(row.id)
    except service.RegistrationRefused as refused:
        flash(_REFUSALS.get(refused.reason, _REFUSALS["closed"])(), "error")
        return _back(event)
    row = db.session.get(Registration, registration_id)
    if outcome == "confirmed":
        flash(_("%(name)s has a place and is told by mail.", name=name))
    elif outcome == "waitlisted":
        flash(
            _(
                "No place was left: %(name)s is number %(num)d on the waiting list and is "
                "told by mail.",
                name=name,
                num=row.waitlist_position or 0,
            )
        )
    return _back(event)


@login_required
def write(event_id: int):
    """A message to everyone registered (a place, the waiting list, awaiting approval):
    each gets it through the outbox, wrapped in their own language."""
    event = load(Event, event_id, "manage_registrations")
    form = WriteForm()
    recipients = notices.registrants(event.id)
    if form.validate_on_submit():
        count = notices.write_to_registrants(event, form.subject.data, form.text.data)
        db.session.commit()
        flash(
            ngettext(
                "The message goes to %(num)d person.", "The message goes to %(num)d people.", count
            )
        )
        return _back(event)
    page = render_template(
        "registrations/write.html", event=event, form=form, recipients=len(recipients)
    )
    return page, 400 if form.is_submitted() else 200


def _settings_page(owner: Series | Event, series: Series, form: SettingsForm, status: int):
    inherited = service.own_settings(series) if isinstance(owner, Event) else None
    modes = {choice.value: choice.label for choice in MODES}
    page = render_template(
        "registrations/settings.html",
        owner=owner,
        series=series,
        event=owner if isinstance(owner, Event) else None,
        form=form,
        inherited=modes[str(inherited.mode)] if inherited else None,
    )
    return page, status


@login_required
def series_settings(series_id: int):
    """A series' registration: mode, places, waiting list, when, which questions."""
    series = load(Series, series_id, "manage_registrations")
    form = SettingsForm()
    if form.validate_on_submit():
        service.save_settings(series, form.values(series.timezone))
        flash(_("The registration settings are saved."))
        return redirect(url_for(".series_settings", series_id=series.id))
    if not form.is_submitted():
        form.fill(service.own_settings(series), series.timezone)
    return _settings_page(series, series, form, 400 if form.is_submitted() else 200)


@login_required
def event_settings(event_id: int):
    """One occurrence's own settings, overriding its series' as a whole (or none)."""
    event = load(Event, event_id, "manage_registrations")
    series = event.series
    form = SettingsForm()
    form.for_occurrence()
    if form.validate_on_submit():
        if form.mode.data == INHERIT:
            service.remove_override(event)
        else:
            service.save_settings(event, form.values(series.timezone))
        flash(_("The registration settings are saved."))
        return redirect(url_for(".event_settings", event_id=event.id))
    if not form.is_submitted():
        own = service.own_settings(event)
        form.fill(own or service.own_settings(series), series.timezone)  # start from the series'
        if own is None:
            form.mode.data = INHERIT
    return _settings_page(event, series, form, 400 if form.is_submitted() else 200)


SERIES_FIELDS = ("event_id", "start", *CSV_FIELDS)


def _series_rows(series: Series) -> list[list]:
    return [
        [row.event_id, row.event.start.isoformat(), *_csv_row(row)]
        for row in service.series_participants(series.id)
    ]


@login_required
def series_participants(series_id: int):
    """Everyone registered for any occurrence of the series, occurrence by occurrence."""
    series = load(Series, series_id, "see_registrations")
    groups: dict[int, tuple[Event, list[Registration]]] = {}
    for row in service.series_participants(series.id):
        groups.setdefault(row.event_id, (row.event, []))[1].append(row)
    return render_template(
        "registrations/series_participants.html", series=series, groups=list(groups.values())
    )


def _download(body, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def series_participants_csv(series_id: int):
    series = load(Series, series_id, "see_registrations")
    body = csv_rows(SERIES_FIELDS, _series_rows(series))
    return _download(body, "text/csv", f"participants-series-{series.id}.csv")


@login_required
def series_participants_xlsx(series_id: int):
    series = load(Series, series_id, "see_registrations")
    body = xlsx_table(_("Participants"), list(SERIES_FIELDS), _series_rows(series))
    return _download(body, XLSX, f"participants-series-{series.id}.xlsx")


@login_required
def participants_xlsx(event_id: int):
    event = load(Event, event_id, "see_registrations")
    rows = [_csv_row(row) for row in service.participants(event.id)]
    body = xlsx_table(_("Participants"), list(CSV_FIELDS), rows)
    return _download(body, XLSX, f"participants-{event.id}.xlsx")
