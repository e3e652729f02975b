"""iCalendar feeds: public and token-protected .ics subscriptions of the event rows."""

from __future__ import annotations

import os

from .uids import event_uid, occurrence_uid, series_uid

__all__ = ["event_uid", "init_app", "occurrence_uid", "series_uid"]

DEFAULTS = {
    "FEEDS_DAYS_BACK": 90,
    "FEEDS_MONTHS_AHEAD": 18,
    # REFRESH-INTERVAL / X-PUBLISHED-TTL; Google ignores it and polls every 8-24 h anyway.
    "FEEDS_REFRESH_SECONDS": 3 * 3600,
    "FEEDS_MAX_AGE": 900,  # Cache-Control max-age of a feed response
    "FEEDS_CACHE_SIZE": 128,  # rendered feeds kept per process
    "FEEDS_FINGERPRINT_TTL": 2.0,  # seconds a feed's revision check is reused
}


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..core.fastpath import install
    from ..core.web import add_nav_link
    from .service import FeedCache
    from .signals import watch_commits

    for name, default in DEFAULTS.items():
        raw = os.environ.get(name)
        app.config.setdefault(name, type(default)(raw) if raw is not None else default)
    cache = FeedCache(
        size=int(app.config["FEEDS_CACHE_SIZE"]),
        fingerprint_ttl=float(app.config["FEEDS_FINGERPRINT_TTL"]),
    )
    app.extensions["feeds.cache"] = cache
    install(app, cache.hot_for)
    watch_commits(app, cache.forget_fingerprints)
    add_nav_link(app, "feeds.index", _l("Calendar feeds"))
