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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
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


@dataclass(frozen=True)
class FeedCalendar:
    name: str
    tz: str
    events: tuple[FeedEvent, ...] = field(default=())
    description: str | None = None
    refresh: timedelta = DEFAULT_REFRESH
    prodid: str = PRODID


def render_calendar(calendar: FeedCalendar) -> bytes:
    return calendar_component(calendar).to_ical(sorted=False)


def calendar_component(calendar: FeedCalendar) -> Calendar:
    """The ``icalendar.Calendar`` of a feed: header, VTIMEZONEs, then the events in order."""
    result = Calendar()
    result.add("VERSION", "2.0")
    result.add("PRODID", calendar.prodid)
    result.add("CALSCALE", "GREGORIAN")
    result.add("METHOD", "PUBLISH")
    # NAME and the X-WR-* names are not typed TEXT in icalendar: say so, or they go unescaped
    result.add("NAME", vText(calendar.name))
    result.add("X-WR-CALNAME", vText(calendar.name))
    result.add("X-WR-TIMEZONE", vText(calendar.tz))
    result.add("REFRESH-INTERVAL", vDuration(calendar.refresh), {"VALUE": "DURATION"})
    result.add("X-PUBLISHED-TTL", vDuration(calendar.refresh))
    if calendar.description:
        result.add("DESCRIPTION", calendar.description)
        result.add("X-WR-CALDESC", vText(calendar.description))
    first_year, last_year = _years_covered(calendar.events)
    for tz in sorted({calendar.tz} | {event.tz for event in calendar.events}):
        result.add_component(vtimezone(tz, first_year, last_year))
    for event in sorted(calendar.events, key=_event_order):
        result.add_component(vevent(event))
    return result


def _event_order(event: FeedEvent) -> tuple:
    return (event.start, event.uid, event.recurrence_id or event.start)


def _years_covered(events: Iterable[FeedEvent]) -> tuple[int, int]:
    years = [moment.year for event in events for moment in (event.start, event.end)]
    if not years:
        this_year = datetime.now(UTC).year
        return this_year, this_year
    return min(years), max(years)


def vevent(event: FeedEvent) -> Event:
    zone = ZoneInfo(event.tz)
    component = Event()
    component.add("UID", event.uid)
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
    component.add("SUMMARY", event.summary)
    if event.description:
        component.add("DESCRIPTION", event.description)
    if event.location:
        component.add("LOCATION", event.location)
    if event.url:
        component.add("URL", event.url)
    if event.categories:
        component.add("CATEGORIES", list(event.categories))
    if event.organizer:
        parameters = {"CN": event.organizer.name} if event.organizer.name else None
        component.add("ORGANIZER", vCalAddress(f"mailto:{event.organizer.email}"), parameters)
    component.add("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED")
    component.add("TRANSP", "TRANSPARENT" if event.cancelled else "OPAQUE")
    component.add("CLASS", "PUBLIC")
    return component


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
