"""iCalendar (RFC 5545) feeds from plain data, built and serialised with the ``icalendar``
library. Pure: no Flask, no database.

The library escapes, folds and formats every value; this module only chooses what goes in
and in which order, so that the same data always gives the same bytes (ETags stay put):
properties are added in a fixed order and serialised unsorted (``to_ical(sorted=False)``
keeps insertion order), events are sorted, EXDATEs and TZIDs too.

Times always carry a TZID with a VTIMEZONE before the events; UNTIL is always UTC. The
VTIMEZONE is our own, not ``Timezone.from_tzid``: icalendar's generated one for
Europe/Tallinn was seen to be misread by ical.js (Thunderbird), so we publish the plain
yearly-rule form (``RRULE:FREQ=YEARLY;BYMONTH=..;BYDAY=-1SU``) derived from the zone's current
rules, which Outlook, Google and ical.js all read the same way.

One bad value never breaks a feed: text values are normalised (line breaks of every kind
become one LF, which the library escapes; other control characters are dropped; one-line
properties get a space instead of a line break), URLs are written only when they are plain
http/https addresses, and an event that still cannot be written is left out and logged
(``WARNING`` naming its ``ref``) while every other event is written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vRecur,
    vText,
)

PRODID = "-//ELVL//Event scheduler//ET"
DEFAULT_REFRESH = timedelta(hours=6)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The VTIMEZONE of a calendar without events describes the zone around this year (the
# programme runs 2023-2029): a fixed year, so that an empty feed is the same bytes on any day.
REFERENCE_YEAR = 2024
END_OF_CALENDAR = b"END:VCALENDAR\r\n"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Organizer:
    email: str
    name: str | None = None


@dataclass(frozen=True)
class FeedEvent:
    """One VEVENT: a standalone occurrence, an RRULE master, or an override (recurrence_id)."""

    uid: str
    start: datetime
    end: datetime
    tz: str
    summary: str
    sequence: int
    modified: datetime
    description: str | None = None
    location: str | None = None
    url: str | None = None
    categories: tuple[str, ...] = ()
    organizer: Organizer | None = None
    cancelled: bool = False
    recurrence_id: datetime | None = None
    rule: str | None = None
    exdates: tuple[datetime, ...] = ()
    private: bool = False  # an internal event: CLASS:PRIVATE
    ref: str | None = None  # names the row in log lines ("event 42"); not written


@dataclass(frozen=True)
class FeedCalendar:
    """A feed (``name`` and ``refresh`` set) or a one-off file such as a mail attachment
    (``name=None, refresh=None``: no calendar name or refresh hints to subscribe with)."""

    name: str | None
    tz: str
    events: tuple[FeedEvent, ...] = field(default=())
    description: str | None = None
    refresh: timedelta | None = DEFAULT_REFRESH
    prodid: str = PRODID


@dataclass(frozen=True)
class WrittenCalendar:
    body: bytes
    written: int  # VEVENTs in the body
    skipped: tuple[str, ...] = ()  # refs (or UIDs) of the events that could not be written


def render_calendar(calendar: FeedCalendar) -> bytes:
    return write_calendar(calendar).body


def write_calendar(calendar: FeedCalendar) -> WrittenCalendar:
    """The iCalendar bytes: header, VTIMEZONEs, then the events in order. Each event is
    built and serialised on its own, so one that cannot be written is left out (and logged)
    instead of failing the whole calendar; the bytes are those the library writes for the
    whole calendar at once."""
    chunks: list[tuple[FeedEvent, bytes]] = []
    skipped: list[str] = []
    for event in sorted(calendar.events, key=_event_order):
        try:
            chunks.append((event, vevent(event).to_ical(sorted=False)))
        except Exception:
            name = event.ref or repr(event.uid)
            log.warning("%s left out of the calendar: it cannot be written", name, exc_info=True)
            skipped.append(name)
    shell = _calendar_shell(calendar, [event for event, _chunk in chunks])
    head = shell.to_ical(sorted=False)
    body = head[: -len(END_OF_CALENDAR)] + b"".join(c for _e, c in chunks) + END_OF_CALENDAR
    return WrittenCalendar(body, len(chunks), tuple(skipped))


def _calendar_shell(calendar: FeedCalendar, events: list[FeedEvent]) -> Calendar:
    """The calendar's properties and VTIMEZONEs (for ``events``), without the events."""
    result = Calendar()
    result.add("VERSION", "2.0")
    result.add("PRODID", calendar.prodid)
    result.add("CALSCALE", "GREGORIAN")
    result.add("METHOD", "PUBLISH")
    # NAME and the X-WR-* names are not typed TEXT in icalendar: say so, or they go unescaped
    if calendar.name is not None:
        name = clean_text(calendar.name)
        result.add("NAME", vText(name))
        result.add("X-WR-CALNAME", vText(name))
    result.add("X-WR-TIMEZONE", vText(calendar.tz))
    if calendar.refresh is not None:
        result.add("REFRESH-INTERVAL", vDuration(calendar.refresh), {"VALUE": "DURATION"})
        result.add("X-PUBLISHED-TTL", vDuration(calendar.refresh))
    if calendar.description:
        description = clean_text(calendar.description, multiline=True)
        result.add("DESCRIPTION", description)
        result.add("X-WR-CALDESC", vText(description))
    first_year, last_year = _years_covered(events)
    for tz in sorted({calendar.tz} | {event.tz for event in events}):
        result.add_component(vtimezone(tz, first_year, last_year))
    return result


def _event_order(event: FeedEvent) -> tuple:
    return (event.start, event.uid, event.recurrence_id or event.start)


def _years_covered(events: Iterable[FeedEvent]) -> tuple[int, int]:
    """The years of the events; a fixed year without events (never today's: the same data
    must give the same bytes on any day)."""
    years = [moment.year for event in events for moment in (event.start, event.end)]
    if not years:
        return REFERENCE_YEAR, REFERENCE_YEAR
    return min(years), max(years)


# ---------------------------------------------------------------------------------------------
# Values that can be written


_SUSPECT = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_EMAIL = re.compile(r"[^\s\"(),:;<>@\[\\\]]+@[^\s\"(),:;<>@\[\\\]]+")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """A TEXT value that cannot carry anything but text: every kind of line break (CR, LF,
    CRLF, VT, FF, NEL, U+2028/9…) becomes one LF (written escaped as ``\\n`` by the
    library), or a space when the property is one line; other control characters are
    dropped; lone surrogates (which cannot be UTF-8) become ``?``."""
    if not _SUSPECT.search(value):
        return value
    value = _CONTROL.sub("", _LINE_BREAK.sub("\n", value))
    value = value.encode("utf-8", "replace").decode("utf-8")
    return value if multiline else value.replace("\n", " ")


def safe_url(value: str | None) -> str | None:
    """``value`` when it is an absolute http or https address with a host and no spaces or
    control characters (non-ASCII characters percent-encoded); otherwise None."""
    if not value:
        return None
    value = value.strip()
    if any(char.isspace() or not char.isprintable() for char in value):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return quote(value, safe="!#$%&'()*+,-./:;=?@[]_~")


def safe_email(value: str | None) -> str | None:
    """An address that can follow ``mailto:`` (one ``@``, no spaces or delimiters)."""
    if value and _EMAIL.fullmatch(value) and value.isprintable():
        return value
    return None


def vevent(event: FeedEvent) -> Event:
    """The VEVENT of ``event``; raises when it cannot be written (an unknown zone…)."""
    zone = ZoneInfo(event.tz)
    component = Event()
    component.add("UID", clean_text(event.uid))
    component.add("DTSTAMP", event.modified)  # the library writes these two in UTC
    component.add("LAST-MODIFIED", event.modified)
    component.add("SEQUENCE", event.sequence)
    # an aware datetime in a ZoneInfo is written with TZID=<zone key>, never floating
    if event.recurrence_id is not None:
        component.add("RECURRENCE-ID", event.recurrence_id.astimezone(zone))
    component.add("DTSTART", event.start.astimezone(zone))
    component.add("DTEND", event.end.astimezone(zone))
    if event.rule:
        component.add("RRULE", vRecur.from_ical(event.rule))
    if event.exdates:
        component.add("EXDATE", [moment.astimezone(zone) for moment in sorted(event.exdates)])
    component.add("SUMMARY", clean_text(event.summary))
    if event.description:
        component.add("DESCRIPTION", clean_text(event.description, multiline=True))
    if event.location:
        component.add("LOCATION", clean_text(event.location))
    if event.url:
        url = safe_url(event.url)
        if url is None:
            log.warning("%s: URL left out (not an http/https address)", _ref(event))
        else:
            component.add("URL", url)
    if event.categories:
        component.add("CATEGORIES", [clean_text(category) for category in event.categories])
    if event.organizer:
        email = safe_email(event.organizer.email)
        if email is None:
            log.warning("%s: ORGANIZER left out (not an address)", _ref(event))
        else:
            name = event.organizer.name and clean_text(event.organizer.name)
            parameters = {"CN": name} if name else None
            component.add("ORGANIZER", vCalAddress(f"mailto:{email}"), parameters)
    component.add("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED")
    component.add("TRANSP", "TRANSPARENT" if event.cancelled else "OPAQUE")
    component.add("CLASS", "PRIVATE" if event.private else "PUBLIC")
    return component


def _ref(event: FeedEvent) -> str:
    return event.ref or repr(event.uid)


# ---------------------------------------------------------------------------------------------
# VTIMEZONE


@dataclass(frozen=True)
class Transition:
    instant: datetime  # UTC
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool
    name: str

    @property
    def local_start(self) -> datetime:
        """Local wall-clock time of the change, in the offset before it (RFC 5545 DTSTART)."""
        return (self.instant + self.offset_from).replace(tzinfo=None)


@dataclass(frozen=True)
class YearlyRule:
    """``FREQ=YEARLY;BYMONTH=<month>;BYDAY=<ordinal><weekday>``."""

    month: int
    ordinal: int  # -1 for the last such weekday of the month, else 1..4
    weekday: int  # 0 = Monday

    def as_recur(self) -> vRecur:
        return vRecur(
            {
                "FREQ": "YEARLY",
                "BYMONTH": self.month,
                "BYDAY": f"{self.ordinal}{WEEKDAY_CODES[self.weekday]}",
            }
        )


@dataclass(frozen=True)
class Observance:
    """One STANDARD or DAYLIGHT part of a VTIMEZONE."""

    daylight: bool
    local_start: datetime  # naive: RFC 5545 wants DTSTART of an observance in local time
    offset_from: timedelta
    offset_to: timedelta
    name: str | None
    rule: YearlyRule | None = None

    def component(self) -> TimezoneStandard | TimezoneDaylight:
        part = TimezoneDaylight() if self.daylight else TimezoneStandard()
        part.add("DTSTART", self.local_start)
        part.add("TZOFFSETFROM", self.offset_from)
        part.add("TZOFFSETTO", self.offset_to)
        if self.rule is not None:
            part.add("RRULE", self.rule.as_recur())
        if self.name:
            part.add("TZNAME", self.name)
        return part


def vtimezone(tz: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of ``tz`` covering the years of the feed (and one either side)."""
    component = Timezone()
    component.add("TZID", tz)
    for observance in observances(tz, first_year - 1, last_year + 1):
        component.add_component(observance.component())
    return component


@lru_cache(maxsize=256)
def observances(tz: str, first_year: int, last_year: int) -> tuple[Observance, ...]:
    """Yearly-rule observances when the zone's changes follow one rule per kind over the
    range, else one observance per change; a fixed zone gets one STANDARD."""
    zone = ZoneInfo(tz)
    transitions = zone_transitions(zone, first_year, last_year)
    if not transitions:
        moment = datetime(first_year, 1, 1, tzinfo=zone)
        offset = moment.utcoffset() or timedelta(0)
        epoch = datetime(1970, 1, 1)  # noqa: DTZ001 - an observance starts in local time
        return (Observance(False, epoch, offset, offset, moment.tzname()),)
    return _rule_observances(transitions) or _listed_observances(transitions)


def zone_transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[Transition]:
    """Offset changes between the start of ``first_year`` and the end of ``last_year``."""
    found = []
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=12)
    previous = moment.astimezone(zone).utcoffset()
    while moment < end:
        following = moment + step
        offset = following.astimezone(zone).utcoffset()
        if offset != previous:
            instant = _first_instant_with_offset(zone, moment, following, offset)
            local = instant.astimezone(zone)
            found.append(
                Transition(instant, previous, offset, bool(local.dst()), local.tzname() or "")
            )
            previous = offset
        moment = following
    return found


def _first_instant_with_offset(zone, low: datetime, high: datetime, offset) -> datetime:
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle.astimezone(zone).utcoffset() == offset:
            high = middle
        else:
            low = middle
    return high


def _rule_observances(transitions: list[Transition]) -> tuple[Observance, ...] | None:
    """The yearly-rule form (``BYMONTH=3;BYDAY=-1SU``), if every transition of each kind
    follows one such rule; None when the zone's rules changed inside the range."""
    kinds: dict[tuple, list[Transition]] = {}
    for transition in transitions:
        key = (transition.offset_from, transition.offset_to, transition.is_dst, transition.name)
        kinds.setdefault(key, []).append(transition)
    if len(kinds) > 2:
        return None
    found: list[Observance] = []
    for (offset_from, offset_to, is_dst, name), members in sorted(
        kinds.items(), key=lambda item: item[1][0].instant
    ):
        rule = _yearly_rule(members)
        if rule is None:
            return None
        found.append(Observance(is_dst, members[0].local_start, offset_from, offset_to, name, rule))
    return tuple(found)


def _yearly_rule(members: list[Transition]) -> YearlyRule | None:
    starts = [member.local_start for member in members]
    years = [start.year for start in starts]
    if years != list(range(years[0], years[0] + len(years))):
        return None
    month, clock, weekday = starts[0].month, starts[0].time(), starts[0].weekday()
    if any((s.month, s.time(), s.weekday()) != (month, clock, weekday) for s in starts):
        return None
    ordinals = {_weekday_ordinal(start.date()) for start in starts}
    if len(ordinals) != 1:
        return None
    return YearlyRule(month, ordinals.pop(), weekday)


def _weekday_ordinal(day: date) -> int:
    """-1 for the last such weekday of its month, else 1..4 (first..fourth)."""
    if (day + timedelta(days=7)).month != day.month:
        return -1
    return (day.day - 1) // 7 + 1


def _listed_observances(transitions: list[Transition]) -> tuple[Observance, ...]:
    return tuple(
        Observance(t.is_dst, t.local_start, t.offset_from, t.offset_to, t.name) for t in transitions
    )
