"""An event as a person reads it, for a language: the one presentation every surface draws on.

Pages, JSON-LD, the open API, the widget, feeds, single calendar files and mail all take the
title, description, place, times, status and its reason, the start it was moved from, the
links and the attendance mode from here. Texts follow the one fallback chain
(``core.localized``: the reader's language, then English, then Estonian) and keep the language
they are written in, for ``lang`` attributes. Pure: no Flask, no database; what needs a query
(other dates of the series, the rule text) is given by the caller (``events.shown``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from ..core.localized import Text, fallback_order, pick, text_of, texts_of
from .labels import is_cancelled, status_code
from .uids import published_start

__all__ = ["Text", "fallback_order", "pick"]

SCHEMA_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
    "rescheduled": "https://schema.org/EventRescheduled",
}
ATTENDANCE = {
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}


# ---------------------------------------------------------------------------------------------
# Texts


def titles_of(event) -> dict[str, str]:
    """The title in each language it is written in. An occurrence's own title (set by a
    person or its source calendar) stands for every language the series has a title in."""
    found = {code: text for code, text in texts_of(event.series, "title").items() if text}
    if event.title:
        return {code: event.title for code in found} or {"et": event.title}
    return found


def title_of(event, language: str) -> Text:
    """The title in ``language`` along the fallback chain; an occurrence's own title is taken
    as written in Estonian."""
    if event.title:
        return Text(event.title, "et")
    return pick(texts_of(event.series, "title"), language) or Text("", "et")


def description_of(event, language: str) -> Text | None:
    """The series' description in ``language`` along the fallback chain."""
    return text_of(event.series, "description", language)


def cancel_reason_of(event, language: str) -> Text | None:
    """Why a cancelled event was called off, in ``language`` along the fallback chain; None
    for an event that is not cancelled or was cancelled without a reason."""
    if not is_cancelled(event):
        return None
    return text_of(event, "cancel_reason", language)


def place_of(event) -> str | None:
    return event.location or event.series.location or None


def online_url_of(event) -> str | None:
    url = event.series.online_url or ""
    return url if url.startswith(("https://", "http://")) else None


# ---------------------------------------------------------------------------------------------
# Status and times


def status_of(event) -> str:
    """``planned``, ``held``, ``not_held`` or ``cancelled``: "cancelled" only when someone
    called it off beforehand (``labels.is_cancelled``), never for one that was not held."""
    return "cancelled" if is_cancelled(event) else status_code(event)


def moved_from(event) -> datetime | None:
    """The start it was planned for before it was moved, if it was: its slot in the rule
    when the occurrence alone was moved, else the start it was first published at when the
    series' time changed since (the start its UID, kept for life, names)."""
    if event.start != event.original_start:
        return event.original_start
    first = published_start(event.uid) if event.uid else None
    return first if first is not None and first != event.start else None


def is_moved(event) -> bool:
    return moved_from(event) is not None


def schema_status(event) -> str | None:
    """schema.org's status of the event; None for one not held (schema.org has no word for
    it, and it was not cancelled)."""
    status = status_of(event)
    if status == "cancelled":
        return "cancelled"
    if status == "not_held":
        return None
    return "rescheduled" if is_moved(event) else "scheduled"


def attendance_mode(event) -> str:
    place, online = place_of(event), online_url_of(event)
    if place and online:
        return "mixed"
    return "online" if online else "offline"


# ---------------------------------------------------------------------------------------------
# Links


def page_url(base_url: str, event_id: int, language: str | None = None) -> str:
    """The public page of an event (``/events/<id>``), under the site's address."""
    query = f"?lang={language}" if language else ""
    return f"{base_url.rstrip('/')}/events/{event_id}{query}"


def listing_url(base_url: str, orgs: Sequence[str], language: str) -> str:
    """The public listing of one organisation's events (its city page), else of all."""
    path = f"/city/{orgs[0]}" if len(orgs) == 1 else "/"
    return f"{base_url.rstrip('/')}{path}?lang={language}"


def alerts_url(base_url: str, orgs: Sequence[str], language: str) -> str:
    """Subscribing to email alerts, for one organisation's city when there is one."""
    city = f"org={orgs[0]}&" if len(orgs) == 1 else ""
    return f"{base_url.rstrip('/')}/subscribe?{city}lang={language}"


def ics_url(base_url: str, event_id: int, language: str | None = None) -> str:
    """The event as an iCalendar file (``/events/<id>.ics``)."""
    query = f"?lang={language}" if language else ""
    return f"{base_url.rstrip('/')}/events/{event_id}.ics{query}"


# ---------------------------------------------------------------------------------------------
# The event as shown


@dataclass(frozen=True)
class OtherDate:
    """Another date of the same series (its split parts included)."""

    id: int
    start: datetime  # aware, in the event's zone
    end: datetime
    status: str
    url: str  # the page's path (the dates are listed on our own pages)

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


@dataclass(frozen=True)
class Shown:
    """One occurrence as a person reads it in one language."""

    id: int
    uid: str
    language: str
    title: Text
    titles: dict[str, str]
    description: Text | None  # the series'
    note: str | None  # said of this occurrence alone, shown before the description
    place: str | None
    online_url: str | None
    attendance: str  # offline, online, mixed
    tz: str
    start: datetime  # aware, in the event's zone: isoformat() carries the offset
    end: datetime
    status: str  # planned, held, not_held, cancelled
    reason: Text | None  # why it was cancelled
    moved_from: datetime | None  # in the event's zone
    schema_status: str | None
    languages: tuple[str, ...]  # working languages
    url: str
    ics_url: str
    other_dates: tuple[OtherDate, ...] = ()
    rule_text: str | None = None

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


def other_date(event, language: str | None = None) -> OtherDate:
    tz = event.series.timezone
    return OtherDate(
        id=event.id,
        start=local(event.start, tz),
        end=local(event.end, tz),
        status=status_of(event),
        url=page_url("", event.id, language),
    )


def present(
    event,
    language: str,
    *,
    uid: str,
    base_url: str,
    link_language: str | None = None,
    others: Sequence = (),
    rule_text: str | None = None,
) -> Shown:
    """``event`` as read in ``language``; ``others`` are rows of the same series family (see
    ``events.shown``), ``link_language`` is added to the links (``?lang=``) when given."""
    series = event.series
    tz = series.timezone
    previous = moved_from(event)
    return Shown(
        id=event.id,
        uid=uid,
        language=language,
        title=title_of(event, language),
        titles=titles_of(event),
        description=description_of(event, language),
        note=(event.description or "").strip() or None,
        place=place_of(event),
        online_url=online_url_of(event),
        attendance=attendance_mode(event),
        tz=tz,
        start=local(event.start, tz),
        end=local(event.end, tz),
        status=status_of(event),
        reason=cancel_reason_of(event, language),
        moved_from=local(previous, tz) if previous is not None else None,
        schema_status=schema_status(event),
        languages=tuple(series.languages or ()),
        url=page_url(base_url, event.id, link_language),
        ics_url=ics_url(base_url, event.id, link_language),
        other_dates=tuple(other_date(row, link_language) for row in others),
        rule_text=rule_text,
    )


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def time_range(start: datetime, end: datetime, tz: str, locale: str) -> str:
    """ "Tuesday 12 March 2024, 18:00–19:30" in ``locale`` (both ends shown with their dates
    when the event ends on another day)."""
    start, end = local(start, tz), local(end, tz)
    day = format_date(start.date(), "EEEE d MMMM y", locale=locale)
    first = format_time(start, "HH:mm", locale=locale)
    last = format_time(end, "HH:mm", locale=locale)
    if start.date() == end.date():
        return f"{day}, {first}–{last}"
    other = format_date(end.date(), "EEEE d MMMM y", locale=locale)
    return f"{day}, {first} – {other}, {last}"


def moment_text(moment: datetime, tz: str, locale: str) -> str:
    """ "Tuesday 12 March 2024, 18:00" in ``locale``."""
    moment = local(moment, tz)
    day = format_date(moment.date(), "EEEE d MMMM y", locale=locale)
    return f"{day}, {format_time(moment, 'HH:mm', locale=locale)}"


def hours(start: datetime, end: datetime, tz: str, locale: str) -> str:
    """ "18:00–19:30" (the day is the heading it stands under)."""
    first = format_time(local(start, tz), "HH:mm", locale=locale)
    last = format_time(local(end, tz), "HH:mm", locale=locale)
    return f"{first}–{last}"


def openstreetmap_url(place: str) -> str:
    return "https://www.openstreetmap.org/search?" + urlencode({"query": place})


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(
    title: str, start: datetime, end: datetime, details: str, place: str | None
) -> str:
    args = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc_stamp(start)}/{_utc_stamp(end)}",
        "details": details,
    }
    if place:
        args["location"] = place
    return "https://calendar.google.com/calendar/render?" + urlencode(args, quote_via=quote)


def outlook_calendar_url(
    title: str, start: datetime, end: datetime, details: str, place: str | None
) -> str:
    args = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": start.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "enddt": end.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "body": details,
    }
    if place:
        args["location"] = place
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(
        args, quote_via=quote
    )


def json_ld(shown: Shown, *, organiser_name: str, organiser_url: str) -> dict:
    """schema.org ``Event`` of one public occurrence (for search engines)."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": shown.title.value,
        "startDate": shown.start.isoformat(),
        "endDate": shown.end.isoformat(),
        "eventAttendanceMode": ATTENDANCE[shown.attendance],
        "inLanguage": list(shown.languages),
        "organizer": {"@type": "Organization", "name": organiser_name, "url": organiser_url},
        "url": shown.url,
    }
    if shown.schema_status is not None:
        data["eventStatus"] = SCHEMA_STATUS[shown.schema_status]
    if shown.moved_from is not None:
        data["previousStartDate"] = shown.moved_from.isoformat()
    locations = []
    if shown.place:
        locations.append({"@type": "Place", "name": shown.place, "address": shown.place})
    if shown.online_url:
        locations.append({"@type": "VirtualLocation", "url": shown.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    description = shown.description
    parts = [shown.note, description.value if description else None]
    text = "\n\n".join(part for part in parts if part)
    if text:
        data["description"] = text
    return data


def share_text(event, *, language: str, when: str, url: str, online_label: str) -> str:
    """A post for a newcomers' group: title, time, place and link, one per line."""
    place = place_of(event) or (online_label if online_url_of(event) else None)
    lines = [title_of(event, language).value, when]
    if place:
        lines.append(place)
    lines.append(url)
    return "\n".join(lines)


def language_names(codes: Iterable[str], locale: str) -> list[tuple[str, str]]:
    """(code, the language's name in ``locale``) for working-language badges."""
    from babel import Locale

    names = Locale.parse(locale).languages
    return [(code, names.get(code, code)) for code in codes]
