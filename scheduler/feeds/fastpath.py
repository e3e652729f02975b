"""Answering a public feed request from memory, before Flask, while its revision is known.

Calendar clients poll the same few addresses over and over. Once the Flask view has served
a public feed, its address (path and query string) maps to the rendered feed and its
headers until the feed's fingerprint expires (FEEDS_FINGERPRINT_TTL) or this process
commits a change to events or series, exactly as long as the view itself would reuse them.
Within that time a request costs a dict look-up and the conditional checks below: no
request object, no session, no database. Everything else (a first request, an expired
revision, private links, other methods) goes to Flask as usual. The WSGI layer itself is
shared with the open API (``scheduler/core/fastpath.py``); this module says what a hot feed
answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from werkzeug.datastructures import ETags
from werkzeug.http import parse_accept_header, parse_date, parse_etags

CALENDAR_MIMETYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class Conditions:
    """What a request asks about the feed it already has, and whether it takes gzip."""

    if_none_match: ETags
    if_modified_since: datetime | None
    wants_gzip: bool

    @classmethod
    def of(cls, environ) -> Conditions:
        return cls(
            if_none_match=parse_etags(environ.get("HTTP_IF_NONE_MATCH")),
            if_modified_since=parse_date(environ.get("HTTP_IF_MODIFIED_SINCE")),
            wants_gzip=parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING"))["gzip"] > 0,
        )

    def unchanged_since(self, last_modified: datetime) -> bool:
        """If-Modified-Since answers 304 before any feed is built (If-None-Match wins)."""
        since = self.if_modified_since
        return not self.if_none_match and since is not None and last_modified <= since

    def answer(self, feed) -> tuple[int, dict[str, str], bytes]:
        """Status, the headers that depend on the representation, and the body."""
        body, etag = (feed.gzipped, feed.gzip_etag) if self.wants_gzip else (feed.body, feed.etag)
        headers = {"ETag": f'"{etag}"'}
        if self.if_none_match and (
            self.if_none_match.contains(feed.etag) or self.if_none_match.contains(feed.gzip_etag)
        ):
            return 304, headers, b""
        if self.wants_gzip:
            headers["Content-Encoding"] = "gzip"
        return 200, headers, body


@dataclass(frozen=True)
class HotFeed:
    """A served public feed with its common headers, valid until ``expires`` (monotonic)."""

    feed: object  # service.RenderedFeed
    headers: tuple[tuple[str, str], ...]
    expires: float

    def respond(self, environ, start_response, *, head: bool):
        conditions = Conditions.of(environ)
        if conditions.unchanged_since(self.feed.last_modified):
            status, extra, body = 304, {}, b""
        else:
            status, extra, body = conditions.answer(self.feed)
        headers = [*self.headers, *extra.items()]
        if status == 200:
            headers += [("Content-Type", CALENDAR_MIMETYPE), ("Content-Length", str(len(body)))]
            start_response("200 OK", headers)
        else:
            start_response("304 Not Modified", headers)
        return [] if head or status != 200 else [body]


def fast_path_key(environ) -> tuple[str, str]:
    return environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
