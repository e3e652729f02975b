"""The open events API and the machine-readable public pieces.

``GET /api/events`` (filters, keyset cursor, ETag/304, CORS), ``GET /api/events/<id>``,
``GET /events/<id>.ics`` (one public event as an iCalendar file, built by the feeds'
builder), ``GET /api/openapi.json`` (OpenAPI 3.1 for both and ``/api/indicators``),
``GET /robots.txt`` and ``GET /sitemap.xml``. Public events only: an event whose series is
not public (internal meetings, imported events marked private upstream) never appears.
"""

from __future__ import annotations


def init_app(app) -> None:
    from flask.sessions import SecureCookieSessionInterface

    from ..core.fastpath import install
    from ..feeds.signals import watch_commits
    from .fastpath import ApiFastPath

    fast = ApiFastPath(
        ttl=float(app.config["API_FINGERPRINT_TTL"]),
        size=int(app.config["API_FAST_PATH_SIZE"]),
        tz=app.config["TIMEZONE"],
    )
    app.extensions["publicapi.fastpath"] = fast
    install(app, fast.hot_for, stale=fast.stale_for)
    watch_commits(app, fast.forget)
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = _sessionless_api()


def _sessionless_api():
    """Flask's cookie session, not saved for the open API's answers: they depend on no
    cookie, so they carry neither Set-Cookie nor ``Vary: Cookie`` (which the session adds
    whenever anything, such as the locale selector, reads it) and every answer, from the view
    or from the fast path, says ``Vary: Accept-Language`` alone."""
    from flask import request
    from flask.sessions import SecureCookieSessionInterface

    from .views import SESSIONLESS

    class SessionlessApi(SecureCookieSessionInterface):
        def save_session(self, app, session, response) -> None:
            if request.environ.get(SESSIONLESS):
                return
            super().save_session(app, session, response)

    return SessionlessApi()
