"""HTTP side of the open API: JSON bodies, validators, CORS, and the same rules for errors.

The page language of an answer (``title``, messages) is ``?hl=``, else the best match of
``Accept-Language``; ``lang`` is a filter (the working language of events) and never changes
the visitor's page language, and nothing here writes the session: the API sets no cookies.
"""

from __future__ import annotations

import json
from functools import wraps
from urllib.parse import urlencode

from flask import abort, current_app, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..events import queries
from ..events.filters import API, FilterError, Limits, Position, encode_cursor, page_language
from ..web.headers import strong_etag
from ..web.languages import negotiated_language
from . import service
from .addresses import base_url, languages, url_builder
from .params import MAX_ID
from .serialise import event_item

JSON_MIMETYPE = "application/json"
CALENDAR_MIMETYPE = "text/calendar; charset=utf-8"
API_VERSION = 2  # part of every ETag: a change of the item format changes them all
# Set on API requests: the session is never saved for them, so that no answer carries
# Set-Cookie or ``Vary: Cookie`` (see ``SessionlessApi`` in __init__.py).
SESSIONLESS = "scheduler.publicapi.sessionless"


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


def requested_language(names: tuple[str, ...] = ("hl",)) -> str:
    """``?hl=`` (a calendar file: ``?lang=`` as feeds have it, or ``?hl=``), else
    Accept-Language, else the configured default; never the session."""
    return page_language(request.args, languages(), names) or negotiated_language()


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


def api_view(view=None, *, language_params: tuple[str, ...] = ("hl",)):
    """Run ``view(language, …)`` in the requested page language; argument errors are 400s."""
    if view is None:
        return lambda view: api_view(view, language_params=language_params)

    @wraps(view)
    def wrapper(*args, **kwargs):
        request.environ[SESSIONLESS] = True
        if request.method == "OPTIONS":
            return preflight()
        try:
            language = requested_language(language_params)
        except FilterError as error:
            return error_response(400, error.message(_))
        with force_locale(language):
            try:
                return view(language, *args, **kwargs)
            except FilterError as error:
                return error_response(400, error.message(_))

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
    query = queries.query_for(
        request.args,
        API,
        Limits(
            default_limit=config["API_EVENTS_LIMIT"],
            max_limit=config["API_EVENTS_MAX_LIMIT"],
            default_weeks=config["API_EVENTS_WEEKS"],
        ),
    )
    if request.if_none_match:
        etag = _events_etag(language, query, queries.page_revision(query))
        if _wants(etag):
            return not_modified(etag)  # nothing else is read or built for a 304
    fetched = queries.events_page(query)
    etag = _events_etag(language, query, queries.rows_revision(fetched))
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
    return queries.visible_event(int(event_id))


@api_view
def event(language: str, event_id: str):
    _remember_answer()
    found = _event_or_none(event_id)
    if found is None:
        return error_response(404, _("There is no public event with this id."))
    etag = strong_etag(API_VERSION, language, queries.event_revision(found), base_url())
    if _wants(etag):
        return not_modified(etag)
    return json_response(_item(found, language), headers={"ETag": etag})


# ---------------------------------------------------------------------------------------------
# /events/<id>.ics


@api_view(language_params=("lang", "hl"))
def event_ics(language: str, event_id: str):
    found = _event_or_none(event_id)
    if found is None:
        abort(404)  # a page address: the site's own 404 page
    etag = strong_etag("ics", API_VERSION, language, queries.event_revision(found), base_url())
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

    config = current_app.config
    return json_response(
        document(
            base_url(),
            default_limit=config["API_EVENTS_LIMIT"],
            max_limit=config["API_EVENTS_MAX_LIMIT"],
            first_year=int(config["INDICATORS_FIRST_YEAR"]),
        )
    )


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
