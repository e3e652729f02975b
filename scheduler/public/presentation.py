"""What the public pages show of an event, as plain data. Pure: no Flask, no database.

Texts exist per language; one is chosen by the visitor's language, then English, then
Estonian (``pick``), and keeps the language it is written in, for a ``lang`` attribute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

FALLBACK = ("en", "et")
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


@dataclass(frozen=True)
class Text:
    """A text and the language it is written in."""

    value: str
    lang: str

    def __str__(self) -> str:
        return self.value


def fallback_order(language: str) -> tuple[str, ...]:
    """The visitor's language, then English, then Estonian (each once)."""
    return tuple(dict.fromkeys((language, *FALLBACK)))


def pick(texts: Mapping[str, str | None], language: str) -> Text | None:
    """The first text of ``texts`` (by language code) along the fallback chain."""
    for code in fallback_order(language):
        if texts.get(code):
            return Text(texts[code], code)
    return None


def series_texts(series, field: str) -> dict[str, str | None]:
    """``{"et": field, "en": field_en, "ru": field_ru}`` of a series (or any such row)."""
    return {
        "et": getattr(series, field, None),
        "en": getattr(series, f"{field}_en", None),
        "ru": getattr(series, f"{field}_ru", None),
    }


def title_of(event, language: str) -> Text:
    """An occurrence's own title (set by a person or its source calendar) stands for every
    language, as in the feeds and the API; it is taken as written in Estonian."""
    if event.title:
        return Text(event.title, "et")
    return pick(series_texts(event.series, "title"), language) or Text("", "et")


def description_of(event, language: str) -> Text | None:
    return pick(series_texts(event.series, "description"), language)


def place_of(event) -> str | None:
    return event.location or event.series.location


def online_url_of(event) -> str | None:
    url = event.series.online_url or ""
    return url if url.startswith(("https://", "http://")) else None


def is_moved(event) -> bool:
    return event.start != event.original_start


def schema_status(event) -> str:
    if event.status.value in ("cancelled", "not_held"):
        return "cancelled"
    return "rescheduled" if is_moved(event) else "scheduled"


def attendance_mode(event) -> str:
    place, online = place_of(event), online_url_of(event)
    if place and online:
        return "mixed"
    return "online" if online else "offline"


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


def json_ld(
    event,
    *,
    language: str,
    url: str,
    organiser_name: str,
    organiser_url: str,
) -> dict:
    """schema.org ``Event`` of one public occurrence (for search engines)."""
    series = event.series
    tz = series.timezone
    title = title_of(event, language)
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": title.value,
        "startDate": local(event.start, tz).isoformat(),
        "endDate": local(event.end, tz).isoformat(),
        "eventStatus": SCHEMA_STATUS[schema_status(event)],
        "eventAttendanceMode": ATTENDANCE[attendance_mode(event)],
        "inLanguage": list(series.languages or []),
        "organizer": {"@type": "Organization", "name": organiser_name, "url": organiser_url},
        "url": url,
    }
    if is_moved(event):
        data["previousStartDate"] = local(event.original_start, tz).isoformat()
    locations = []
    place = place_of(event)
    if place:
        locations.append({"@type": "Place", "name": place, "address": place})
    online = online_url_of(event)
    if online:
        locations.append({"@type": "VirtualLocation", "url": online})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    description = description_of(event, language)
    parts = [event.description, description.value if description else None]
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
