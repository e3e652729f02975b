"""The addresses a person copies into a calendar client."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from flask import current_app, url_for


@dataclass(frozen=True)
class FeedLinks:
    https: str
    webcal: str
    google: str


def links_for(endpoint: str, **values) -> FeedLinks:
    path = url_for(endpoint, **values)
    base = urlsplit(current_app.config["BASE_URL"])
    https = urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + path, "", ""))
    webcal = urlunsplit(("webcal", base.netloc, base.path.rstrip("/") + path, "", ""))
    google = "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe="")
    return FeedLinks(https=https, webcal=webcal, google=google)


def news_feeds(org_slug: str | None, language: str) -> list[tuple[str, str, str]]:
    """(MIME type, name, address) of the RSS and Atom news feeds, in ``language``, of one
    organisation's events or of all."""
    args = {"lang": language, **({"org": org_slug} if org_slug else {})}
    return [
        ("application/rss+xml", "RSS", url_for("feeds.news", format_="rss", **args)),
        ("application/atom+xml", "Atom", url_for("feeds.news", format_="atom", **args)),
    ]
