"""Read an external .ics into plain upstream events with their occurrences. Pure: no Flask,
no database.

Recurring upstream events are expanded by the same engine as our own series, over a bounded
window and with a cap on occurrences per event, so that a rule that never ends (or ends
after millions of instances) is an error, not a hang. Overrides are matched to their master
by UID and RECURRENCE-ID, compared as UTC instants so that an override written in another
zone than its master still finds it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar

from ..recurrence import RecurrenceSpec, RuleError, expand

MAX_OCCURRENCES_PER_EVENT = 1500
MAX_EVENTS = 20000
DEFAULT_DURATION = timedelta(hours=1)


class CalendarImportError(ValueError):
    """The upstream calendar cannot be imported; the message says why, fit for a person."""


@dataclass(frozen=True)
class UpstreamOccurrence:
    original_start: datetime  # UTC: the RECURRENCE-ID
    start: datetime  # UTC
    end: datetime  # UTC
    summary: str
    location: str | None
    cancelled: bool = False


@dataclass
class UpstreamEvent:
    uid: str
    tz: str
    summary: str
    description: str | None
    location: str | None
    url: str | None
    is_public: bool
    is_recurring: bool
    duration: timedelta
    occurrences: list[UpstreamOccurrence] = field(default_factory=list)


@dataclass(frozen=True)
class ImportWindow:
    start: datetime
    end: datetime


def parse_calendar(data: bytes, window: ImportWindow, default_tz: str) -> list[UpstreamEvent]:
    calendar = _read(data)
    calendar_tz = _calendar_zone(calendar, default_tz)
    masters: dict[str, object] = {}
    overrides: dict[str, list] = {}
    components = calendar.walk("VEVENT")
    if len(components) > MAX_EVENTS:
        raise CalendarImportError(
            f"the calendar has {len(components)} events; at most {MAX_EVENTS}"
        )
    for component in components:
        uid = _uid(component)
        if component.get("RECURRENCE-ID") is not None:
            overrides.setdefault(uid, []).append(component)
        else:
            masters[uid] = component
    events = []
    for uid in sorted(set(masters) | set(overrides)):
        event = _upstream_event(uid, masters.get(uid), overrides.get(uid, []), window, calendar_tz)
        if event.occurrences:
            events.append(event)
    return events


def _read(data: bytes) -> Calendar:
    if not data.strip():
        raise CalendarImportError("the calendar is empty")
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise CalendarImportError("this is not an iCalendar file (no BEGIN:VCALENDAR)")
    try:
        calendar = Calendar.from_ical(data)
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError…
        raise CalendarImportError(f"the calendar is malformed: {error}") from error
    if isinstance(calendar, list):
        calendar = calendar[0]
    for component in calendar.walk():
        if getattr(component, "errors", None):
            name, message = component.errors[0]
            raise CalendarImportError(f"the calendar is malformed: {name}: {message}")
    return calendar


def _calendar_zone(calendar: Calendar, default_tz: str) -> str:
    name = str(calendar.get("X-WR-TIMEZONE") or "").strip()
    return name if name and _zone_or_none(name) else default_tz


def _zone_or_none(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _uid(component) -> str:
    uid = str(component.get("UID") or "").strip()
    if uid:
        return uid[:400]
    # RFC 5545 requires a UID; without one, the start and summary are the most stable key.
    seed = f"{component.get('DTSTART').to_ical() if component.get('DTSTART') else ''}|"
    seed += str(component.get("SUMMARY") or "")
    return "no-uid-" + hashlib.sha256(seed.encode()).hexdigest()[:32]


def _upstream_event(uid, master, overrides, window: ImportWindow, calendar_tz: str):
    base = master if master is not None else overrides[0]
    start, tz = _moment(base, "DTSTART", calendar_tz, uid)
    duration = _duration(base, start, calendar_tz, uid)
    event = UpstreamEvent(
        uid=uid,
        tz=tz,
        summary=_text(base, "SUMMARY") or "(no title)",
        description=_text(base, "DESCRIPTION"),
        location=_text(base, "LOCATION"),
        url=_text(base, "URL"),
        is_public=str(base.get("CLASS") or "PUBLIC").upper() == "PUBLIC",
        is_recurring=bool(overrides) or _is_recurring(master),
        duration=duration,
    )
    cancelled = _is_cancelled(base) if master is not None else False
    by_original: dict[datetime, UpstreamOccurrence] = {}
    if master is not None:
        for original in _master_starts(master, start, tz, duration, window, uid):
            by_original[original] = UpstreamOccurrence(
                original, original, original + duration, event.summary, event.location, cancelled
            )
            by_original[original] = _with_wall_clock_end(by_original[original], tz, duration)
    for component in overrides:
        occurrence = _override(component, event, calendar_tz, uid)
        if (
            window.start <= occurrence.start < window.end
            or occurrence.original_start in by_original
        ):
            by_original[occurrence.original_start] = occurrence
    event.occurrences = sorted(
        (o for o in by_original.values() if window.start <= o.start < window.end),
        key=lambda o: o.original_start,
    )
    return event


def _with_wall_clock_end(occurrence: UpstreamOccurrence, tz: str, duration: timedelta):
    local = occurrence.start.astimezone(ZoneInfo(tz))
    return replace(occurrence, end=(local + duration).astimezone(UTC))


def _is_recurring(master) -> bool:
    return master is not None and bool(master.get("RRULE") or master.get("RDATE"))


def _is_cancelled(component) -> bool:
    return str(component.get("STATUS") or "").upper() == "CANCELLED"


def _text(component, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text[:2000] or None


def _moment(component, name: str, calendar_tz: str, uid: str) -> tuple[datetime, str]:
    """An aware start and the zone name its series lives in; a date is local midnight,
    a floating time is read in the calendar's zone."""
    prop = component.get(name)
    if prop is None:
        raise CalendarImportError(f"event {uid} has no {name}")
    value = prop.dt
    return _aware(value, calendar_tz, uid)


def _aware(value, calendar_tz: str, uid: str) -> tuple[datetime, str]:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=ZoneInfo(calendar_tz)), calendar_tz
        return value, _zone_name(value.tzinfo, calendar_tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=ZoneInfo(calendar_tz)), calendar_tz
    raise CalendarImportError(f"event {uid} has a start that is not a date or a time")


def _zone_name(zone: tzinfo, calendar_tz: str) -> str:
    key = getattr(zone, "key", None) or getattr(zone, "zone", None)
    if key and key not in ("UTC", "Etc/UTC") and _zone_or_none(key):
        return key
    # UTC ("Z") times and unknown zones are shown in the calendar's zone: same instants
    return calendar_tz


def _duration(component, start: datetime, calendar_tz: str, uid: str) -> timedelta:
    if component.get("DTEND") is not None:
        end, _ = _aware(component.get("DTEND").dt, calendar_tz, uid)
        duration = end - start
    elif component.get("DURATION") is not None:
        duration = component.get("DURATION").dt
    elif not isinstance(component.get("DTSTART").dt, datetime):
        duration = timedelta(days=1)
    else:
        duration = timedelta(0)
    return duration if duration > timedelta(0) else DEFAULT_DURATION


def _master_starts(master, start, tz, duration, window: ImportWindow, uid: str) -> list[datetime]:
    if not _is_recurring(master):
        return [start.astimezone(UTC)]
    rules = master.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules] if rules is not None else []
    if len(rules) > 1:
        raise CalendarImportError(f"event {uid} has {len(rules)} RRULEs; one is supported")
    rule_text = rules[0].to_ical().decode() if rules else None
    spec = RecurrenceSpec(
        start=start.astimezone(ZoneInfo(tz)),
        duration=duration,
        rule=rule_text,
        rdates=tuple(_date_list(master, "RDATE", tz, uid)),
        exdates=tuple(_date_list(master, "EXDATE", tz, uid)),
        tz=tz,
    )
    try:
        found = expand(spec, window.start, window.end, limit=MAX_OCCURRENCES_PER_EVENT + 1)
    except RuleError as error:
        raise CalendarImportError(f"event {uid} has a rule that cannot be used: {error}") from error
    if len(found) > MAX_OCCURRENCES_PER_EVENT:
        raise CalendarImportError(
            f"the rule of event {uid} ({rule_text}) produces more than "
            f"{MAX_OCCURRENCES_PER_EVENT} occurrences in the import window"
        )
    return [occurrence.original_start.astimezone(UTC) for occurrence in found]


def _date_list(component, name: str, tz: str, uid: str) -> list[datetime]:
    values = component.get(name)
    if values is None:
        return []
    values = values if isinstance(values, list) else [values]
    found = []
    for value in values:
        for item in getattr(value, "dts", []):
            moment, _ = _aware(item.dt, tz, uid)
            found.append(moment)
    return found


def _override(component, event: UpstreamEvent, calendar_tz: str, uid: str) -> UpstreamOccurrence:
    original, _ = _aware(component.get("RECURRENCE-ID").dt, event.tz, uid)
    start, _ = _moment(component, "DTSTART", calendar_tz, uid)
    duration = _duration(component, start, calendar_tz, uid)
    return UpstreamOccurrence(
        original_start=original.astimezone(UTC),
        start=start.astimezone(UTC),
        end=(start + duration).astimezone(UTC),
        summary=_text(component, "SUMMARY") or event.summary,
        location=_text(component, "LOCATION") or event.location,
        cancelled=_is_cancelled(component),
    )
