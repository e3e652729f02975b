"""``/robots.txt`` and ``/sitemap.xml``: what search engines may read, and the public pages."""

from __future__ import annotations

from datetime import UTC, timedelta
from xml.sax.saxutils import escape

from dateutil.relativedelta import relativedelta
from flask import current_app, url_for

from ..events import queries

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"  # hreflang alternates in a sitemap (as Google reads)
SITEMAP_MAX_URLS = 50_000  # the sitemap protocol's limit for one file
PUBLIC_FEED_KINDS = ("all.ics", "org/", "activity/", "type/", "lang/")


def robots_txt(base_url: str) -> str:
    """Private feed links (``/feeds/<token>/…``), follow-up and opt-out links, accounts and
    the API stay out; the public feeds, the feeds page and every other page are allowed.
    The longest matching rule wins (RFC 9309), so the ``Allow`` lines under ``/feeds/``
    open exactly the public feeds."""
    feeds = url_for("feeds.index")
    reminders = url_for("reminders.index")
    lines = ["User-agent: *", f"Allow: {feeds}$"]
    lines += [f"Allow: {feeds}{kind}" for kind in PUBLIC_FEED_KINDS]
    lines += [
        f"Disallow: {feeds}",
        f"Disallow: {reminders}",
        "Disallow: /account/",
        "Disallow: /api/",
        "Allow: /",
        "",
        f"Sitemap: {base_url}{url_for('publicapi.sitemap')}",
    ]
    return "\n".join(lines) + "\n"


def sitemap_window():
    config = current_app.config
    today = queries.local_today()
    return (
        today - timedelta(days=config["SITEMAP_DAYS_BACK"]),
        today + relativedelta(months=config["SITEMAP_MONTHS_AHEAD"]),
    )


def sitemap_xml(base_url: str) -> bytes:
    """The home, feeds and city pages, then public event pages starting within the window
    (SITEMAP_DAYS_BACK … SITEMAP_MONTHS_AHEAD), at most the protocol's 50,000 URLs; each with
    its page in every configured language as an hreflang alternate (``?lang=``), and the
    address without one as the x-default, as the pages' own ``<link rel=alternate>`` say."""
    start, end = sitemap_window()
    pages = [(base_url + url_for("events.index"), None), (base_url + url_for("feeds.index"), None)]
    pages += [(base_url + url_for("public.city", slug=slug), None) for slug in queries.city_slugs()]
    rows = queries.sitemap_rows(start, end, SITEMAP_MAX_URLS - len(pages))
    pages += [
        (base_url + url_for("events.detail", event_id=event_id), changed)
        for event_id, changed in rows
    ]
    languages = current_app.config["LANGUAGES"]
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n',
    ]
    for location, changed in pages:
        parts.append(f"<url><loc>{escape(location)}</loc>")
        for code in languages:
            address = escape(f"{location}?lang={code}", {'"': "&quot;"})
            parts.append(f'<xhtml:link rel="alternate" hreflang="{code}" href="{address}"/>')
        default = escape(location, {'"': "&quot;"})
        parts.append(f'<xhtml:link rel="alternate" hreflang="x-default" href="{default}"/>')
        if changed is not None:
            stamp = changed.astimezone(UTC).replace(microsecond=0).isoformat()
            parts.append(f"<lastmod>{stamp.replace('+00:00', 'Z')}</lastmod>")
        parts.append("</url>\n")
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8")
