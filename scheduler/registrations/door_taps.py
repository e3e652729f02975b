"""The door on a phone, beyond the plain forms of ``door.py``: a tap or a scanned QR code
sent by the check-in page's script (``static/js/checkin.js``), which keeps a tap that found
no network and sends it again later; and the printable sign-in sheet. Only for those the
policy lets see registrations (``see_registrations``), like the rest of the door."""

from __future__ import annotations

from flask import jsonify, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select

from ..core.bounds import MAX_ID
from ..events.models import Event
from ..extensions import db
from ..web.access import load
from . import service
from .door_code import registration_for_code
from .forms import TapForm
from .models import Registration, RegistrationState

#: empty rows at the end of the sheet, for walk-ins written in by hand
BLANK_SHEET_ROWS = 8


def present_count(event_id: int) -> int:
    """How many are marked present (walk-ins included): one count, not a list of rows."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event_id, Registration.checked_in.is_(True)
        )
    )


def _answer(status: int, **body):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _registration_of_tap(event_id: int, form: TapForm) -> Registration | None:
    if form.code.data:
        return registration_for_code(event_id, form.code.data)
    raw = (form.registration.data or "").strip()
    number = int(raw) if raw.isdigit() and len(raw) < 11 else 0
    row = db.session.get(Registration, number) if 0 < number <= MAX_ID else None
    return row if row is not None and row.event_id == event_id else None


@login_required
def tap(event_id: int):
    """Mark present: ``registration`` (an id, from a tap) or ``code`` (a scanned QR code, or
    the URL it holds). JSON. Twice changes nothing (``already``); sent again after a lost
    connection, the same."""
    event = load(Event, event_id, "see_registrations")
    form = TapForm()
    if not form.validate_on_submit():  # an expired token, or values no page of ours sends
        return _answer(400, message=_("Not saved: the server refused it. Reload the page."))
    row = _registration_of_tap(event.id, form)
    if row is None:
        return _answer(404, message=_("No registration for this event has that code."))
    if row.state != RegistrationState.CONFIRMED:
        return _answer(409, id=row.id, message=_("%(name)s has no place.", name=row.name or "—"))
    marked = service.check_in(row)
    db.session.commit()
    present = present_count(event.id)
    name = row.name or "—"
    message = _("%(name)s is present.", name=name)
    if not marked:
        message = _("%(name)s was already present.", name=name)
    return _answer(
        200,
        id=row.id,
        name=name,
        already=not marked,
        present=present,
        present_text=_("Present: %(num)d.", num=present),
        message=message,
    )


@login_required
def sheet(event_id: int):
    """The printable sign-in sheet: those expected (confirmed, walk-ins) by name, their local
    government, a box to tick and a column to sign; ticked on paper, entered afterwards."""
    from ..events.presentation import title_of
    from ..mail.message import when_text

    event = load(Event, event_id, "see_registrations")
    rows = sorted(
        service.search_participants(event.id, ""), key=lambda r: ((r.name or "").casefold(), r.id)
    )
    language = str(get_locale())
    return render_template(
        "registrations/sheet.html",
        event=event,
        title=title_of(event, language).value,
        when=when_text(event.start, event.series.timezone, language),
        where=event.display_location,
        rows=rows,
        blank=range(BLANK_SHEET_ROWS),
    )
