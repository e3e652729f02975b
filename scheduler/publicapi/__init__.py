"""The open events API and the machine-readable public pieces.

``GET /api/events`` (filters, keyset cursor, ETag/304, CORS), ``GET /api/events/<id>``,
``GET /events/<id>.ics`` (one public event as an iCalendar file, built by the feeds'
builder), ``GET /api/openapi.json`` (OpenAPI 3.1 for both and ``/api/indicators``),
``GET /robots.txt`` and ``GET /sitemap.xml``. Public events only: an event whose series is
not public (internal meetings, imported events marked private upstream) never appears.
"""

from __future__ import annotations

import os

DEFAULTS = {
    "API_FINGERPRINT_TTL": 2.0,  # seconds a served ETag answers 304s before Flask (fastpath.py)
    "API_FAST_PATH_SIZE": 256,  # remembered (address, language) entries per process
}


def init_app(app) -> None:
    from ..core.fastpath import install
    from ..feeds.signals import watch_commits
    from .fastpath import ApiFastPath

    for name, default in DEFAULTS.items():
        raw = os.environ.get(name)
        app.config.setdefault(name, type(default)(raw) if raw is not None else default)
    fast = ApiFastPath(
        ttl=float(app.config["API_FINGERPRINT_TTL"]),
        size=int(app.config["API_FAST_PATH_SIZE"]),
        tz=app.config.get("TIMEZONE", "Europe/Tallinn"),
    )
    app.extensions["publicapi.fastpath"] = fast
    install(app, fast.hot_for)
    watch_commits(app, fast.forget)
