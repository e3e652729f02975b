"""Thin views over the events queries and the occurrence service."""

from __future__ import annotations

import logging
from datetime import date
from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..core.localized import sorted_estonian
from ..core.time import DEFAULT_TZ, parse_local_datetime, utcnow, zone
from ..extensions import db
from ..organisations.models import Organisation, OrganisationKind
from ..recurrence import RuleError, describe
from .expansion import spec_for
from .models import EVENT_TYPES, Event
from .queries import EventFilter, list_events
from .service import (
    OccurrenceError,
    cancel_occurrence,
    ensure_editable_by_people,
    get_event,
    move_occurrence,
    record_outcome,
    restore_occurrence,
)

log = logging.getLogger(__name__)


def index():
    years = years_with_events()
    year = _chosen_year(years)
    event_filter = EventFilter(
        start=date(year, 1, 1),
        end=date(year + 1, 1, 1),
        org=request.args.get("org") or None,
        activity=request.args.get("activity") or None,
        event_type=request.args.get("type") or None,
        public_only=not current_user.is_authenticated,
    )
    events = list_events(event_filter)
    months = _by_month(events)
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind.in_([OrganisationKind.IMPLEMENTER, OrganisationKind.PARTNER]))
        .order_by(Organisation.slug)
    ).all()
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
    event = _visible_event(event_id)
    locale = str(get_locale())
    try:
        rule_text = describe(spec_for(event.series), locale)
    except RuleError:
        rule_text = ""
    # Official Estonian names in Estonian alphabetical order (š, z, ž after s; õ ä ö ü after w).
    kovs = sorted_estonian(
        db.session.scalars(select(Organisation).where(Organisation.ehak_code.is_not(None))),
        key=lambda org: org.name,
    )
    return render_template(
        "events/detail.html",
        event=event,
        rule_text=rule_text,
        can_manage=_can_manage(event),
        kovs=kovs,
        local_start=format_datetime(event.start, "EEEE d MMMM y, HH:mm"),
    )


def _visible_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    if not event.series.is_public and not current_user.is_authenticated:
        abort(404)  # internal meetings are not advertised to the public
    return event


def _can_manage(event: Event) -> bool:
    return current_user.is_authenticated and current_user.can_manage(event.series.organisation_id)


def change(event_id: int, action: str):
    event = get_event_or_404(event_id)
    if not _can_manage(event):
        log.warning(
            "refused %s on event %s for %s",
            action,
            event_id,
            getattr(current_user, "email", "anonymous"),
        )
        abort(403)
    try:
        _apply(event, action, request.form)
    except (OccurrenceError, ValueError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("events.detail", event_id=event_id)), 303
    db.session.commit()
    flash(_("Saved."))
    return redirect(url_for("events.detail", event_id=event_id), code=303)


def get_event_or_404(event_id: int) -> Event:
    try:
        return get_event(event_id)
    except OccurrenceError:
        abort(404)


def _apply(event: Event, action: str, form) -> None:
    if action in ("cancel", "restore", "move"):
        ensure_editable_by_people(event)
    if action == "held":
        attendance = form.get("attendance", type=int)
        record_outcome(
            event,
            held=True,
            attendance=attendance,
            kov_slugs=form.getlist("kovs"),
            note=form.get("note"),
        )
    elif action == "not-held":
        record_outcome(event, held=False, note=form.get("note"))
    elif action == "cancel":
        cancel_occurrence(event, form.get("reason") or None)
    elif action == "restore":
        restore_occurrence(event)
    elif action == "move":
        tz = event.series.timezone
        move_occurrence(event, parse_local_datetime(form["start"], tz))
    else:
        abort(404)
