"""The headers every answer carries, set once per response and cheap enough for feeds.

Pages get a Content-Security-Policy without inline scripts or styles and may not be framed;
every answer gets ``nosniff`` and ``Referrer-Policy: same-origin`` so that private feed and
follow-up tokens in URLs never leave in a Referer. A view that needs another policy (a page
meant to be embedded elsewhere) sets its own headers, with :func:`security_headers` or on the
response; those are left alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from flask import Response, make_response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# Every answer, whatever its type.
BASELINE = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
)
# Pages (text/html) in addition.
PAGE = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
)


def add_security_headers(response: Response) -> Response:
    """after_request: add each header the view has not set itself (an empty value: omit)."""
    headers = response.headers
    for name, value in BASELINE:
        _default(headers, name, value)
    if response.mimetype == "text/html":
        for name, value in PAGE:
            _default(headers, name, value)
    return response


def _default(headers, name: str, value: str) -> None:
    present = headers.get(name)
    if present is None:
        headers[name] = value
    elif present == "":
        del headers[name]


def security_headers(overrides: dict[str, str | None]) -> Callable:
    """Decorate a view that answers with its own headers, e.g. an embeddable page's policy.

    ``@security_headers({"Content-Security-Policy": "frame-ancestors https://kov.ee",
    "X-Frame-Options": None})``: a value replaces the default, None leaves the header out.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            response = make_response(view(*args, **kwargs))
            for name, value in overrides.items():
                response.headers[name] = "" if value is None else value
            return response

        return wrapper

    return decorate


class BaselineHeaders:
    """WSGI middleware: nosniff and Referrer-Policy on answers that bypass after_request."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            for name, value in BASELINE:
                if name.lower() not in present:
                    headers.append((name, value))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def strong_etag(*parts: object) -> str:
    """A strong validator from anything with a stable ``repr`` (the query and a revision)."""
    digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:40]
    return f'"{digest}"'
