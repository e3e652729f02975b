"""Rendering one HTTP error as an HTML page, a JSON body or plain text."""

from __future__ import annotations

import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

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
    except Exception:  # pragma: no cover - a broken connection: the next request reconnects
        log.exception("rollback after an error failed")
