"""Thin views over the events queries and the occurrence service."""

from __future__ import annotations

import logging
from datetime import date
from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..core.localized import SOURCE
from ..core.policy import can, event_visibility
from ..core.time import DEFAULT_TZ, utcnow, zone
from ..extensions import db
from ..history.display import records_since
from ..web.access import admit, load, requires
from ..web.conflicts import ConflictRow, compare, conflict_response
from ..web.forms import flash_errors
from ..web.nav import remember_nav_count
from ..web.pages import PUBLIC_EVENT_PAGE, SHARE_TEXTS, offered
from .access import awaiting_count, awaiting_events
from .filters import WORKSPACE, EventsQuery, FilterError, Limits
from .forms import (
    CancelForm,
    EditForm,
    MoveForm,
    NotHeldForm,
    OutcomeForm,
    RestoreForm,
    WorklistForm,
    kov_choices,
    suggested_kovs,
)
from .labels import display_status, status_label
from .models import EVENT_TYPES, Event
from .queries import EventFilter, list_events, partner_organisations, query_for
from .service import (
    OccurrenceError,
    cancel_occurrence,
    edit_occurrence,
    lock_event,
    move_occurrence,
    record_outcome,
    restore_occurrence,
)
from .shown import rule_text

log = logging.getLogger(__name__)


def index():
    years = years_with_events()
    year = _chosen_year(years)
    filters = workspace_filters()
    event_filter = EventFilter(
        start=date(year, 1, 1),
        end=date(year + 1, 1, 1),
        org=first_value(filters.orgs),
        activity=first_value(filters.activities),
        event_type=first_value(filters.types),
        language=first_value(filters.languages),
        public_only=not current_user.is_authenticated,
        visibility=event_visibility(current_user),
    )
    events = list_events(event_filter)
    months = _by_month(events)
    organisations = partner_organisations()
    return render_template(
        "events/index.html",
        months=months,
        count=len(events),
        has_demo=any(event.series.is_demo for event in events),
        year=year,
        years=years,
        organisations=organisations,
        event_types=EVENT_TYPES,
        event_filter=event_filter,
    )


def workspace_filters() -> EventsQuery:
    """The workspace's filters by the public vocabulary (``held_in`` is ``language``;
    ``lang`` stays the interface language); an empty field is "all", and what cannot be
    used is a 400 with the message every surface gives."""
    try:
        return query_for(request.args, WORKSPACE, Limits())
    except FilterError as error:
        abort(400, error.message(_))


def first_value(values: tuple[str, ...]) -> str | None:
    return values[0] if values else None


def _by_month(events: list[Event]) -> list[tuple[str, list[Event]]]:
    local = zone(DEFAULT_TZ)
    grouped = groupby(events, key=lambda e: e.start.astimezone(local).strftime("%Y-%m"))
    return [
        (format_date(group[0].start.astimezone(local).date(), "LLLL y"), group)
        for group in (list(items) for _key, items in grouped)
    ]


def years_with_events() -> list[int]:
    first, last = db.session.execute(select(func.min(Event.start), func.max(Event.start))).one()
    if first is None:
        return []
    return list(range(first.astimezone(zone()).year, last.astimezone(zone()).year + 1))


def _chosen_year(years: list[int]) -> int:
    requested = request.args.get("year", type=int)
    if requested is not None:
        if not 2000 <= requested <= 2100:
            abort(400, _("%(year)s is not a year of the programme's calendar", year=requested))
        return requested
    this_year = utcnow().astimezone(zone()).year
    if not years or this_year in years:
        return this_year
    return max(y for y in years if y <= this_year) if min(years) <= this_year else min(years)


def detail(event_id: int):
    """Visitors (and ``?public=1``) get the public event page; signed-in people the
    workspace page, with the public page one click away."""
    if not current_user.is_authenticated or request.args.get("public") == "1":
        return offered(PUBLIC_EVENT_PAGE)(event_id)
    event = load(Event, event_id)
    return render_template(
        "events/detail.html",
        event=event,
        rule_text=rule_text(event.series, str(get_locale())) or "",
        can_change=can(current_user, "change_event", event),
        can_record=can(current_user, "record_outcome", event),
        started=event.start <= utcnow(),
        forms=_forms_for(event),
        local_start=format_datetime(event.start, "EEEE d MMMM y, HH:mm"),
        shares=_share_texts(event),
    )


def _share_texts(event: Event) -> list[tuple[str, str]]:
    if not can(current_user, "share_event", event):
        return []
    return offered(SHARE_TEXTS)(event)


FORMS = {
    "held": OutcomeForm,
    "not-held": NotHeldForm,
    "cancel": CancelForm,
    "restore": RestoreForm,
    "move": MoveForm,
    "edit": EditForm,
}


def _form_for(event: Event, action: str):
    return FORMS[action]().for_event(event)


def _forms_for(event: Event) -> dict:
    return {action: _form_for(event, action) for action in FORMS}


# Which policy action each change needs; outcomes are open to the event's organisers too.
CHANGE_ACTIONS = {
    "held": "record_outcome",
    "not-held": "record_outcome",
    "cancel": "change_event",
    "restore": "change_event",
    "move": "change_event",
    "edit": "change_event",
}


def change(event_id: int, action: str):
    event = load(Event, event_id, CHANGE_ACTIONS[action])
    form = _form_for(event, action)
    back = redirect(url_for("events.detail", event_id=event_id), code=303)
    if not form.validate_on_submit():
        flash_errors(form)
        return back
    # read afresh and held: the version check cannot be overtaken
    event = admit(lock_event(event_id), CHANGE_ACTIONS[action])
    if form.is_stale(event.version):
        return _conflict(event, action, form)
    try:
        _apply(event, action, form)
    except (OccurrenceError, ValueError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return back
    db.session.commit()
    flash(_("Saved."))
    return back


# The status each change leaves an event in, shown on the conflict page beside the current one.
RESULTING_STATUS = {
    "held": "held",
    "not-held": "not_held",
    "cancel": "cancelled",
    "restore": "planned",
}


def _conflict(event: Event, action: str, form):
    """The event changed since the form was opened: both versions, nothing saved."""
    opened = form.opened_on()
    rows = compare(form, form.current_values(event))
    if action in RESULTING_STATUS:
        rows.insert(
            0,
            ConflictRow(
                _("Status"),
                status_label(RESULTING_STATUS[action]),
                status_label(display_status(event)),
            ),
        )
    response = conflict_response(
        form,
        title=event.display_title,
        back_url=url_for("events.detail", event_id=event.id),
        rows=rows,
        changes=records_since(event, opened),
        version=event.version,
    )
    db.session.rollback()  # let go of the row
    return response


def _apply(event: Event, action: str, form) -> None:
    if action == "held":
        record_outcome(
            event,
            held=True,
            attendance=form.attendance.data,
            kov_slugs=form.kovs.data or [],
            note=form.note.data,
        )
    elif action == "not-held":
        record_outcome(event, held=False, note=form.note.data)
    elif action == "cancel":
        reasons = form.texts("reason")
        cancel_occurrence(event, reasons.pop(SOURCE), translations=reasons)
    elif action == "restore":
        restore_occurrence(event)
    elif action == "move":
        start, end = form.instants(event)
        move_occurrence(event, start, end)
    elif action == "edit":
        # the form shows the series' title and place: unchanged, they stay the series'
        title, location = form.title.data or "", form.location.data or ""
        edit_occurrence(
            event,
            title=None if title == event.display_title else title,
            location=None if location == (event.display_location or "") else location,
            notes=form.notes.data or "",
            description=form.description.data or "",
        )


@requires("see_worklist")
def awaiting():
    """The awaiting-outcome worklist: one form, a row per event, oldest first."""
    now = utcnow()
    events = awaiting_events(current_user, now)
    total = awaiting_count(current_user, now)
    remember_nav_count("events.awaiting", total)
    form = WorklistForm()
    choices = kov_choices()
    for row in form.rows:
        row.kovs.choices = choices
    if form.validate_on_submit():
        return _record_rows(form)
    if not form.is_submitted():
        for event in events:
            form.rows.append_entry(
                {
                    "event_id": str(event.id),
                    "outcome": "",
                    "attendance": event.attendance,
                    "kovs": suggested_kovs(event),
                    "note": event.notes,
                }
            )
    else:  # each message is shown next to its field
        flash(_("Nothing was recorded: correct the marked fields."), "error")
    for row in form.rows:
        row.kovs.choices = choices
    by_id = {e.id: e for e in events}
    rows = [(row, by_id.get(_int_or_none(row.event_id.data))) for row in form.rows]
    return render_template(
        "events/awaiting.html", form=form, rows=[r for r in rows if r[1]], total=total
    )


def _int_or_none(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _record_rows(form: WorklistForm):
    recorded = 0
    for row in form.rows:
        outcome = row.outcome.data
        if not outcome:
            continue
        try:
            event_id = int(row.event_id.data)
        except (TypeError, ValueError):
            abort(400)
        event = load(Event, event_id, "record_outcome")
        try:
            record_outcome(
                event,
                held=outcome == "held",
                attendance=row.attendance.data if outcome == "held" else None,
                kov_slugs=row.kovs.data or [],
                note=row.note.data,
            )
        except OccurrenceError as error:
            db.session.rollback()
            flash(f"{event.display_title}: {error}", "error")
            return redirect(url_for("events.awaiting"), code=303)
        recorded += 1
    db.session.commit()
    if recorded:
        flash(ngettext("%(num)d outcome recorded.", "%(num)d outcomes recorded.", recorded))
    return redirect(url_for("events.awaiting"), code=303)
