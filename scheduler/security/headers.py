"""The headers every answer carries, set once per response and cheap enough for feeds."""

from __future__ import annotations

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
