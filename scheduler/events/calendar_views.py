"""The calendar pages: agenda (the default), week and month, with bookmarkable filters.

Every view is one GET URL: ``/?view=agenda|week|month&date=YYYY-MM-DD`` plus the filters
``org``, ``activity``, ``type``, ``language`` (working language; ``lang`` stays the interface
language), ``status`` (``planned``, ``awaiting_outcome``, ``held``, ``not_held``,
``cancelled``) and ``mine=1``. The year table of earlier versions stays at ``?view=year``
(and ``?year=YYYY``). Who sees what is the events queries' rule: internal events only for
signed-in people.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from itertools import groupby
from urllib.parse import urlencode

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, select

from ..core.policy import event_visibility
from ..core.time import DEFAULT_TZ, local_midnight, utcnow, zone
from ..extensions import db
from ..plans.models import Activity
from ..web.pages import PUBLIC_HOME, offered
from . import views as year_views
from .filters import AWAITING, STATUSES
from .labels import status_label
from .models import EVENT_TYPES, Event, EventStatus, Series
from .queries import (
    EventFilter,
    day_counts,
    events_by_id,
    first_of_each_day,
    partner_organisations,
    window_selector,
)

VIEWS = ("agenda", "week", "month")
AGENDA_DAYS = 28
VIEW_LABELS = {"agenda": _l("Agenda"), "week": _l("Week"), "month": _l("Month")}
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Arguments only the calendar knows: with one of them a visitor's ``/`` is the calendar
# (bookmarks keep working); without, visitors get the public site's home.
CALENDAR_ONLY_ARGS = frozenset(("view", "year", "date", "org", "activity", "status", "mine"))
# What one page shows, so that a busy calendar (national scale: some 80 events a day) stays
# a page: the agenda shows whole days up to AGENDA_LIMIT events (at least its first day,
# whatever it holds) and links to the rest; a day of the week or month shows its first
# events and links to its agenda for the others. Counts always cover every event.
AGENDA_LIMIT = 250
DAY_LIMITS = {"week": 8, "month": 5}


@dataclass(frozen=True)
class CalendarQuery:
    """What a calendar URL asks for; ``params()`` gives it back as the same URL's query."""

    view: str = "agenda"
    day: date | None = None  # None: today (not written into URLs)
    org: str | None = None
    activity: str | None = None
    event_type: str | None = None
    language: str | None = None
    status: str | None = None
    mine: bool = False

    def params(self, **changes) -> dict[str, str]:
        query = replace(self, **changes) if changes else self
        pairs = {
            "view": query.view if query.view != "agenda" else None,
            "date": query.day.isoformat() if query.day else None,
            "org": query.org,
            "activity": query.activity,
            "type": query.event_type,
            "language": query.language,
            "status": query.status,
            "mine": "1" if query.mine else None,
        }
        return {key: value for key, value in pairs.items() if value}

    def url(self, **changes) -> str:
        params = self.params(**changes)
        return url_for("events.index") + (f"?{urlencode(params)}" if params else "")

    @property
    def has_filter(self) -> bool:
        return any(
            (self.org, self.activity, self.event_type, self.language, self.status, self.mine)
        )


def index():
    """``/``: the agenda, week or month; the year table for ``?view=year`` or ``?year=``."""
    asked = [name for name in sorted(CALENDAR_ONLY_ARGS) if name in request.args]
    if not current_user.is_authenticated and not asked:
        return offered(PUBLIC_HOME)()
    view = request.args.get("view")
    if view == "year" or (view is None and "year" in request.args):
        return year_views.index()
    query = _query_from_request()
    if query.mine and not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path))
    today = utcnow().astimezone(zone(DEFAULT_TZ)).date()
    day = query.day or today
    if query.view == "week":
        context = _week(query, day)
    elif query.view == "month":
        context = _month(query, day, today)
    else:
        context = _agenda(query, day, today)
    return render_template(
        f"events/{query.view}.html",
        query=query,
        day=day,
        today=today,
        views=[(name, VIEW_LABELS[name]) for name in VIEWS],
        feed=feed_link(query),
        choices=_choices(),
        statuses=[(code, _status_text(code)) for code in STATUSES],
        status_text=_status_text,
        **context,
    )


def _query_from_request() -> CalendarQuery:
    args = request.args
    view = args.get("view") or "agenda"
    if view not in VIEWS:
        abort(400, _("Unknown calendar view."))
    day = None
    if args.get("date"):
        try:
            day = date.fromisoformat(args["date"])
        except ValueError:
            abort(400, _("The date must be written as YYYY-MM-DD."))
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            abort(400, _("%(year)s is not a year of the programme's calendar", year=day.year))
    filters = year_views.workspace_filters()
    first = year_views.first_value
    return CalendarQuery(
        view=view,
        day=day,
        org=first(filters.orgs),
        activity=first(filters.activities),
        event_type=first(filters.types),
        language=first(filters.languages),
        status=first(filters.statuses),
        mine=filters.mine,
    )


# Events


def _selecting(query: CalendarQuery, start: date, end: date):
    """``(*columns) -> select`` over the events starting in the local days ``[start, end)``
    that the filter and visitor may see."""
    event_filter = EventFilter(
        start=start,
        end=end,
        org=query.org,
        activity=query.activity,
        event_type=query.event_type,
        language=query.language,
        organiser=current_user.email if query.mine else None,
        public_only=not current_user.is_authenticated,
        visibility=event_visibility(current_user),
    )
    select_events = window_selector(event_filter)
    if not query.status:
        return select_events
    condition = _status_condition(query.status, utcnow())
    return lambda *columns, **window: select_events(*columns, **window).where(condition)


def _status_condition(status: str, now: datetime):
    """SQL for :func:`shown_status` ``== status``."""
    if status == AWAITING:
        return and_(Event.status == EventStatus.PLANNED, Event.end <= now)
    if status == EventStatus.PLANNED:
        return and_(Event.status == EventStatus.PLANNED, Event.end > now)
    return Event.status == EventStatus(status)


class DayEvents(list):
    """The events shown for a day; ``total`` counts all of that day's, ``more`` those not
    shown."""

    def __init__(self, events, total: int | None = None):
        super().__init__(events)
        self.total = len(self) if total is None else total

    @property
    def more(self) -> int:
        return self.total - len(self)


def _midnights(first: date, days: int) -> list[datetime]:
    """The instants the local days ``first`` … ``first + days`` start at."""
    return [local_midnight(first + timedelta(days=i), DEFAULT_TZ) for i in range(days + 1)]


def _days_capped(stmt_for, first: date, days: int, limit: int) -> dict[date, DayEvents]:
    """Each local day's first ``limit`` events (loaded), with the day's total; days with
    events only."""
    midnights = _midnights(first, days)
    by_day: dict[date, list[Event]] = {}
    for event in events_by_id(first_of_each_day(stmt_for, midnights, limit)):
        by_day.setdefault(_local_day(event), []).append(event)
    return {
        first + timedelta(days=number): DayEvents(
            by_day.get(first + timedelta(days=number), []), total=total
        )
        for number, total in enumerate(day_counts(stmt_for, midnights))
        if total
    }


def _whole_days(totals: list[int], limit: int) -> int:
    """How many leading days fill whole days up to ``limit`` events (at least the first
    day with events)."""
    taken = 0
    for number, total in enumerate(totals):
        if taken and taken + total > limit:
            return number
        taken += total
    return len(totals)


def shown_status(event: Event, now: datetime | None = None) -> str:
    """The status a page shows: an event that has ended and is still planned awaits its
    outcome (derived for display, never stored)."""
    if event.status == EventStatus.PLANNED and event.end <= (now or utcnow()):
        return AWAITING
    return event.status.value


def _status_text(code: str) -> str:
    return status_label(code)


def _local_day(event: Event) -> date:
    return event.start.astimezone(zone(DEFAULT_TZ)).date()


def _by_day(events: list[Event]) -> list[tuple[date, DayEvents]]:
    return [(day, DayEvents(items)) for day, items in groupby(events, key=_local_day)]


# The three views


def _agenda(query: CalendarQuery, day: date, today: date) -> dict:
    end = day + timedelta(days=AGENDA_DAYS)
    totals = day_counts(_selecting(query, day, end), _midnights(day, AGENDA_DAYS))
    shown = _whole_days(totals, AGENDA_LIMIT)
    rest = next((day + timedelta(days=n) for n in range(shown, len(totals)) if totals[n]), None)
    ids = db.session.scalars(_selecting(query, day, rest or end)(Event.id)).all()
    days = _by_day(events_by_id(list(ids)))
    if day <= today < (rest or end) and today not in dict(days):
        days = sorted([*days, (today, DayEvents([]))], key=lambda pair: pair[0])  # today shown
    return {
        "days": days,
        "count": sum(totals),
        "more_url": query.url(day=rest) if rest else None,
        "more_day": rest,
        "period": _("%(start)s – %(end)s", start=_long(day), end=_long(end - timedelta(days=1))),
        "prev_url": query.url(day=_clamp(day - timedelta(days=AGENDA_DAYS))),
        "next_url": query.url(day=_clamp(end)),
    }


def _week(query: CalendarQuery, day: date) -> dict:
    monday = day - timedelta(days=day.weekday())
    end = monday + timedelta(days=7)
    by_day = _days_capped(_selecting(query, monday, end), monday, 7, DAY_LIMITS["week"])
    return {
        "days": [
            (monday + timedelta(days=i), by_day.get(monday + timedelta(days=i), DayEvents([])))
            for i in range(7)
        ],
        "count": sum(items.total for items in by_day.values()),
        "period": _("%(start)s – %(end)s", start=_long(monday), end=_long(end - timedelta(days=1))),
        "prev_url": query.url(day=_clamp(monday - timedelta(days=7))),
        "next_url": query.url(day=_clamp(end)),
    }


def _month(query: CalendarQuery, day: date, today: date) -> dict:
    first = day.replace(day=1)
    next_first = _add_months(first, 1)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    first_shown, days = weeks[0][0], 7 * len(weeks)
    stmt_for = _selecting(query, first_shown, first_shown + timedelta(days=days))
    by_day = _days_capped(stmt_for, first_shown, days, DAY_LIMITS["month"])
    locale = get_locale()
    return {
        "weeks": [[(d, by_day.get(d, DayEvents([]))) for d in week] for week in weeks],
        "month_first": first,
        "weekday_names": [
            (locale.days["format"]["wide"][i], locale.days["format"]["abbreviated"][i])
            for i in range(7)
        ],
        "days": [(d, items) for d, items in sorted(by_day.items()) if d.month == first.month],
        "count": sum(items.total for d, items in by_day.items() if d.month == first.month),
        "period": format_date(first, "LLLL y"),
        "prev_url": query.url(day=_clamp(_add_months(first, -1))),
        "next_url": query.url(day=_clamp(next_first)),
        "day_url": lambda d: query.url(view="agenda", day=d),
    }


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _clamp(day: date) -> date:
    return min(max(day, date(FIRST_YEAR, 1, 1)), date(LAST_YEAR, 12, 31))


def _long(day: date) -> str:
    return format_date(day, "d MMMM y")


# Filters and the feed link


def _choices() -> dict:
    locale = str(get_locale())
    organisations = partner_organisations()
    activities = db.session.scalars(
        select(Activity).where(Activity.id.in_(select(Series.activity_id))).order_by(Activity.code)
    ).all()
    return {
        "organisations": [(o.slug, o.display_name(locale)) for o in organisations],
        "activities": [(a.code, f"{a.code} {a.display_title(locale)}") for a in activities],
        "event_types": EVENT_TYPES,
    }


@dataclass(frozen=True)
class FeedLink:
    url: str
    label: str
    private: bool = False


def feed_link(query: CalendarQuery) -> FeedLink:
    """The calendar feed closest to the filter: "mine" (the private feeds are on the feeds
    page, where a person's own links are made), else the most specific of activity,
    organisation, type and working language; the status has no feed of its own."""
    if query.mine:
        return FeedLink(url_for("feeds.index"), _("My events: private feed links"), True)
    for kind, value in (
        ("activity", query.activity),
        ("org", query.org),
        ("type", query.event_type),
        ("lang", query.language),
    ):
        if value:
            return FeedLink(
                url_for("feeds.public", kind=kind, value=value), _("Calendar feed for this filter")
            )
    return FeedLink(url_for("feeds.public_all"), _("Calendar feed of all public events"))
