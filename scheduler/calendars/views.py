"""The imported-calendars page: list them, add one by URL or file, refresh, pause, resume or
remove one. The work is done by the importer's service functions, shared with the CLI."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..core.policy import can
from ..extensions import db
from ..organisations.models import Organisation
from ..web.access import admit, load, requires
from ..web.forms import submitted
from .fetch import ADDRESS_NOT_ALLOWED, UNREACHABLE
from .forms import CalendarActionForm, CalendarImportForm
from .importer import (
    IMPORT_FAILED,
    import_new_calendar,
    refresh_calendar,
    remove_calendar,
    set_paused,
    visible_calendars,
)
from .models import ImportedCalendar
from .parse import MALFORMED, UNKNOWN_ZONE, CalendarImportError


def reason(message: str | None) -> str | None:
    """An import error in the page's language where it is one we translate."""
    known = {
        ADDRESS_NOT_ALLOWED: _("this address is not allowed"),
        UNREACHABLE: _("the server cannot be reached"),
        MALFORMED: _("the calendar is malformed"),
        UNKNOWN_ZONE: _("the calendar names a time zone (TZID) that does not exist"),
        IMPORT_FAILED: _("the import failed; the details are in the server's log"),
    }
    return known.get(message, message) if message else message


@requires("manage_calendars")
def index():
    form = _import_form()
    if request.method == "POST":
        return _add(form)
    return _page(form)


def _import_form() -> CalendarImportForm:
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    manageable = [org for org in organisations if can(current_user, "manage_calendars", org.id)]
    return CalendarImportForm().offer(manageable, str(get_locale()))


def _page(form: CalendarImportForm, status: int = 200):
    return render_template(
        "calendars/index.html",
        calendars=visible_calendars(),
        form=form,
        action_form=CalendarActionForm(),
        reason=reason,
    ), status


def _add(form: CalendarImportForm):
    organisation = db.session.scalars(
        db.select(Organisation).filter_by(slug=form.org.data or "")
    ).one_or_none()
    if organisation is not None:
        admit(organisation, "manage_calendars")
    elif form.org.data:
        form.org.data = None  # an unknown organisation: "choose one"
    if not form.validate_on_submit():
        return _page(form, 400)
    url, upload = form.url.data, form.upload
    data = None
    if not url:
        data = upload.read(int(current_app.config["CALENDARS_MAX_BYTES"]) + 1)
    source = url or f"upload:{upload.filename}"[:200]
    try:
        report = import_new_calendar(
            source, organisation.id, form.type.data, form.name.data, data=data
        )[1]
    except CalendarImportError as error:
        flash(_("Nothing was imported: %(reason)s", reason=reason(str(error))), "error")
        return redirect(url_for("calendars.index"))
    flash(_("Calendar imported: %(summary)s", summary=report.summary()))
    return redirect(url_for("calendars.index"))


def _managed_calendar(calendar_id: int) -> ImportedCalendar:
    """The calendar for a button: 404 if there is none (or it was removed), 403 if it is not
    the user's to change, 400 without a valid form (CSRF)."""
    calendar = load(ImportedCalendar, calendar_id, "manage_calendars")
    submitted(CalendarActionForm())
    return calendar


@requires("manage_calendars")
def refresh(calendar_id: int):
    calendar = _managed_calendar(calendar_id)
    if calendar.is_paused:
        flash(_("The calendar is paused; resume it first."), "error")
        return redirect(url_for("calendars.index"))
    if not calendar.is_url:
        flash(_("An uploaded file cannot be refreshed; upload it again."), "error")
        return redirect(url_for("calendars.index"))
    try:
        report = refresh_calendar(calendar)
        flash(_("Calendar refreshed: %(summary)s", summary=report.summary()))
    except CalendarImportError as error:
        flash(_("The calendar was not refreshed: %(reason)s", reason=reason(str(error))), "error")
    return redirect(url_for("calendars.index"))


@requires("manage_calendars")
def pause(calendar_id: int):
    set_paused(_managed_calendar(calendar_id), True)
    flash(_("The calendar is paused: it is not refreshed until it is resumed."))
    return redirect(url_for("calendars.index"))


@requires("manage_calendars")
def resume(calendar_id: int):
    set_paused(_managed_calendar(calendar_id), False)
    flash(_("The calendar is refreshed again."))
    return redirect(url_for("calendars.index"))


@requires("manage_calendars")
def remove(calendar_id: int):
    cancelled, kept = remove_calendar(_managed_calendar(calendar_id))
    flash(
        _(
            "The calendar was removed: %(cancelled)d events cancelled, "
            "%(kept)d with an outcome kept.",
            cancelled=cancelled,
            kept=kept,
        )
    )
    return redirect(url_for("calendars.index"))
