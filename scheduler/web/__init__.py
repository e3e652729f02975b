"""The web layer every feature's views stand on: one place for what a page asks of the request.

- :mod:`.access`: ``load(Model, id, action)``, ``admit(row, action)`` and ``@requires(action)``
  turn the policy (``core/policy.py``) into answers — 404 when the row does not exist or is
  not the person's to see, 403 when they see it but may not do that;
- :mod:`.errors`: every error in the site's own clothes (an HTML page in the visitor's
  language, JSON for the API, plain text for feeds); a database that does not answer is 503
  with ``Retry-After``, or the last answer served at that address marked stale;
- :mod:`.request_checks`: ids beyond the database's integer range are 404, NUL characters in
  the address or a form 400, before any view runs;
- :mod:`.headers`: the security headers every answer carries (CSP without inline scripts);
- :mod:`.conflicts`: stale forms and the conflict page (409);
- :mod:`.nav`: the links (and counts) features add to the page header.

It belongs to the ground: it imports no feature, and features import it.
"""

from __future__ import annotations

from flask import Flask

from .headers import security_headers

__all__ = ["init_app", "security_headers"]


def init_app(app: Flask) -> None:
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout
    from werkzeug.exceptions import HTTPException

    from ..core.database import DatabaseUnavailableError
    from .errors import handle_database_unavailable, handle_http_exception, not_while_down
    from .headers import BaselineHeaders, add_security_headers
    from .request_checks import ids_within_database_range, refuse_nul_bytes

    app.register_error_handler(HTTPException, handle_http_exception)
    for error in (OperationalError, PoolTimeout, DatabaseUnavailableError):
        app.register_error_handler(error, handle_database_unavailable)
    app.before_request_funcs.setdefault(None, []).insert(0, not_while_down)
    app.url_value_preprocessor(ids_within_database_range)
    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)
    # Answers made before Flask (the public feeds' fast path) get the baseline headers here.
    app.wsgi_app = BaselineHeaders(app.wsgi_app)
