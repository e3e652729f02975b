"""The imported-calendars page: list them, add one by URL or file, refresh one."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..events.models import EVENT_TYPES
from ..extensions import db
from ..organisations.models import Organisation
from .importer import add_calendar, refresh_calendar
from .models import ImportedCalendar
from .parse import CalendarImportError


def _require_manager(organisation_id: int | None = None) -> None:
    if not getattr(current_user, "is_authenticated", False):
        abort(403)
    if organisation_id is not None and not current_user.can_manage(organisation_id):
        abort(403)
    if organisation_id is None and current_user.role.value not in ("admin", "coordinator"):
        abort(403)


def index():
    _require_manager()
    if request.method == "POST":
        return _add()
    calendars = db.session.scalars(db.select(ImportedCalendar).order_by(ImportedCalendar.id)).all()
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    manageable = [org for org in organisations if current_user.can_manage(org.id)]
    return render_template(
        "calendars/index.html",
        calendars=calendars,
        organisations=manageable,
        event_types=EVENT_TYPES,
    )


def _add():
    organisation = db.session.scalars(
        db.select(Organisation).filter_by(slug=request.form.get("org", ""))
    ).one_or_none()
    if organisation is None:
        flash(_("Choose an organisation."), "error")
        return redirect(url_for("calendars.index"))
    _require_manager(organisation.id)
    event_type = request.form.get("type") or "other"
    if event_type not in EVENT_TYPES:
        event_type = "other"
    url = (request.form.get("url") or "").strip()
    upload = request.files.get("file")
    if not url and not (upload and upload.filename):
        flash(_("Give the calendar's address or choose an .ics file."), "error")
        return redirect(url_for("calendars.index"))
    data = None
    if not url:
        data = upload.read(int(current_app.config["CALENDARS_MAX_BYTES"]) + 1)
    source = url or f"upload:{upload.filename}"
    try:
        calendar = add_calendar(
            source, organisation.id, event_type, request.form.get("name") or None
        )
    except CalendarImportError as error:
        flash(_("Nothing was imported: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("calendars.index"))
    db.session.commit()
    calendar_id = calendar.id
    try:
        report = refresh_calendar(calendar, data=data)
    except CalendarImportError as error:
        db.session.delete(db.session.get(ImportedCalendar, calendar_id))
        db.session.commit()
        flash(_("Nothing was imported: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("calendars.index"))
    flash(_("Calendar imported: %(summary)s", summary=report.summary()))
    return redirect(url_for("calendars.index"))


def refresh(calendar_id: int):
    calendar = db.session.get(ImportedCalendar, calendar_id)
    if calendar is None:
        abort(404)
    _require_manager(calendar.organisation_id)
    if not calendar.is_url:
        flash(_("An uploaded file cannot be refreshed; upload it again."), "error")
        return redirect(url_for("calendars.index"))
    try:
        report = refresh_calendar(calendar)
        flash(_("Calendar refreshed: %(summary)s", summary=report.summary()))
    except CalendarImportError as error:
        flash(_("The calendar was not refreshed: %(reason)s", reason=str(error)), "error")
    return redirect(url_for("calendars.index"))
