"""Answering ``If-None-Match`` on the open API from memory, before Flask.

Scripts and widgets poll ``/api/events`` (and ``/api/events/<id>``) with the ETag they
already have. When the Flask view answers such an address, the ETag and the answer's final
headers (CORS, Cache-Control, Vary, security headers…) are remembered per address (path and
query string, ``hl`` included) and ``Accept-Language`` (the page language is negotiated from
it, so two languages never share an entry). A later GET or HEAD to the same address, with the
same ``Accept-Language``, whose ``If-None-Match`` matches the remembered ETag is answered
``304 Not Modified`` with the same headers straight from the WSGI layer
(``scheduler/core/fastpath.py``): no request context, no session, no Babel, no database.
Anything else (a first request, another ETag, no If-None-Match, an expired entry, other
methods) goes to Flask unchanged.

Staleness is bounded exactly as for the public feeds: an entry lives at most
API_FINGERPRINT_TTL seconds (default 2) from the moment the view began, and never past the
next local midnight (the default window starts today), and every entry is forgotten as soon
as this process commits a change to events or series (``feeds/signals.py``). A change made
by another process or directly in the database can therefore go unseen for at most
API_FINGERPRINT_TTL seconds, during which a client holding the old ETag keeps getting 304s.
An answer whose view began before such a commit is never remembered.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from werkzeug.http import parse_etags

from ..core.fastpath import HotAnswers, keep_body, remember_answer
from ..core.time import local_midnight, zone

# What a 304 leaves out of the headers of a full answer (werkzeug does the same).
_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding"})


class HotEtag:
    """A served answer's ETag and the headers of its 304, valid until ``expires``."""

    __slots__ = ("etag", "expires", "headers")

    def __init__(self, etag: str, headers: tuple[tuple[str, str], ...], expires: float) -> None:
        self.etag = etag.strip('"')
        self.headers = headers
        self.expires = expires

    def respond(self, environ, start_response, *, head: bool):
        if not parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(self.etag):
            return None  # Flask answers (a 200 with the new representation)
        start_response("304 Not Modified", list(self.headers))
        return []


class StaleAnswer:
    """A served 200 with its body, kept to be served marked stale while the database does not
    answer (``errors``): a 304 to a client holding its ETag, else the whole answer."""

    __slots__ = ("body", "etag", "expires", "headers")

    def __init__(self, body: bytes, headers: tuple[tuple[str, str], ...], etag: str) -> None:
        self.body = body
        self.headers = headers
        self.etag = etag.strip('"')
        self.expires = 0.0  # never fresh: only ever looked up as stale

    def respond(self, environ, start_response, *, head: bool):
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(self.etag):
            headers = [(k, v) for k, v in self.headers if k.lower() not in _BODY_HEADERS]
            start_response("304 Not Modified", headers)
            return []
        start_response("200 OK", [*self.headers, ("Content-Length", str(len(self.body)))])
        return [] if head else [self.body]


def fast_path_key(environ) -> tuple[str, str, str]:
    return (
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT_LANGUAGE", ""),
    )


class ApiFastPath:
    """The remembered API answers of this process."""

    def __init__(self, *, ttl: float, size: int, tz: str) -> None:
        self.ttl = ttl
        self.tz = tz
        self.answers = HotAnswers(size)
        self.bodies = HotAnswers(max(1, size // 8))  # whole answers, for outages only

    def hot_for(self, environ) -> HotEtag | None:
        if "HTTP_IF_NONE_MATCH" not in environ:
            return None
        return self.answers.get(fast_path_key(environ))

    def stale_for(self, environ) -> StaleAnswer | HotEtag | None:
        """The last answer at this address, however old (served while the database is down)."""
        key = fast_path_key(environ)
        return self.bodies.get(key, stale=True) or self.answers.get(key, stale=True)

    def forget(self) -> None:
        self.answers.clear()
        self.bodies.clear()

    def lifetime(self, now: datetime) -> float:
        """Seconds an answer begun at ``now`` (aware) may be trusted: the TTL, but never past
        the next local midnight, when the default window moves on a day."""
        now = now.astimezone(zone(self.tz))
        midnight = local_midnight(now.date() + timedelta(days=1), self.tz)
        return min(self.ttl, (midnight - now).total_seconds())

    def remember(self, environ) -> None:
        """Called by a view before it reads anything: remember this request's answer, if it
        is a 200 or a 304 with an ETag, until the TTL or local midnight, whichever is first,
        unless events or series change in this process meanwhile."""
        if self.ttl <= 0:
            return
        expires = time.monotonic() + self.lifetime(datetime.now(zone(self.tz)))
        generation = self.answers.generation
        key = fast_path_key(environ)

        def keep(status: str, headers: list[tuple[str, str]]) -> None:
            if not status.startswith(("200", "304")):
                return
            kept = tuple((k, v) for k, v in headers if k.lower() not in _BODY_HEADERS)
            names = {k.lower(): v for k, v in kept}
            if "etag" not in names or "set-cookie" in names:
                return
            hot = HotEtag(names["etag"], kept, expires)
            self.answers.put(key, hot, generation=generation)
            if status.startswith("200") and environ.get("REQUEST_METHOD") == "GET":
                whole = tuple((k, v) for k, v in headers if k.lower() != "content-length")
                keep_body(
                    environ,
                    lambda body: self.bodies.put(
                        key, StaleAnswer(body, whole, names["etag"]), generation=generation
                    ),
                )

        remember_answer(environ, keep)
