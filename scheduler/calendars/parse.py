"""Read an external .ics into plain upstream events with their occurrences. Pure: no Flask,
no database.

Recurring upstream events are expanded through the same checked entry point as our own
series (recurrence.RuleBudget), over a bounded window, with the same limits: rules repeating
every second or minute are refused outright, an event has at most so many occurrences, the
calendar so many in all, and one time budget covers reading the file *and* expanding its
rules, so that a rule that never ends (or ends after millions of instances, or starts in 1970
and repeats every hour), or a file of millions of lines, is an error, not a hang. Every text
value is cleaned on the way in (see ``clean``).

Overrides are matched to their master by UID and RECURRENCE-ID, compared as UTC instants so
that an override written in another zone than its master still finds it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import islice
from time import monotonic
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar
from icalendar.parser.content_line import UFOLD, Contentline
from icalendar.parser.ical.calendar import CalendarIcalParser
from icalendar.parser_tools import to_unicode

from ..recurrence import RecurrenceSpec, RuleBudget, RuleError, RuleLimits, RuleRefused
from ..recurrence.limits import DEADLINE
from .clean import Warnings, multi_line, single_line, web_address

MAX_EVENTS = 20000
DEFAULT_DURATION = timedelta(hours=1)
#: the parser looks at the clock once per this many content lines (a few milliseconds)
PARSE_STRIDE = 2000
# The columns the values go to (events.models.Series, Event; models.ImportedSeries).
TITLE_MAX = LOCATION_MAX = 300
URL_MAX = 500
UID_MAX = 400
DESCRIPTION_MAX = 10000


class CalendarImportError(ValueError):
    """The upstream calendar cannot be imported; the message says why, fit for a person."""


MALFORMED = "the calendar is malformed"
UNKNOWN_ZONE = "the calendar is malformed: it names a time zone (TZID) that does not exist"
_DETAIL_MAX = 200  # a parser's own message longer than this is left to the log
_FILE_PATH = re.compile(r"(?:^|[\s'\"(=])/[\w.-]+/|[A-Za-z]:\\")


def _malformed(error: Exception) -> CalendarImportError:
    """A message for a person: what is wrong, never the server's paths or a library's dump.

    A time zone lookup fails with the file it tried (``/…/zoneinfo/<TZID>``); other parser
    errors are quoted only when short and free of paths. The whole error stays chained to
    the result, for the log."""
    if isinstance(error, OSError | ZoneInfoNotFoundError):
        return CalendarImportError(UNKNOWN_ZONE)
    detail = str(error)
    if not detail or len(detail) > _DETAIL_MAX or _FILE_PATH.search(detail):
        return CalendarImportError(MALFORMED)
    return CalendarImportError(f"{MALFORMED}: {detail}")


@dataclass(frozen=True)
class Budget:
    """The time reading one calendar may take, as a ``time.monotonic()`` deadline."""

    seconds: float
    deadline: float

    @classmethod
    def start(cls, seconds: float) -> Budget:
        return cls(seconds, monotonic() + seconds)

    def message(self) -> str:
        return (
            f"reading the calendar takes longer than {self.seconds:g} seconds "
            "(limit CALENDARS_IMPORT_DEADLINE_SECONDS: too many lines or events, or rules "
            "too costly to expand); nothing was imported"
        )

    def check(self) -> None:
        if monotonic() > self.deadline:
            raise CalendarImportError(self.message())


UNLIMITED = Budget(float("inf"), float("inf"))


@dataclass
class ParsedCalendar:
    events: list[UpstreamEvent]
    warnings: list[str]


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


def parse_calendar(
    data: bytes,
    window: ImportWindow,
    default_tz: str,
    *,
    limits: RuleLimits,
    budget: Budget = UNLIMITED,
) -> ParsedCalendar:
    """The upstream events with occurrences in the window, and warnings about values that
    were cleaned or dropped. CalendarImportError if the calendar is refused as a whole.

    ``limits`` are the rule limits every rule meets; their total per save is the calendar's
    cap on occurrences, and ``budget`` is their deadline."""
    max_occurrences = limits.max_per_save
    rules = RuleBudget(limits, seconds=budget.seconds, deadline=budget.deadline)
    _check_event_count(data.upper().count(b"BEGIN:VEVENT"))
    calendar = _read(data, budget)
    budget.check()
    calendar_tz = _calendar_zone(calendar, default_tz)
    warnings = Warnings()
    masters: dict[str, object] = {}
    overrides: dict[str, list] = {}
    components = calendar.walk("VEVENT")
    _check_event_count(len(components))
    for component in components:
        uid = _uid(component, warnings)
        if component.get("RECURRENCE-ID") is not None:
            overrides.setdefault(uid, []).append(component)
        else:
            masters[uid] = component
    events = []
    total = 0
    for uid in sorted(set(masters) | set(overrides)):
        budget.check()
        event = _upstream_event(
            uid, masters.get(uid), overrides.get(uid, []), window, calendar_tz, rules, warnings
        )
        total += len(event.occurrences)
        if total > max_occurrences:
            raise CalendarImportError(
                f"the calendar has more than {max_occurrences} occurrences in the import "
                f"window (limit {limits.per_save_setting}); nothing was imported"
            )
        if event.occurrences:
            events.append(event)
    return ParsedCalendar(events, warnings.as_list())


def _check_event_count(count: int) -> None:
    if count > MAX_EVENTS:
        raise CalendarImportError(f"the calendar has {count} events; at most {MAX_EVENTS}")


_CONTENT_LINE = re.compile(r"(?:[^\r\n]|\r(?!\n))+")  # icalendar's lines: split on \r?\n


class _BudgetedParser(CalendarIcalParser):
    """icalendar's parser, looking at the clock every PARSE_STRIDE content lines: a file of
    a million short lines is refused at the deadline instead of parsed for half a minute.
    The lines are found and made lazily, a chunk at a time (icalendar's own
    ``Contentlines.from_ical`` makes them all first, seconds for such a file); only the
    unfolding, one regular-expression pass over the text, comes before the first look."""

    budget: Budget = UNLIMITED

    def initialize_parsing(self) -> None:
        self._stack = []
        self._components = []
        unfolded = UFOLD.sub("", to_unicode(self._data))
        self._content_lines_iterator = (
            Contentline(match.group()) for match in _CONTENT_LINE.finditer(unfolded)
        )

    def parse_content_lines(self) -> None:
        lines = self._content_lines_iterator
        while chunk := list(islice(lines, PARSE_STRIDE)):
            self.budget.check()
            self._content_lines_iterator = iter(chunk)
            super().parse_content_lines()


def _read(data: bytes, budget: Budget = UNLIMITED) -> Calendar:
    if not data.strip():
        raise CalendarImportError("the calendar is empty")
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise CalendarImportError("this is not an iCalendar file (no BEGIN:VCALENDAR)")
    parser = _BudgetedParser(data, Calendar._get_component_factory(), Calendar.types_factory)
    parser.budget = budget
    try:
        components = parser.parse()
    except CalendarImportError:
        raise
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError, OSError…
        raise _malformed(error) from error
    budget.check()
    if not components:
        raise CalendarImportError(f"{MALFORMED}: it holds no calendar")
    calendar = components[0]
    for component in calendar.walk():
        if getattr(component, "errors", None):
            name, message = component.errors[0]
            raise _malformed(ValueError(f"{name}: {message}"))
    return calendar


def _calendar_zone(calendar: Calendar, default_tz: str) -> str:
    name = str(calendar.get("X-WR-TIMEZONE") or "").strip()
    return name if name and _zone_or_none(name) else default_tz


def _zone_or_none(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return None


def _uid(component, warnings: Warnings) -> str:
    raw = str(component.get("UID") or "").strip()
    uid = single_line(raw, len(raw), "UID", Warnings()) or ""
    if len(uid) > UID_MAX:
        digest = hashlib.sha256(uid.encode("utf-8", "replace")).hexdigest()[:32]
        uid = uid[: UID_MAX - 33] + "-" + digest
    if uid != raw:
        warnings.add(f"event {_short(uid)}: UID cleaned (control characters or too long)")
    if uid:
        return uid
    # RFC 5545 requires a UID; without one, the start and summary are the most stable key.
    seed = f"{component.get('DTSTART').to_ical() if component.get('DTSTART') else ''}|"
    seed += str(component.get("SUMMARY") or "")
    return "no-uid-" + hashlib.sha256(seed.encode()).hexdigest()[:32]


def _short(uid: str) -> str:
    return uid if len(uid) <= 60 else uid[:57] + "…"


def _upstream_event(
    uid, master, overrides, window: ImportWindow, calendar_tz: str, rules: RuleBudget, warnings
):
    base = master if master is not None else overrides[0]
    start, tz = _moment(base, "DTSTART", calendar_tz, uid)
    duration = _duration(base, start, calendar_tz, uid)
    what = f"event {_short(uid)}"
    event = UpstreamEvent(
        uid=uid,
        tz=tz,
        summary=_line(base, "SUMMARY", TITLE_MAX, what, warnings) or "(no title)",
        description=multi_line(
            _raw(base, "DESCRIPTION"), DESCRIPTION_MAX, f"{what}: DESCRIPTION", warnings
        ),
        location=_line(base, "LOCATION", LOCATION_MAX, what, warnings),
        url=web_address(_raw(base, "URL"), URL_MAX, f"{what}: URL", warnings),
        is_public=str(base.get("CLASS") or "PUBLIC").upper() == "PUBLIC",
        is_recurring=bool(overrides) or _is_recurring(master),
        duration=duration,
    )
    cancelled = _is_cancelled(base) if master is not None else False
    by_original: dict[datetime, UpstreamOccurrence] = {}
    if master is not None:
        for original in _master_starts(master, start, tz, duration, window, uid, rules):
            by_original[original] = UpstreamOccurrence(
                original, original, original + duration, event.summary, event.location, cancelled
            )
            by_original[original] = _with_wall_clock_end(by_original[original], tz, duration)
    for component in overrides:
        occurrence = _override(component, event, calendar_tz, uid, warnings)
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


def _raw(component, name: str) -> str | None:
    value = component.get(name)
    if isinstance(value, list):  # a property given more than once: the first counts
        value = value[0] if value else None
    return None if value is None else str(value)


def _line(component, name: str, limit: int, what: str, warnings: Warnings) -> str | None:
    return single_line(_raw(component, name), limit, f"{what}: {name}", warnings)


def _moment(component, name: str, calendar_tz: str, uid: str) -> tuple[datetime, str]:
    """An aware start and the zone name its series lives in; a date is local midnight,
    a floating time is read in the calendar's zone."""
    prop = component.get(name)
    if prop is None:
        raise CalendarImportError(f"event {uid} has no {name}")
    value = prop.dt
    return _aware(value, calendar_tz, uid)


def _aware(value, calendar_tz: str, uid: str) -> tuple[datetime, str]:
    """Times are kept to the minute, as series store them: an upstream 10:00:30 that kept
    its seconds would never match its own row and be cancelled on every import."""
    if isinstance(value, datetime):
        value = value.replace(second=0, microsecond=0)
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


def _master_starts(
    master, start, tz, duration, window: ImportWindow, uid: str, rules: RuleBudget
) -> list[datetime]:
    if not _is_recurring(master):
        return [start.astimezone(UTC)]
    found_rules = master.get("RRULE")
    if not isinstance(found_rules, list):
        found_rules = [found_rules] if found_rules is not None else []
    if len(found_rules) > 1:
        raise CalendarImportError(f"event {uid} has {len(found_rules)} RRULEs; one is supported")
    rule_text = found_rules[0].to_ical().decode() if found_rules else None
    spec = RecurrenceSpec(
        start=start.astimezone(ZoneInfo(tz)),
        duration=duration,
        rule=rule_text,
        rdates=tuple(_date_list(master, "RDATE", tz, uid)),
        exdates=tuple(_date_list(master, "EXDATE", tz, uid)),
        tz=tz,
    )
    try:
        found = rules.expand(spec, window.start, window.end)
    except RuleRefused as refusal:
        if refusal.limit == DEADLINE:
            raise CalendarImportError(Budget(rules.seconds, rules.deadline).message()) from None
        raise CalendarImportError(
            f"event {_short(uid)} ({rule_text}): {refusal}; nothing was imported"
        ) from None
    except RuleError as error:
        raise CalendarImportError(f"event {uid} has a rule that cannot be used: {error}") from error
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


def _override(
    component, event: UpstreamEvent, calendar_tz: str, uid: str, warnings: Warnings
) -> UpstreamOccurrence:
    original, _ = _aware(component.get("RECURRENCE-ID").dt, event.tz, uid)
    start, _ = _moment(component, "DTSTART", calendar_tz, uid)
    duration = _duration(component, start, calendar_tz, uid)
    return UpstreamOccurrence(
        original_start=original.astimezone(UTC),
        start=start.astimezone(UTC),
        end=(start + duration).astimezone(UTC),
        summary=_line(component, "SUMMARY", TITLE_MAX, f"event {_short(uid)}", warnings)
        or event.summary,
        location=_line(component, "LOCATION", LOCATION_MAX, f"event {_short(uid)}", warnings)
        or event.location,
        cancelled=_is_cancelled(component),
    )
