"""HTTP side of the widget: the script with its validators, and the framable list.

Nothing here reads or writes the session: the page language is ``?lang=`` (else
Accept-Language) for this answer only, so that a city website's visitors get no cookie.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from ..events import queries
from ..events.filters import WIDGET, FilterError, Limits, page_language
from ..events.presentation import alerts_url, listing_url
from ..events.uids import event_uid
from ..publicapi.addresses import base_url, languages
from ..web import security_headers
from ..web.headers import CONTENT_SECURITY_POLICY
from ..web.languages import negotiated_language
from .listing import entries

# The site's own policy, except that any site may frame this one page.
FRAMABLE_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")
assert FRAMABLE_POLICY != CONTENT_SECURITY_POLICY, "the site's CSP no longer says frame-ancestors"


# The script's words, between these marks, come from the catalogues of every configured language.
WORDS = re.compile(r"/\* words \*/.*?/\* end words \*/", re.S)


def widget_words(language: str) -> dict[str, str]:
    with force_locale(language):
        return {
            "none": _("No upcoming events"),
            "more": _("More events"),
            "alerts": _("Email alerts"),
            "cancelled": _("Cancelled"),
            "label": _("Upcoming events"),
        }


def script_source() -> bytes:
    """``static/js/embed.js`` with the words of each configured language (made once)."""
    made = current_app.extensions.get("scheduler.embed_script")
    if made is None:
        source = (Path(current_app.static_folder) / "js" / "embed.js").read_text("utf-8")
        words = json.dumps({code: widget_words(code) for code in languages()}, ensure_ascii=False)
        made = WORDS.sub(lambda _match: words, source, count=1).encode()
        current_app.extensions["scheduler.embed_script"] = made
    return made


def script():
    """``/embed.js``: cached for EMBED_SCRIPT_MAX_AGE, then revalidated by its ETag."""
    response = current_app.response_class(script_source(), mimetype="text/javascript")
    response.add_etag()
    response.cache_control.max_age = current_app.config["EMBED_SCRIPT_MAX_AGE"]
    response.make_conditional(request)
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
            alerts_url=alerts_url(base_url(), query.orgs, language),
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
            alerts_url=alerts_url(base_url(), (), language),
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
