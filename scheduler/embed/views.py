"""HTTP side of the widget: the script with its validators, and the framable list.

Nothing here reads or writes the session: the page language is ``?lang=`` (else
Accept-Language) for this answer only, so that a city website's visitors get no cookie.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template, request, send_from_directory
from flask_babel import force_locale

from ..core.time import zone
from ..events.models import EVENT_TYPES
from ..publicapi import service
from ..publicapi.params import ApiArgumentError, Limits, parse_events_query
from ..publicapi.views import base_url, languages, url_builder
from ..security import security_headers
from ..security.headers import CONTENT_SECURITY_POLICY
from .listing import entries

# The site's own policy, except that any site may frame this one page.
FRAMABLE_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")
assert FRAMABLE_POLICY != CONTENT_SECURITY_POLICY, "the site's CSP no longer says frame-ancestors"


def script():
    """``/embed.js``: cached for EMBED_SCRIPT_MAX_AGE, then revalidated by its ETag."""
    response = send_from_directory(
        current_app.static_folder,
        "js/embed.js",
        max_age=current_app.config["EMBED_SCRIPT_MAX_AGE"],
        conditional=True,
    )
    response.cache_control.public = True
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def list_language() -> str:
    chosen = request.args.get("lang")
    if chosen in languages():
        return chosen
    return request.accept_languages.best_match(languages()) or current_app.config.get(
        "BABEL_DEFAULT_LOCALE", "et"
    )


def more_url(orgs: tuple[str, ...], language: str) -> str:
    """The city's page for one organisation, else the public home; in the list's language."""
    path = f"/city/{orgs[0]}" if len(orgs) == 1 else "/"
    return f"{base_url()}{path}?lang={language}"


def _query():
    config = current_app.config
    args = {
        "org": request.args.get("org", ""),
        "type": request.args.get("type", ""),
        "lang": request.args.get("held_in", ""),
        "limit": request.args.get("limit", ""),
    }
    return parse_events_query(
        args,
        today=datetime.now(zone(service.tz())).date(),
        secret=config["SECRET_KEY"],
        known_orgs=service.known_orgs,
        event_types=EVENT_TYPES,
        languages=languages(),
        limits=Limits(
            default_limit=config["EMBED_EVENTS_LIMIT"],
            max_limit=config["API_EVENTS_MAX_LIMIT"],
            default_weeks=config["API_EVENTS_WEEKS"],
        ),
    )


@security_headers({"Content-Security-Policy": FRAMABLE_POLICY, "X-Frame-Options": None})
def events():
    """``/embed/events``: the upcoming public events ``/api/events`` gives for the same
    filter, as a page without scripts that another site frames."""
    language = list_language()
    with force_locale(language):
        try:
            query = _query()
        except ApiArgumentError as error:
            body = render_template(
                "embed/events.html",
                language=language,
                entries=[],
                problem=str(error),
                more_url=more_url((), language),
            )
            return _page(body, 400)
        rows = service.events_page(query)[: query.limit]
        body = render_template(
            "embed/events.html",
            language=language,
            entries=entries(rows, language=language, page_url=url_builder("events.detail")),
            problem=None,
            more_url=more_url(query.orgs, language),
        )
    return _page(body, 200)


def _page(body: str, status: int):
    response = current_app.response_class(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['API_MAX_AGE']}"
    response.headers["Vary"] = "Accept-Language"
    if status == 200:
        response.add_etag()
        response.make_conditional(request)
    return response
