"""Creating, changing and withdrawing series from the web: the database side of the editor.

Each function changes the session and announces what happened to occurrences through the
events signals (reminders are re-timed, organisers told); the caller commits. A change never
touches held outcomes, attendance, participants or occurrences changed by hand: expansion
keeps them (see events.expansion), and they are returned so the page can list them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import joinedload

from ..core.localized import flat_name, language_fields, texts_of, with_texts
from ..core.policy import EventVisibility
from ..core.time import DEFAULT_TZ, local_midnight, utcnow, zone
from ..events import presentation as show
from ..events import signals
from ..events.expansion import (
    ExpansionReport,
    default_horizon,
    expand_series,
    rule_budget,
    spec_for,
    withdraw_events,
)
from ..events.models import Event, EventStatus, Series
from ..events.queries import visible_series
from ..events.service import (
    MOVE_REACH,
    OccurrenceError,
    edit_occurrence,
    move_occurrence,
    translate,
)
from ..events.uids import keep_uid
from ..extensions import db
from ..plans.models import Activity, Plan
from ..recurrence import RuleBudget, check_rule
from .definition import (
    Booking,
    PlanPeriod,
    exdates_on_days,
    kept_rule_text,
    preview_window,
    split_dates,
    split_rules,
)

MAX_BOOKINGS = 5000
#: an occurrence moved by hand may last up to a year (events.service.MOVE_REACH)
LONGEST_EVENT = MOVE_REACH + timedelta(days=1)

TIME_FIELDS = ("start_date", "start_time", "duration_minutes")
RULE_FIELDS = ("rule", "rdates", "exdates", "pauses", "holiday_policy")
PLACE_FIELDS = ("location", "online_url")
TRANSLATED_FIELDS = ("title", "description")


def title_fields() -> tuple[str, ...]:
    """The title in each language, by flat name (``title``, ``title_en``, …)."""
    return language_fields("title")


def schedule_fields() -> set[str]:
    """A change to these asks "only this event, this and following, or all events?"."""
    return {*TIME_FIELDS, *RULE_FIELDS, *PLACE_FIELDS, *title_fields()}


SCOPES = ("one", "following", "all")


@dataclass
class SeriesValues:
    """Everything the editor sets on a series (the plan file's fields), validated."""

    organisation_id: int
    activity_id: int | None
    event_type: str
    title: str
    description: str | None
    translations: dict  # title and description in the other languages (core.localized)
    languages: list[str]
    location: str | None
    online_url: str | None
    organisers: list[str]
    is_public: bool
    start_date: date
    start_time: time
    duration_minutes: int
    rule: str | None
    rdates: list[str]
    exdates: list[str]
    pauses: list[str]
    holiday_policy: str
    note: str | None
    timezone: str = DEFAULT_TZ
    bound_start: date | None = None
    bound_end: date | None = None

    @classmethod
    def of(cls, series: Series) -> SeriesValues:
        return cls(**{item.name: getattr(series, item.name) for item in fields(cls)})


@dataclass
class ChangeResult:
    scope: str
    series: Series
    new_series: Series | None = None
    kept: list[Event] = field(default_factory=list)
    report: ExpansionReport = field(default_factory=ExpansionReport)


# --- reading -------------------------------------------------------------------------------


def activity_bounds(activity_id: int | None) -> tuple[date | None, date | None]:
    """A new series' occurrences fall inside its activity's overall timeframe."""
    activity = db.session.get(Activity, activity_id) if activity_id else None
    if activity is None:
        return None, None
    return activity.timeframe_start, activity.timeframe_end


def plan_periods() -> list[PlanPeriod]:
    rows = db.session.execute(select(Plan.year, Plan.period_start, Plan.period_end)).all()
    return [PlanPeriod(year, start, end) for year, start, end in rows]


def bookings_for(
    values: SeriesValues,
    locale: str,
    exclude_series_id: int | None = None,
    *,
    visibility: EventVisibility,
) -> list[Booking]:
    """Occurrences in any organisation that ``visibility`` (the editor's) admits, in the
    preview's window, at the same place or with one of the same organisers (cancelled ones
    and the series' own left out). Another organisation's internal meeting is not listed:
    its title, time and organisers are not the editor's to read."""
    place = " ".join((values.location or "").split()).lower()
    emails = [email.strip().lower() for email in values.organisers if email.strip()]
    matches = []
    if place:
        matches.append(
            func.lower(func.trim(func.coalesce(Event.location, Series.location))) == place
        )
    for email in emails:
        matches.append(
            func.lower(cast(Series.organisers, String)).contains(f'"{email}"', autoescape=True)
        )
    if not matches:
        return []
    first, last = preview_window(spec_for(values))
    stmt = (
        select(Event)
        .join(Series, Event.series_id == Series.id)
        .options(joinedload(Event.series).joinedload(Series.organisation))
        .where(
            Event.status != EventStatus.CANCELLED,
            Event.start < last,
            Event.start >= first - LONGEST_EVENT,  # keeps the index range bounded
            Event.end > first,
            or_(*matches),
        )
        .order_by(Event.start)
        .limit(MAX_BOOKINGS)
    )
    if exclude_series_id is not None:
        stmt = stmt.where(Event.series_id != exclude_series_id)
    visible = visible_series(visibility)
    if visible is not None:
        stmt = stmt.where(visible)
    return [
        Booking(
            start=event.start,
            end=event.end,
            title=show.title_of(event, locale).value,
            organisation=event.series.organisation.display_name(locale),
            location=show.place_of(event),
            organisers=tuple(event.series.organisers or ()),
            event_id=event.id,
        )
        for event in db.session.scalars(stmt).unique()
    ]


VALUE_FIELDS = frozenset(item.name for item in fields(SeriesValues))


def changed_fields(series: Series, values: SeriesValues) -> set[str]:
    """The values that differ; a change of ``translations`` also names each text that
    changed by its flat name (``title_ru``)."""
    changed = {name for name in VALUE_FIELDS if getattr(series, name) != getattr(values, name)}
    if "translations" in changed:
        for field in TRANSLATED_FIELDS:
            before, after = texts_of(series, field), texts_of(values, field)
            changed |= {flat_name(field, code) for code in after if before[code] != after[code]}
    return changed


def _apply(series: Series, values: SeriesValues, names: set[str]) -> None:
    for name in names & VALUE_FIELDS:
        setattr(series, name, getattr(values, name))


def needs_scope(series: Series, values: SeriesValues) -> bool:
    """Whether saving must ask which events the change applies to: the time, rule, place or
    title of a series that already has occurrences changes."""
    if not changed_fields(series, values) & schedule_fields():
        return False
    return db.session.scalar(select(func.count(Event.id)).where(Event.series_id == series.id)) > 0


def upcoming_occurrences(series: Series, now: datetime | None = None, limit: int = 200):
    """The occurrences a change may start from: planned ones from today on."""
    today = local_midnight((now or utcnow()).astimezone(zone(series.timezone)).date())
    return db.session.scalars(
        select(Event)
        .where(
            Event.series_id == series.id,
            Event.status == EventStatus.PLANNED,
            Event.start >= today,
        )
        .order_by(Event.original_start)
        .limit(limit)
    ).all()


# --- creating ------------------------------------------------------------------------------


def create_series(values: SeriesValues, key: str | None = None) -> ChangeResult:
    """recurrence.RuleRefused (before anything is written, for a refused frequency) when the
    rule passes one of the limits; the caller rolls back."""
    budget = rule_budget()
    check_rule(values.rule, budget.limits)
    series = Series(key=key or unique_key(values), **_assignable(values))
    series.revision = 1
    db.session.add(series)
    db.session.flush()
    report = expand_series(series, default_horizon(), budget)
    return ChangeResult("all", series, report=report)


def unique_key(values: SeriesValues, base: str | None = None) -> str:
    """A plan-file key from the title (``tartu-eesti-keele-klubi``), made unique."""
    if base is None:
        from ..organisations.models import Organisation

        org = db.session.get(Organisation, values.organisation_id)
        base = f"{org.slug if org else 'series'}-{slug(values.title)}"
    base = base[:100].strip("-") or "series"
    key, number = base, 1
    while db.session.scalar(select(Series.id).where(Series.key == key)) is not None:
        number += 1
        key = f"{base}-{number}"
    return key


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _assignable(values: SeriesValues) -> dict:
    return {item.name: getattr(values, item.name) for item in fields(SeriesValues)}


# --- changing --------------------------------------------------------------------------------


def change_series(
    series: Series, values: SeriesValues, scope: str = "all", occurrence: Event | None = None
) -> ChangeResult:
    """Apply the editor's values: to every event, to one occurrence, or from an occurrence on
    (a split into two series). ``values.rule`` meaning the same as the stored rule keeps the
    stored text byte for byte. recurrence.RuleRefused when the rule passes one of the
    limits (the caller rolls back)."""
    budget = rule_budget()
    check_rule(values.rule, budget.limits)
    values.rule = kept_rule_text(series.rule, values.rule)
    _follow_new_time(series, values)
    if scope == "all" or not changed_fields(series, values) & schedule_fields():
        return _change_all(series, values, budget)
    if occurrence is None or occurrence.series_id != series.id:
        raise OccurrenceError(_l("choose the occurrence the change starts from"))
    if scope == "one":
        return _change_one(series, values, occurrence)
    if scope == "following":
        return _change_following(series, values, occurrence, budget)
    raise OccurrenceError(_l("unknown scope %(scope)s", scope=repr(scope)))


def _follow_new_time(series: Series, values: SeriesValues) -> None:
    """Extra dates (RDATE) and exceptions (EXDATE) at the series' old time of day move with
    it to the new time, unless the same change sets them itself."""
    if values.start_time == series.start_time:
        return
    if values.rdates == (series.rdates or []):
        values.rdates = retimed_dates(values.rdates, series.start_time, values.start_time)
    if values.exdates == (series.exdates or []):
        values.exdates = retimed_dates(values.exdates, series.start_time, values.start_time)


def retimed_dates(texts: list[str], old: time, new: time) -> list[str]:
    """Local ISO datetimes at the ``old`` time of day given the ``new`` one."""
    result = []
    for text in texts:
        moment = datetime.fromisoformat(text)
        if moment.time() == old:
            moment = moment.replace(hour=new.hour, minute=new.minute, second=0)
        result.append(moment.isoformat(timespec="minutes"))
    return result


def _bump(series: Series, changed: set[str]) -> None:
    series.revision = (series.revision or 0) + 1
    series.updated_at = utcnow()
    if changed:
        signals.series_changed.send(series, fields=changed)


def translate_series(series: Series, field: str, texts: Mapping[str, str | None]) -> set[str]:
    """Give ``series``' title or description in further languages (``texts`` by code; the
    Estonian text stays): every occurrence shows it at once, calendars see a new SEQUENCE, and
    organisers of coming events hear of a new title. The names of the texts that changed."""
    if field not in TRANSLATED_FIELDS:
        raise ValueError(field)
    names = translate(series, field, texts, lambda: None)
    if names:
        _bump(series, names | {"translations"})
        if field == "title":
            _announce_edits(series, names, utcnow())
    return names


def _change_all(series: Series, values: SeriesValues, budget: RuleBudget) -> ChangeResult:
    changed = changed_fields(series, values)
    _apply(series, values, changed)
    db.session.flush()
    _bump(series, changed)
    report = expand_series(series, default_horizon(), budget)
    now = utcnow()
    _announce_edits(series, changed, now)
    return ChangeResult("all", series, kept=_hand_changed(series.events, now), report=report)


def _announce_edits(series: Series, changed: set[str], now: datetime) -> None:
    """Organisers of coming events hear of a new title or place (reminders' notices)."""
    if changed & {*PLACE_FIELDS, *title_fields()}:
        for event in series.events:
            if event.status == EventStatus.PLANNED and event.start >= now:
                signals.occurrence_edited.send(event)


def _hand_changed(events, since: datetime) -> list[Event]:
    return [
        event
        for event in events
        if event.start >= since and (event.is_overridden or event.has_outcome)
    ]


def _change_one(series: Series, values: SeriesValues, event: Event) -> ChangeResult:
    changed = changed_fields(series, values)
    if changed & set(RULE_FIELDS) or "start_date" in changed:
        raise OccurrenceError(
            _l(
                "a change of the rule or the first date applies to this and following events "
                "or to all events"
            )
        )
    if changed & {"start_time", "duration_minutes"}:
        local = zone(series.timezone)
        day = event.start.astimezone(local).date()
        start = datetime.combine(day, values.start_time, tzinfo=local)
        move_occurrence(event, start, start + timedelta(minutes=values.duration_minutes))
    if changed & {*title_fields(), *PLACE_FIELDS}:
        edit_occurrence(
            event,
            title=values.title if "title" in changed else None,
            location=values.location or "" if "location" in changed else None,
        )
    rest = changed - schedule_fields()
    if "translations" in rest:  # only the descriptions: titles changed for this event alone
        values.translations = with_texts(values.translations, "title", texts_of(series, "title"))
    _apply(series, values, rest)
    _bump(series, rest)
    return ChangeResult("one", series, kept=[event])


def _change_following(
    series: Series, values: SeriesValues, event: Event, budget: RuleBudget
) -> ChangeResult:
    """Split the series at the occurrence's day: the old series ends the day before, a new one
    takes the change from that day on. Every later occurrence without an outcome moves into
    the new series with its UID, reminders and history, so calendars see it change rather
    than a cancellation and a new event; recorded ones stay in the old series, as they were."""
    tz = series.timezone
    split_day = event.original_start.astimezone(zone(tz)).date()
    if split_day <= series.start_date:
        return _change_all(series, values, budget)
    changed = changed_fields(series, values)
    split_at = local_midnight(split_day, tz)
    rules = split_rules(spec_for(series), values.rule, split_at)
    new_values = SeriesValues(**_assignable(values))
    new_values.rule = rules.new_rule
    new_values.start_date = max(split_day, values.start_date)
    new_values.bound_start = max(split_day, series.bound_start or split_day)
    new_values.bound_end = series.bound_end
    new_values.rdates = split_dates(values.rdates, split_day)[1]
    new_values.exdates = split_dates(values.exdates, split_day)[1]

    later = db.session.scalars(
        select(Event).where(Event.series_id == series.id, Event.original_start >= split_at)
    ).all()
    recorded = [e for e in later if e.has_outcome]
    moving = [e for e in later if not e.has_outcome]
    report = withdraw_events(recorded)
    local = zone(tz)
    recorded_days = [e.original_start.astimezone(local).date() for e in recorded]
    new_values.exdates = sorted(
        set(new_values.exdates) | set(exdates_on_days(spec_for(new_values), recorded_days))
    )

    old_changed = {"rule", "bound_end", "rdates", "exdates"}
    series.rule = rules.old_rule
    series.bound_end = min(series.bound_end or split_day, split_day - timedelta(days=1))
    series.rdates = split_dates(series.rdates or [], split_day)[0]
    series.exdates = split_dates(series.exdates or [], split_day)[0]
    _bump(series, old_changed)

    new_series = Series(
        key=unique_key(values, base=f"{series.key[:100]}-{split_day:%Y%m%d}"),
        plan_id=series.plan_id,
        is_demo=series.is_demo,
        reminder_policy=series.reminder_policy,
        split_from_id=series.id,
        **_assignable(new_values),
    )
    new_series.revision = 1
    db.session.add(new_series)
    db.session.flush()
    for row in moving:
        keep_uid(row)
        row.series = new_series
    db.session.flush()
    report += expand_series(new_series, default_horizon(), budget)
    if changed:
        signals.series_changed.send(new_series, fields=changed)
    _announce_edits(new_series, changed, utcnow())
    kept = [e for e in later if e.is_overridden or e.has_outcome]
    return ChangeResult("following", series, new_series=new_series, kept=kept, report=report)


def withdraw_series(series: Series, now: datetime | None = None) -> ChangeResult:
    """Cancel the series' occurrences from now on and end it; its past (and every recorded
    or hand-changed occurrence) stays as it is."""
    now = now or utcnow()
    today = now.astimezone(zone(series.timezone)).date()
    later = db.session.scalars(
        select(Event).where(Event.series_id == series.id, Event.start >= now)
    ).all()
    report = withdraw_events(later)
    series.bound_end = min(series.bound_end or today, today - timedelta(days=1))
    _bump(series, {"bound_end"})
    kept = [e for e in later if e.is_overridden or e.has_outcome]
    return ChangeResult("withdraw", series, kept=kept, report=report)


def is_withdrawn(series: Series, today: date) -> bool:
    return series.bound_end is not None and series.bound_end < today
