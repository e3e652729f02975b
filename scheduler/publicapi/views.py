"""HTTP side of the open API: JSON bodies, validators, CORS, and the same rules for errors.

The page language of an answer (``title``, messages) is ``?hl=``, else the best match of
``Accept-Language``; ``lang`` is a filter (the working language of events) and never changes
the visitor's page language, and nothing here writes the session: the API sets no cookies.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

from flask import abort, current_app, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.time import zone
from ..events.models import EVENT_TYPES
from . import service
from .params import (
    MAX_ID,
    ApiArgumentError,
    Limits,
    Position,
    encode_cursor,
    parse_events_query,
)
from .serialise import event_item, strong_etag

JSON_MIMETYPE = "application/json"
CALENDAR_MIMETYPE = "text/calendar; charset=utf-8"
API_VERSION = 1  # part of every ETag: a change of the item format changes them all


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


_SENTINEL = 987654321  # an id whose digits appear nowhere else in the built address


def url_builder(endpoint: str):
    """``event_id -> absolute URL`` from one ``url_for`` call (a page of items would
    otherwise spend more time building addresses than reading rows)."""
    head, _sep, tail = (base_url() + url_for(endpoint, event_id=_SENTINEL)).partition(
        str(_SENTINEL)
    )
    return lambda event_id: f"{head}{event_id}{tail}"


def _common_headers() -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag",
        "Cache-Control": f"public, max-age={current_app.config['API_MAX_AGE']}",
        "Vary": "Accept-Language",
    }


def json_response(body, status: int = 200, headers: dict | None = None):
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response = current_app.response_class(text, status=status, mimetype=JSON_MIMETYPE)
    response.headers.update(_common_headers())
    if headers:
        response.headers.update(headers)
    return response


def error_response(status: int, message: str):
    response = json_response({"error": status, "message": message}, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def not_modified(etag: str):
    # the type of the full answer: a 304 carries the same headers (no page-only ones)
    response = current_app.response_class(status=304, mimetype=JSON_MIMETYPE)
    response.headers.update(_common_headers())
    response.headers["ETag"] = etag
    return response


def requested_language() -> str:
    """``?hl=``, else Accept-Language, else the configured default; never the session."""
    chosen = request.args.get("hl")
    if chosen:
        if chosen not in languages():
            raise ApiArgumentError(_("'hl' must be one of %(codes)s", codes=", ".join(languages())))
        return chosen
    return request.accept_languages.best_match(languages()) or current_app.config.get(
        "BABEL_DEFAULT_LOCALE", "et"
    )


def preflight():
    """A browser asks before sending If-None-Match from another site's script."""
    response = current_app.response_class(status=204)
    response.headers.update(
        {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
            "Access-Control-Allow-Headers": "If-None-Match, Accept-Language",
            "Access-Control-Max-Age": "86400",
        }
    )
    return response


def api_view(view):
    """Run ``view(language, …)`` in the requested page language; argument errors are 400s."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method == "OPTIONS":
            return preflight()
        try:
            language = requested_language()
        except ApiArgumentError as error:
            return error_response(400, str(error))
        with force_locale(language):
            try:
                return view(language, *args, **kwargs)
            except ApiArgumentError as error:
                return error_response(400, str(error))

    return wrapper


def _remember_answer() -> None:
    """Let the fast path answer this address's next If-None-Match (see fastpath.py)."""
    current_app.extensions["publicapi.fastpath"].remember(request.environ)


def _wants(etag: str) -> bool:
    return request.if_none_match.contains_weak(etag.strip('"'))


# ---------------------------------------------------------------------------------------------
# /api/events


@api_view
def events(language: str):
    _remember_answer()  # before anything is read: a commit from now on forgets the answer
    config = current_app.config
    today = datetime.now(zone(service.tz())).date()
    query = parse_events_query(
        request.args,
        today=today,
        secret=config["SECRET_KEY"],
        known_orgs=service.known_orgs,
        event_types=EVENT_TYPES,
        languages=languages(),
        limits=Limits(
            default_limit=config["API_EVENTS_LIMIT"],
            max_limit=config["API_EVENTS_MAX_LIMIT"],
            default_weeks=config["API_EVENTS_WEEKS"],
        ),
    )
    if request.if_none_match:
        etag = _events_etag(language, query, service.page_revision(query))
        if _wants(etag):
            return not_modified(etag)  # nothing else is read or built for a 304
    fetched = service.events_page(query)
    etag = _events_etag(language, query, service.rows_revision(fetched))
    rows = fetched[: query.limit]
    next_url = None
    if len(fetched) > query.limit:
        last = rows[-1]
        cursor = encode_cursor(Position(last.start, last.id), config["SECRET_KEY"])
        args = {**query.link_args(), "cursor": cursor}
        if request.args.get("hl"):
            args["hl"] = language
        next_url = f"{base_url()}{url_for('publicapi.events')}?{urlencode(args)}"
    page, ics = url_builder("events.detail"), url_builder("publicapi.event_ics")
    items = [_item(event, language, page, ics) for event in rows]
    return json_response({"items": items, "next": next_url}, headers={"ETag": etag})


def _events_etag(language: str, query, revision: tuple) -> str:
    return strong_etag(API_VERSION, language, query.key(), revision, base_url())


def _item(event, language: str, page=None, ics=None) -> dict:
    return event_item(
        event,
        language=language,
        uid=service.uid(event),
        page_url=page or url_builder("events.detail"),
        ics_url=ics or url_builder("publicapi.event_ics"),
    )


def _event_or_none(event_id: str):
    if not (event_id.isascii() and event_id.isdigit()) or int(event_id) > MAX_ID:
        return None
    return service.public_event(int(event_id))


@api_view
def event(language: str, event_id: str):
    _remember_answer()
    found = _event_or_none(event_id)
    if found is None:
        return error_response(404, _("There is no public event with this id."))
    etag = strong_etag(API_VERSION, language, service.event_revision(found), base_url())
    if _wants(etag):
        return not_modified(etag)
    return json_response(_item(found, language), headers={"ETag": etag})


# ---------------------------------------------------------------------------------------------
# /events/<id>.ics


@api_view
def event_ics(language: str, event_id: str):
    found = _event_or_none(event_id)
    if found is None:
        abort(404)  # a page address: the site's own 404 page
    etag = strong_etag("ics", API_VERSION, language, service.event_revision(found), base_url())
    if _wants(etag):
        return not_modified(etag)
    body = service.event_calendar(found, language)
    if body is None:
        current_app.logger.warning("event %s cannot be written as a calendar file", found.id)
        abort(404)
    response = current_app.response_class(body, mimetype=None, content_type=CALENDAR_MIMETYPE)
    response.headers.update(_common_headers())
    response.headers["ETag"] = etag
    response.headers["Content-Disposition"] = f'attachment; filename="event-{found.id}.ics"'
    return response


# ---------------------------------------------------------------------------------------------
# /api/openapi.json


def openapi():
    from .openapi import document

    return json_response(document(base_url()))


# ---------------------------------------------------------------------------------------------
# /robots.txt and /sitemap.xml


def robots():
    from .seo import robots_txt

    response = current_app.response_class(robots_txt(base_url()), mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def sitemap():
    from .seo import sitemap_xml

    response = current_app.response_class(sitemap_xml(base_url()), mimetype="application/xml")
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['API_MAX_AGE']}"
    return response
