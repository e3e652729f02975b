"""Thin views of the public site: the home, city pages and the public event page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
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
from ..core.time import utcnow
from ..events import presentation as show
from ..events import queries
from ..events.filters import (
    ALIASES,
    ONLINE,
    PUBLIC,
    FilterError,
    Limits,
    Position,
    encode_cursor,
)
from ..events.labels import event_type_label
from ..events.models import EVENT_TYPES, Event
from ..events.shown import shown
from ..extensions import db
from ..feeds.links import links_for, news_feeds
from ..organisations.models import Organisation, OrganisationKind

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
    return queries.partner_organisations()


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
    cancel_reason: show.Text | None
    previous: str | None
    is_demo: bool


def entry(event: Event, language: str, view: show.Shown | None = None) -> Entry:
    """A listing's item, from the presentation (``view`` when the caller has it)."""
    view = view or shown(event, language)
    series = event.series
    org = series.organisation
    previous = view.moved_from
    return Entry(
        id=event.id,
        url=url_for("events.detail", event_id=event.id),
        day=view.start.date(),
        start_iso=view.start.isoformat(),
        end_iso=view.end.isoformat(),
        hours=show.hours(view.start, view.end, view.tz, language),
        title=view.title,
        place=view.place,
        online=view.online_url is not None,
        languages=show.language_names(view.languages, language),
        type_label=event_type_label(series.event_type),
        organiser=localized(org, "name", language),
        organiser_lang=text_language(org, "name", language),
        status=view.status,
        cancel_reason=view.reason,
        previous=show.moment_text(previous, view.tz, language) if previous else None,
        is_demo=series.is_demo,
    )


def _listing_query(city: Organisation | None):
    """The page's arguments read by the public vocabulary (``city`` is ``org``, ``language``
    the working language; ``lang`` stays the page language); what cannot be used is a 400.
    A city page's organisation is its address."""
    args = dict(request.args.items())
    if city is not None:
        args = {name: value for name, value in args.items() if ALIASES.get(name, name) != "org"}
        args["org"] = city.slug
    config = current_app.config
    limits = Limits(
        default_limit=config["PUBLIC_PAGE_SIZE"],
        max_limit=config["PUBLIC_PAGE_SIZE"],
        default_weeks=config["PUBLIC_WEEKS"],
    )
    try:
        query = queries.query_for(args, PUBLIC, limits)
    except FilterError as error:
        abort(400, error.message(_))
    chosen_city = ONLINE if query.online else (query.orgs[0] if query.orgs else "")
    return query, chosen_city


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


def _kept_args(query, chosen_city: str) -> dict[str, str]:
    """The listing's filters as its links write them, whatever names the visitor used (the
    form's names: ``city``, ``language``)."""
    return {
        "city": chosen_city,
        "language": query.languages[0] if query.languages else "",
        "type": query.types[0] if query.types else "",
        "q": request.args.get("q", ""),
        "from": request.args.get("from", ""),
    }


def _listing(city: Organisation | None):
    language = page_language()
    query, chosen_city = _listing_query(city)
    fetched = queries.events_page(query)
    rows = fetched[: query.limit]
    entries = [entry(event, language) for event in rows]
    days = [(day, list(items)) for day, items in groupby(entries, key=lambda e: e.day)]
    kept = _kept_args(query, chosen_city)
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
        news_feeds=news_feeds(city.slug if city else None, language),
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
        links_for("feeds.public", kind=kind, value=value, lang=language),
    )


def _city_feeds(org: Organisation) -> list[Feed]:
    label = _("Calendar feed for this city")
    return [feed(label, org, "name", "org", org.slug, page_language())]


# ---------------------------------------------------------------------------------------------
# The public event page (/events/<id> for visitors; ?public=1 shows it to signed-in people)


def event_page(event_id: int):
    event = queries.visible_event(event_id)
    if event is None:
        abort(404)
    language = page_language()
    view = shown(event, language, with_others=True)
    series = event.series
    org = series.organisation
    title, place = view.title, view.place
    details = "\n\n".join(p for p in (view.note, str(view.description or ""), view.url) if p)
    feeds = [feed(_("Calendar feed for this city"), org, "name", "org", org.slug, language)]
    activity = series.activity
    if activity is not None:
        label = _("Calendar feed for this activity")
        feeds.insert(0, feed(label, activity, "title", "activity", activity.code, language))
    html = render_template(
        "public/event.html",
        event=event,
        entry=entry(event, language, view),
        title=title,
        description=view.description,
        ended=event.end <= utcnow(),
        when=show.time_range(event.start, event.end, view.tz, language),
        zone_label=get_timezone_name(view.start, "long", locale=language),
        place=place,
        map_url=show.openstreetmap_url(place) if place else None,
        online_url=view.online_url,
        contacts=list(series.organisers or []) if series.contact_public else [],
        others=view.other_dates,
        ics_url=url_for("publicapi.event_ics", event_id=event.id, lang=language),
        google_url=show.google_calendar_url(title.value, event.start, event.end, details, place),
        outlook_url=show.outlook_calendar_url(title.value, event.start, event.end, details, place),
        feeds=feeds,
        city_url=url_for("public.city", slug=org.slug),
        json_ld=show.json_ld(
            view,
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
