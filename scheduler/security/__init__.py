"""Security headers on every answer, and the instance's secret key (secret_key.py).

Pages get a Content-Security-Policy without inline scripts or styles and may not be framed;
every answer gets ``nosniff`` and ``Referrer-Policy: same-origin`` so that private feed and
follow-up tokens in URLs never leave in a Referer. A view that needs another policy (a page
meant to be embedded elsewhere) sets its own headers, with :func:`headers.security_headers`
or on the response; those are left alone.
"""

from __future__ import annotations

from .headers import security_headers

__all__ = ["init_app", "security_headers"]


def init_app(app) -> None:
    from .headers import BaselineHeaders, add_security_headers

    app.after_request(add_security_headers)
    # Answers made before Flask (the public feeds' fast path) get the baseline headers here.
    app.wsgi_app = BaselineHeaders(app.wsgi_app)
