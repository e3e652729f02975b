"""Rendering one HTTP error as an HTML page, a JSON body or plain text, and answering
while the database does not (503, or the last answer served at the address, marked stale)."""

from __future__ import annotations

import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from ..core.database import (
    DatabaseUnavailableError,
    database_state,
    is_database_unavailable,
    one_line,
)
from ..core.fastpath import stale_answer
from ..extensions import db

log = logging.getLogger(__name__)

TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please sign in"),
    403: _l("This is not yours to change"),
    404: _l("Page not found"),
    405: _l("This address does not accept that kind of request"),
    409: _l("This conflicts with a change made meanwhile"),
    410: _l("This is no longer available"),
    413: _l("What was sent is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("Temporarily unavailable"),
}
EXPLANATIONS = {
    400: _l("Something in the address or the form is not valid. Check it and try again."),
    401: _l("This page is for signed-in users."),
    403: _l("You may see this, but you may not do that."),
    404: _l("There is nothing at this address. It may have been mistyped or removed."),
    405: _l("The address exists, but not for this kind of request."),
    409: _l("Someone else changed this in the meantime. Reload the page and try again."),
    410: _l("What this address pointed to is gone, or the link has already been used."),
    413: _l("Send something smaller."),
    429: _l("You have tried too often. Wait a moment before trying again."),
    500: _l("The error has been logged. Please try again later."),
    503: _l("The site cannot reach its database just now. Please try again in a moment."),
}
_GENERIC_TITLE = _l("Something went wrong")


def handle_http_exception(error: HTTPException):
    if error.response is not None:  # a view aborted with a ready response: keep it
        return error.response
    code = error.code or 500
    if isinstance(error, InternalServerError):
        _discard_failed_transaction()
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    message = specific_description(error)
    if _wants_json():
        body = jsonify(error=code, message=message or str(EXPLANATIONS.get(code, error.name)))
        return body, code, headers
    if _is_feed():
        text = f"{code} {error.name}: {message or error.description}\n"
        return current_app.response_class(text, status=code, mimetype="text/plain"), headers
    return _html_page(code, message), code, headers


def specific_description(error: HTTPException) -> str | None:
    """What the view said about this error, if it said more than Werkzeug's stock text."""
    description = error.description
    if not description or description == type(error).description:
        return None
    return str(description)


def _html_page(code: int, message: str | None) -> str:
    context = {
        "code": code,
        "title": TITLES.get(code, _GENERIC_TITLE),
        "explanation": EXPLANATIONS.get(code),
        "message": message,
    }
    if code == 503:  # the site layout reads the database, which is not answering
        return render_template("errors/bare.html", **context)
    try:
        return render_template("errors/error.html", **context)
    except Exception:  # the layout itself failed (e.g. the database is down): a bare page
        log.exception("error page %s could not be rendered in the site layout", code)
        _discard_failed_transaction()
        return render_template("errors/bare.html", **context)


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _is_feed() -> bool:
    return request.path.endswith(".ics")


def _discard_failed_transaction() -> None:
    try:
        db.session.rollback()
    except Exception as error:  # a broken connection: the next request reconnects
        log.warning("rollback after an error failed: %s", one_line(error))


#: Endpoints that never need the database to answer (health answers "unreachable" itself).
_WITHOUT_DATABASE = {"static", "operations.healthz", "operations.healthz_jobs"}


def not_while_down():
    """Before every view: while the database was found unreachable moments ago, answer at
    once rather than wait out the bound again."""
    if request.endpoint not in _WITHOUT_DATABASE and database_state(current_app).is_down():
        raise DatabaseUnavailableError("the database was unreachable moments ago")


def handle_database_unavailable(error: Exception):
    """503 with Retry-After, or what this process last answered at this address marked
    stale; one log line (a waited-for failure), never a traceback per request."""
    if not is_database_unavailable(error):
        raise error  # a wrong query: a 500 with its traceback, as any other bug
    if not isinstance(error, DatabaseUnavailableError):
        log.warning(
            "database unavailable: %s %s: %s", request.method, request.path, one_line(error)
        )
        _discard_failed_transaction()
    stale = stale_answer(current_app, request.environ)
    if stale is not None:
        status, headers, body = stale
        response = current_app.response_class(body, status=status, headers=headers)
        response.headers["Warning"] = '110 - "Response is Stale"'
        return response
    retry_after = int(current_app.config["DATABASE_RETRY_AFTER_SECONDS"]) or 1
    return handle_http_exception(ServiceUnavailable(retry_after=retry_after))
