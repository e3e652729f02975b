"""iCalendar feeds: public and token-protected .ics subscriptions of the event rows."""

from __future__ import annotations

from ..events.uids import event_uid, occurrence_uid, series_uid

__all__ = ["event_uid", "init_app", "occurrence_uid", "series_uid"]


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..core.fastpath import install
    from ..web.nav import add_nav_link
    from .service import FeedCache
    from .signals import watch_commits

    cache = FeedCache(
        size=int(app.config["FEEDS_CACHE_SIZE"]),
        fingerprint_ttl=float(app.config["FEEDS_FINGERPRINT_TTL"]),
    )
    app.extensions["feeds.cache"] = cache
    install(app, cache.hot_for, stale=cache.stale_for)
    watch_commits(app, cache.forget_fingerprints)
    add_nav_link(app, "feeds.index", _l("Calendar feeds"))
