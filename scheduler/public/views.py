"""Thin views of the public site: the home, city pages and the public event page."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import groupby
from urllib.parse import urlencode

from babel.dates import get_timezone_name
from flask import abort, current_app, make_response, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.localized import localized, text_language
from ..core.policy import can
from ..core.time import utcnow, zone
from ..events.labels import event_type_label
from ..events.models import EVENT_TYPES, Event, EventStatus
from ..extensions import db
from ..feeds.links import links_for
from ..organisations.models import Organisation, OrganisationKind
from ..publicapi import service
from ..publicapi.params import (
    ApiArgumentError,
    Limits,
    Position,
    encode_cursor,
    parse_events_query,
)
from . import presentation as show

ONLINE = "online"
# The home's own arguments; the page language stays ``lang``.
LISTING_ARGS = ("city", "language", "type", "q", "from", "cursor")


# ---------------------------------------------------------------------------------------------
# Language: alternates and one canonical address per page


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def page_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@dataclass(frozen=True)
class Addresses:
    canonical: str
    alternates: list[tuple[str, str]]  # (hreflang, absolute URL), x-default last


def addresses(path: str, args: dict[str, str]) -> Addresses:
    """The page in each language (``?lang=xx``), the negotiated one as ``x-default``, and
    the canonical address: the page as asked for. A page asked for in a language
    (``?lang=ru``) is canonical in it; one asked for without is the negotiating
    ``x-default`` page itself (pointing it at one of its language versions would tell search
    engines that the x-default page and that version are one and the same)."""
    args = {key: value for key, value in sorted(args.items()) if value}

    def url(**extra) -> str:
        query = urlencode({**args, **extra})
        return f"{base_url()}{path}" + (f"?{query}" if query else "")

    alternates = [(code, url(lang=code)) for code in current_app.config["LANGUAGES"]]
    alternates.append(("x-default", url()))
    asked = request.args.get("lang")
    canonical = url(lang=asked) if asked in current_app.config["LANGUAGES"] else url()
    return Addresses(canonical=canonical, alternates=alternates)


def public_response(html: str):
    """A public page varies with the visitor's languages and remembered choice."""
    response = make_response(html)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


# ---------------------------------------------------------------------------------------------
# Listings: the home and city pages


def cities() -> list[Organisation]:
    """The partners (and the implementer), in the order the calendar lists them."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind.in_([OrganisationKind.IMPLEMENTER, OrganisationKind.PARTNER]))
            .order_by(Organisation.slug)
        )
    )


@dataclass(frozen=True)
class Entry:
    """One event of a listing, as the page shows it."""

    id: int
    url: str
    day: object
    start_iso: str
    end_iso: str
    hours: str
    title: show.Text
    place: str | None
    online: bool
    languages: list[tuple[str, str]]
    type_label: str
    organiser: str
    organiser_lang: str
    status: str
    cancel_reason: str | None
    previous: str | None
    is_demo: bool


def entry(event: Event, language: str) -> Entry:
    series = event.series
    tz = series.timezone
    org = series.organisation
    cancelled = event.status == EventStatus.CANCELLED
    return Entry(
        id=event.id,
        url=url_for("events.detail", event_id=event.id),
        day=show.local(event.start, tz).date(),
        start_iso=show.local(event.start, tz).isoformat(),
        end_iso=show.local(event.end, tz).isoformat(),
        hours=show.hours(event.start, event.end, tz, language),
        title=show.title_of(event, language),
        place=show.place_of(event),
        online=show.online_url_of(event) is not None,
        languages=show.language_names(series.languages or [], language),
        type_label=event_type_label(series.event_type),
        organiser=localized(org, "name", language),
        organiser_lang=text_language(org, "name", language),
        status=event.status.value,
        cancel_reason=event.cancel_reason if cancelled else None,
        previous=(
            show.moment_text(event.original_start, tz, language) if show.is_moved(event) else None
        ),
        is_demo=series.is_demo,
    )


def _listing_query(city: Organisation | None):
    """The API's query from the page's arguments; what cannot be used is a 400."""
    config = current_app.config
    args = request.args
    chosen_city = city.slug if city is not None else (args.get("city") or "").strip()
    api_args = {
        "from": args.get("from", ""),
        "type": args.get("type", ""),
        "lang": args.get("language", ""),
        "q": args.get("q", ""),
        "cursor": args.get("cursor", ""),
        "org": "" if chosen_city == ONLINE else chosen_city,
    }
    try:
        query = parse_events_query(
            api_args,
            today=datetime.now(zone(service.tz())).date(),
            secret=config["SECRET_KEY"],
            known_orgs=service.known_orgs,
            event_types=EVENT_TYPES,
            languages=tuple(config["LANGUAGES"]),
            limits=Limits(
                default_limit=config["PUBLIC_PAGE_SIZE"],
                max_limit=config["PUBLIC_PAGE_SIZE"],
                default_weeks=config["PUBLIC_WEEKS"],
            ),
        )
    except ApiArgumentError as error:
        abort(400, str(error))
    if len(query.orgs) > 1 or len(query.types) > 1 or len(query.languages) > 1:
        abort(400, _("Choose one city, one type and one language at a time."))
    return replace(query, online=chosen_city == ONLINE), chosen_city


def _pager(query, fetched: list[Event], kept: dict[str, str]) -> tuple[str | None, str | None]:
    """The next page (a signed cursor after the last row shown, the window pinned) when
    there is one, and the first page when this is not it."""
    shown = {key: value for key, value in kept.items() if value}
    next_url = first_url = None
    if len(fetched) > query.limit:
        last = fetched[query.limit - 1]
        cursor = encode_cursor(Position(last.start, last.id), current_app.config["SECRET_KEY"])
        args = {**shown, "from": query.start.isoformat(), "cursor": cursor}
        next_url = f"{request.path}?{urlencode(args)}"
    if request.args.get("cursor"):
        first_url = request.path + (f"?{urlencode(shown)}" if shown else "")
    return next_url, first_url


def _listing(city: Organisation | None):
    language = page_language()
    query, chosen_city = _listing_query(city)
    fetched = service.events_page(query)
    rows = fetched[: query.limit]
    entries = [entry(event, language) for event in rows]
    days = [(day, list(items)) for day, items in groupby(entries, key=lambda e: e.day)]
    kept = {key: request.args.get(key, "") for key in LISTING_ARGS if key != "cursor"}
    if city is not None:
        kept.pop("city")
    path = url_for("public.city", slug=city.slug) if city else url_for("events.index")
    next_url, first_url = _pager(query, fetched, kept)
    canonical_args = {**kept, "cursor": request.args.get("cursor", "")}
    html = render_template(
        "public/home.html",
        city=city,
        city_name=localized(city, "name", language) if city else None,
        city_name_lang=text_language(city, "name", language) if city else None,
        chosen_city=chosen_city,
        cities=[(org.slug, localized(org, "name", language)) for org in cities()],
        online=ONLINE,
        chosen={
            "language": query.languages[0] if query.languages else "",
            "type": query.types[0] if query.types else "",
            "q": request.args.get("q", ""),
        },
        working_languages=show.language_names(current_app.config["LANGUAGES"], language),
        event_types=[(code, event_type_label(code)) for code in EVENT_TYPES],
        days=days,
        period=(query.start, query.end - timedelta(days=1)),
        next_url=next_url,
        first_url=first_url,
        feeds=_city_feeds(city) if city else [],
        addresses=addresses(path, canonical_args),
        form_action=request.path,
    )
    return public_response(html)


def home():
    return _listing(None)


def city(slug: str):
    found = db.session.scalar(
        select(Organisation).where(
            Organisation.slug == slug,
            Organisation.kind.in_([OrganisationKind.IMPLEMENTER, OrganisationKind.PARTNER]),
        )
    )
    if found is None:
        abort(404)
    return _listing(found)


@dataclass(frozen=True)
class Feed:
    label: str
    name: str  # of the city or activity, with the language it is written in
    name_lang: str
    links: object


def feed(label: str, row, field: str, kind: str, value: str, language: str) -> Feed:
    return Feed(
        label,
        localized(row, field, language),
        text_language(row, field, language),
        links_for("feeds.public", kind=kind, value=value),
    )


def _city_feeds(org: Organisation) -> list[Feed]:
    label = _("Calendar feed for this city")
    return [feed(label, org, "name", "org", org.slug, page_language())]


# ---------------------------------------------------------------------------------------------
# The public event page (/events/<id> for visitors; ?public=1 shows it to signed-in people)

OTHER_DATES = 10


def other_dates(event: Event, language: str) -> list[Entry]:
    """The series' next occurrences after today, this one left out."""
    rows = db.session.scalars(
        select(Event)
        .where(Event.series_id == event.series_id, Event.id != event.id, Event.start >= utcnow())
        .order_by(Event.start, Event.id)
        .limit(OTHER_DATES)
    )
    return [entry(row, language) for row in rows]


def event_page(event_id: int):
    event = service.public_event(event_id)
    if event is None:
        abort(404)
    language = page_language()
    series = event.series
    tz = series.timezone
    org = series.organisation
    page_url = base_url() + url_for("events.detail", event_id=event.id)
    title = show.title_of(event, language)
    description = show.description_of(event, language)
    place = show.place_of(event)
    details = "\n\n".join(p for p in (event.description, str(description or ""), page_url) if p)
    feeds = [feed(_("Calendar feed for this city"), org, "name", "org", org.slug, language)]
    activity = series.activity
    if activity is not None:
        label = _("Calendar feed for this activity")
        feeds.insert(0, feed(label, activity, "title", "activity", activity.code, language))
    html = render_template(
        "public/event.html",
        event=event,
        entry=entry(event, language),
        title=title,
        description=description,
        ended=event.end <= utcnow(),
        when=show.time_range(event.start, event.end, tz, language),
        previous=(
            show.moment_text(event.original_start, tz, language) if show.is_moved(event) else None
        ),
        zone_label=get_timezone_name(show.local(event.start, tz), "long", locale=language),
        place=place,
        map_url=show.openstreetmap_url(place) if place else None,
        online_url=show.online_url_of(event),
        contacts=list(series.organisers or []) if series.contact_public else [],
        others=other_dates(event, language),
        ics_url=url_for("publicapi.event_ics", event_id=event.id),
        google_url=show.google_calendar_url(title.value, event.start, event.end, details, place),
        outlook_url=show.outlook_calendar_url(title.value, event.start, event.end, details, place),
        feeds=feeds,
        city_url=url_for("public.city", slug=org.slug),
        json_ld=show.json_ld(
            event,
            language=language,
            url=page_url,
            organiser_name=localized(org, "name", language),
            organiser_url=base_url() + url_for("public.city", slug=org.slug),
        ),
        shares=share_texts(event) if can(current_user, "share_event", event) else [],
        workspace_url=(
            url_for("events.detail", event_id=event.id) if current_user.is_authenticated else None
        ),
        addresses=addresses(url_for("events.detail", event_id=event.id), {}),
    )
    return public_response(html)


def share_texts(event: Event) -> list[tuple[str, str, str]]:
    """(language, its name in the page language, a post for newcomers' groups) in et, en
    and ru: title, time, place and the event page's address."""
    page_url = base_url() + url_for("events.detail", event_id=event.id)
    codes = tuple(current_app.config["LANGUAGES"])
    names = dict(show.language_names(codes, page_language()))
    texts = []
    for code in codes:
        with force_locale(code):
            when = show.time_range(event.start, event.end, event.series.timezone, code)
            text = show.share_text(
                event, language=code, when=when, url=page_url, online_label=_("Online")
            )
        texts.append((code, names[code], text))
    return texts
