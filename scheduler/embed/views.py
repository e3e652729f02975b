"""HTTP side of the widget: the script with its validators, and the framable list.

Nothing here reads or writes the session: the page language is ``?lang=`` (else
Accept-Language) for this answer only, so that a city website's visitors get no cookie.
"""

from __future__ import annotations

from flask import current_app, render_template, request, send_from_directory
from flask_babel import force_locale
from flask_babel import gettext as _

from ..events import queries
from ..events.filters import WIDGET, FilterError, Limits, page_language
from ..events.presentation import listing_url
from ..events.uids import event_uid
from ..publicapi.addresses import base_url, languages
from ..web import security_headers
from ..web.headers import CONTENT_SECURITY_POLICY
from ..web.languages import negotiated_language
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
    """``?lang=`` (an unknown code is refused, as on every surface), else Accept-Language."""
    return page_language(request.args, languages(), ("lang",)) or negotiated_language()


def _query():
    """The widget's filters by the public vocabulary (``held_in`` is ``language``; ``lang``
    stays the list's language), with the API's rules: an empty value is refused."""
    config = current_app.config
    limits = Limits(
        default_limit=config["EMBED_EVENTS_LIMIT"],
        max_limit=config["API_EVENTS_MAX_LIMIT"],
        default_weeks=config["API_EVENTS_WEEKS"],
    )
    return queries.query_for(request.args, WIDGET, limits)


@security_headers({"Content-Security-Policy": FRAMABLE_POLICY, "X-Frame-Options": None})
def events():
    """``/embed/events``: the upcoming public events ``/api/events`` gives for the same
    filter, as a page without scripts that another site frames."""
    try:
        language = list_language()
    except FilterError as error:
        return _problem(error, negotiated_language())
    with force_locale(language):
        try:
            query = _query()
        except FilterError as error:
            return _problem(error, language)
        rows = queries.events_page(query)[: query.limit]
        body = render_template(
            "embed/events.html",
            language=language,
            entries=entries(rows, language=language, uid=event_uid, base_url=base_url()),
            problem=None,
            more_url=listing_url(base_url(), query.orgs, language),
        )
    return _page(body, 200)


def _problem(error: FilterError, language: str):
    with force_locale(language):
        body = render_template(
            "embed/events.html",
            language=language,
            entries=[],
            problem=error.message(_),
            more_url=listing_url(base_url(), (), language),
        )
    return _page(body, 400)


def _page(body: str, status: int):
    response = current_app.response_class(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['API_MAX_AGE']}"
    response.headers["Vary"] = "Accept-Language"
    if status == 200:
        response.add_etag()
        response.make_conditional(request)
    return response
