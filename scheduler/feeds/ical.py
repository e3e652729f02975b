"""Write iCalendar (RFC 5545) text from plain data. Pure: no Flask, no database.

Written by hand rather than through a library so that every byte is chosen: the same data
always gives the same bytes (ETags stay put), times always carry a TZID with a VTIMEZONE
defined before the events, UNTIL is always UTC, and the VTIMEZONE is one that Outlook,
Google and ical.js (Thunderbird) all read the same way — the plain yearly-rule form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

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
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{calendar.prodid}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(calendar.name)}",
        f"X-WR-CALNAME:{escape_text(calendar.name)}",
        f"X-WR-TIMEZONE:{calendar.tz}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{format_duration(calendar.refresh)}",
        f"X-PUBLISHED-TTL:{format_duration(calendar.refresh)}",
    ]
    if calendar.description:
        lines.append(f"DESCRIPTION:{escape_text(calendar.description)}")
        lines.append(f"X-WR-CALDESC:{escape_text(calendar.description)}")
    first_year, last_year = _years_covered(calendar.events)
    for tz in sorted({calendar.tz} | {event.tz for event in calendar.events}):
        lines.extend(vtimezone_lines(tz, first_year, last_year))
    for event in sorted(calendar.events, key=_event_order):
        lines.extend(vevent_lines(event))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines).encode("utf-8")


def _event_order(event: FeedEvent) -> tuple:
    return (event.start, event.uid, event.recurrence_id or event.start)


def _years_covered(events: Iterable[FeedEvent]) -> tuple[int, int]:
    years = [moment.year for event in events for moment in (event.start, event.end)]
    if not years:
        this_year = datetime.now(UTC).year
        return this_year, this_year
    return min(years), max(years)


def vevent_lines(event: FeedEvent) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{format_utc(event.modified)}",
        f"LAST-MODIFIED:{format_utc(event.modified)}",
        f"SEQUENCE:{event.sequence}",
    ]
    if event.recurrence_id is not None:
        lines.append(local_property("RECURRENCE-ID", event.recurrence_id, event.tz))
    lines.append(local_property("DTSTART", event.start, event.tz))
    lines.append(local_property("DTEND", event.end, event.tz))
    if event.rule:
        lines.append(f"RRULE:{event.rule}")
    if event.exdates:
        stamps = ",".join(format_local(moment, event.tz) for moment in sorted(event.exdates))
        lines.append(f"EXDATE;TZID={event.tz}:{stamps}")
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        lines.append(f"URL;VALUE=URI:{event.url}")
    if event.categories:
        lines.append(f"CATEGORIES:{','.join(escape_text(c) for c in event.categories)}")
    if event.organizer:
        name = f";CN={quote_param(event.organizer.name)}" if event.organizer.name else ""
        lines.append(f"ORGANIZER{name}:mailto:{event.organizer.email}")
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    lines.append(f"TRANSP:{'TRANSPARENT' if event.cancelled else 'OPAQUE'}")
    lines.append("CLASS:PUBLIC")
    lines.append("END:VEVENT")
    return lines


def local_property(name: str, moment: datetime, tz: str) -> str:
    return f"{name};TZID={tz}:{format_local(moment, tz)}"


def format_local(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y%m%dT%H%M%S")


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = f"P{days}D" if days else "P"
    if hours or minutes or seconds or not days:
        text += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
        text += f"{seconds}S" if seconds or (not hours and not minutes) else ""
    return text


def escape_text(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def quote_param(text: str) -> str:
    cleaned = text.replace('"', "'")
    if any(c in cleaned for c in ":;,"):
        return f'"{cleaned}"'
    return cleaned


def fold_line(line: str) -> str:
    """Fold at 75 octets, never inside a UTF-8 sequence (RFC 5545 §3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


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


def vtimezone_lines(tz: str, first_year: int, last_year: int) -> list[str]:
    return list(_vtimezone_lines(tz, first_year - 1, last_year + 1))


@lru_cache(maxsize=256)
def _vtimezone_lines(tz: str, first_year: int, last_year: int) -> tuple[str, ...]:
    zone = ZoneInfo(tz)
    transitions = zone_transitions(zone, first_year, last_year)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tz}"]
    if not transitions:
        moment = datetime(first_year, 1, 1, tzinfo=zone)
        offset = moment.utcoffset() or timedelta(0)
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        lines += _observance("STANDARD", epoch, offset, offset, moment.tzname())
    else:
        lines += _rule_observances(transitions) or _listed_observances(transitions)
    lines.append("END:VTIMEZONE")
    return tuple(lines)


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


def _rule_observances(transitions: list[Transition]) -> list[str] | None:
    """The yearly-rule form (``BYMONTH=3;BYDAY=-1SU``), if every transition of each kind
    follows one such rule; None when the zone's rules changed inside the range."""
    kinds: dict[tuple, list[Transition]] = {}
    for transition in transitions:
        key = (transition.offset_from, transition.offset_to, transition.is_dst, transition.name)
        kinds.setdefault(key, []).append(transition)
    if len(kinds) > 2:
        return None
    lines: list[str] = []
    for (offset_from, offset_to, is_dst, name), members in sorted(
        kinds.items(), key=lambda item: item[1][0].instant
    ):
        rule = _yearly_rule(members)
        if rule is None:
            return None
        kind = "DAYLIGHT" if is_dst else "STANDARD"
        lines += _observance(kind, members[0].local_start, offset_from, offset_to, name, rule)
    return lines


def _yearly_rule(members: list[Transition]) -> str | None:
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
    return f"FREQ=YEARLY;BYMONTH={month};BYDAY={ordinals.pop()}{WEEKDAY_CODES[weekday]}"


def _weekday_ordinal(day: date) -> int:
    """-1 for the last such weekday of its month, else 1..4 (first..fourth)."""
    if (day + timedelta(days=7)).month != day.month:
        return -1
    return (day.day - 1) // 7 + 1


def _listed_observances(transitions: list[Transition]) -> list[str]:
    lines: list[str] = []
    for transition in transitions:
        kind = "DAYLIGHT" if transition.is_dst else "STANDARD"
        lines += _observance(
            kind,
            transition.local_start,
            transition.offset_from,
            transition.offset_to,
            transition.name,
        )
    return lines


def _observance(
    kind: str,
    local_start: datetime,
    offset_from: timedelta,
    offset_to: timedelta,
    name: str | None,
    rule: str | None = None,
) -> list[str]:
    lines = [
        f"BEGIN:{kind}",
        f"DTSTART:{local_start:%Y%m%dT%H%M%S}",
        f"TZOFFSETFROM:{format_offset(offset_from)}",
        f"TZOFFSETTO:{format_offset(offset_to)}",
    ]
    if rule:
        lines.append(f"RRULE:{rule}")
    if name:
        lines.append(f"TZNAME:{escape_text(name)}")
    lines.append(f"END:{kind}")
    return lines


def format_offset(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, remainder = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(remainder, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")
