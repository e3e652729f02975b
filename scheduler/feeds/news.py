"""RSS 2.0 and Atom 1.0 documents of upcoming events, for websites and social tools that read
news feeds rather than calendars. Pure: shown events in, bytes out.

Each item is one occurrence as the one presentation (``events.presentation``) has it in the
feed's language. Its identity is the occurrence's UID, which it keeps for life, written as a
``tag:`` URI (RFC 4151) because Atom wants an IRI; its updated time is the latest change of
the occurrence or its series, so that a reader shows a moved or cancelled event again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import quote

from feedgenerator import Atom1Feed, Rss201rev2Feed

from ..events import presentation as show

FORMATS = {"rss": Rss201rev2Feed, "atom": Atom1Feed}
MIMETYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
# The year in a tag: URI only has to be one in which its authority owned the name.
TAG_YEAR = 2023
# Characters RFC 3986 allows unescaped in a tag's specific part (pchar, "/", "?").
_TAG_SAFE = "-._~!$&'()*+,;=:@/?"


@dataclass(frozen=True)
class NewsItem:
    shown: show.Shown
    updated: datetime  # aware: the latest change of the occurrence or its series


@dataclass(frozen=True)
class NewsFeed:
    title: str
    description: str
    language: str
    home_url: str  # the public page these events come from
    feed_url: str  # this document's own address
    domain: str  # the authority of the items' tag: URIs (the UID domain)


def item_id(uid: str, domain: str) -> str:
    """A stable IRI for an occurrence: ``tag:<domain>,2023:<uid>``."""
    return f"tag:{domain},{TAG_YEAR}:{quote(uid, safe=_TAG_SAFE)}"


def summary_html(shown: show.Shown, texts: Callable[[show.Shown], list[str]]) -> str:
    """The item's summary: one paragraph per line ``texts`` gives, each escaped."""
    return "".join(f"<p>{escape(line)}</p>" for line in texts(shown) if line)


def news_document(
    feed: NewsFeed,
    items: Iterable[NewsItem],
    *,
    format_: str,
    texts: Callable[[show.Shown], list[str]],
) -> bytes:
    """The feed in ``format_`` (``rss`` or ``atom``); ``texts`` gives the lines of an item's
    summary in the feed's language (when, where, status)."""
    document = FORMATS[format_](
        title=feed.title,
        link=feed.home_url,
        description=feed.description,
        language=feed.language,
        feed_url=feed.feed_url,
        feed_guid=feed.feed_url,
    )
    for item in items:
        shown = item.shown
        document.add_item(
            title=shown.title.value,
            link=shown.url,
            description=summary_html(shown, texts),
            unique_id=item_id(shown.uid, feed.domain),
            unique_id_is_permalink=False,
            # RSS has one date an item carries; Atom's <published> would be the first one
            pubdate=item.updated if format_ == "rss" else None,
            updateddate=item.updated,
            categories=[shown.status],
        )
    return document.writeString("utf-8").encode("utf-8")
