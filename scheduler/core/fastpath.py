"""Answering hot GET requests from memory, before Flask: the shared WSGI layer.

A feature that can tell, from the request's environ alone, that it already knows the answer
(the public feeds, the open API's 304s) registers a ``lookup(environ)`` with :func:`install`.
A lookup returns an object with ``respond(environ, start_response, *, head)`` or None; a
``respond`` that returns None declines (the request goes to Flask after all). Entries live in
a :class:`HotAnswers` store with an expiry each, and are dropped at once when the feature's
data changes (``clear``). Only GET and HEAD are looked up; everything else goes to Flask.

A Flask view may ask for its answer to be remembered: :func:`remember_answer` puts a
callback in the environ, called with the status and the final headers (after every
``after_request``) when the app starts its response (and :func:`keep_body` one with its
body). While the database does not answer, :func:`stale_answer` finds what was last
answered for an address, however old, so that it can be served marked stale. The layer sits
inside the security headers' and the request log's middleware, so its answers are logged and
get the baseline headers like any other.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

REMEMBER = "scheduler.fastpath.remember"
KEEP_BODY = "scheduler.fastpath.keep_body"


class HotAnswers:
    """Answers by key, each with an ``expires`` (``time.monotonic``) attribute, at most
    ``4 × size`` at a time (then all are forgotten). ``generation`` counts the ``clear``s: an
    answer computed before a clear is refused by :meth:`put`."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self.generation = 0
        self._answers: dict = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key, *, stale: bool = False):
        """The answer for ``key`` while it is fresh; with ``stale``, also once expired (until
        the data changes in this process or the store overflows)."""
        found = self._answers.get(key)
        if found is not None and (stale or time.monotonic() < found.expires):
            return found
        return None

    def put(self, key, answer, *, generation: int | None = None) -> None:
        with self._lock:
            if generation is not None and generation != self.generation:
                return  # the data changed while the answer was being made
            if len(self._answers) > self.size * 4:
                self._answers.clear()
            self._answers[key] = answer

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._answers.clear()


class FastPath:
    """WSGI middleware: the first registered lookup that answers, else the app."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app
        self.lookups: list[Callable] = []
        self.stale_lookups: list[Callable] = []

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method != "GET" and method != "HEAD":
            return self.wsgi_app(environ, start_response)
        for lookup in self.lookups:
            hot = lookup(environ)
            if hot is not None:
                body = hot.respond(environ, start_response, head=method == "HEAD")
                if body is not None:
                    return body

        def start(status, headers, exc_info=None):
            remember = environ.pop(REMEMBER, None)
            if remember is not None and exc_info is None:
                remember(status, headers)
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, start)
        keep_body = environ.pop(KEEP_BODY, None)
        if keep_body is None:
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        keep_body(body)
        return [body]

    def stale(self, environ):
        """A remembered answer for this request however old, for when the database does
        not answer: ``(status, headers, body)`` or None."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        for lookup in self.stale_lookups:
            hot = lookup(environ)
            answer = None if hot is None else _captured(hot, environ)
            if answer is not None:
                return answer
        return None


def _captured(hot, environ):
    started: list = []

    def start_response(status, headers, exc_info=None):
        started.extend((status, headers))

    body = hot.respond(environ, start_response, head=environ.get("REQUEST_METHOD") == "HEAD")
    return None if body is None or not started else (started[0], started[1], b"".join(body))


def install(app, lookup: Callable, *, stale: Callable | None = None) -> FastPath:
    """Add ``lookup`` to the app's fast path, wrapping ``app.wsgi_app`` the first time;
    ``stale(environ)`` finds an expired answer to serve while the database is unavailable."""
    fast = app.extensions.get("fastpath")
    if fast is None:
        fast = app.extensions["fastpath"] = FastPath(app.wsgi_app)
        app.wsgi_app = fast
    fast.lookups.append(lookup)
    if stale is not None:
        fast.stale_lookups.append(stale)
    return fast


def stale_answer(app, environ):
    """What the fast path last answered for this request, however old, or None."""
    fast = app.extensions.get("fastpath")
    return None if fast is None else fast.stale(environ)


def keep_body(environ, callback: Callable[[bytes], None]) -> None:
    """Have ``callback(body)`` called with this request's whole body (small answers only)."""
    environ[KEEP_BODY] = callback


def remember_answer(environ, callback: Callable[[str, list], None]) -> None:
    """Have ``callback(status, headers)`` called with this request's final answer."""
    environ[REMEMBER] = callback
