"""Error answers in the site's own clothes: the page layout, the visitor's language.

One handler answers every ``HTTPException`` (400 … 429 raised by views, 404/405 from
routing) and unexpected exceptions (Flask logs them with their traceback and hands them
over as a 500). HTML asks get ``templates/errors/error.html`` inside the site layout; the
API and clients asking for JSON get ``{"error": code, "message": …}``; feed addresses
(``.ics``) get plain text. Headers the exception carries (``Retry-After``, ``Allow``) are
kept. Werkzeug's default page is never shown.

Before any view runs, ids in URLs beyond the database's integer range are answered 404
and NUL characters in the address or a form 400 (``guards.py``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from werkzeug.exceptions import HTTPException

    from .guards import ids_within_database_range, refuse_nul_bytes
    from .handlers import handle_http_exception

    app.register_error_handler(HTTPException, handle_http_exception)
    app.url_value_preprocessor(ids_within_database_range)
    app.before_request(refuse_nul_bytes)
