"""Answering hot GET requests from memory, before Flask: the shared WSGI layer.

A feature that can tell, from the request's environ alone, that it already knows the answer
(the public feeds, the open API's 304s) registers a ``lookup(environ)`` with :func:`install`.
A lookup returns an object with ``respond(environ, start_response, *, head)`` or None; a
``respond`` that returns None declines (the request goes to Flask after all). Entries live in
a :class:`HotAnswers` store with an expiry each, and are dropped at once when the feature's
data changes (``clear``). Only GET and HEAD are looked up; everything else goes to Flask.

A Flask view may ask for its answer to be remembered: :func:`remember_answer` puts a
callback in the environ, called with the status and the final headers (after every
``after_request``) when the app starts its response. The layer sits inside the security
headers' and the request log's middleware, so its answers are logged and get the baseline
headers like any other.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

REMEMBER = "scheduler.fastpath.remember"


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

    def get(self, key):
        found = self._answers.get(key)
        if found is not None and time.monotonic() < found.expires:
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

        return self.wsgi_app(environ, start)


def install(app, lookup: Callable) -> FastPath:
    """Add ``lookup`` to the app's fast path, wrapping ``app.wsgi_app`` the first time."""
    fast = app.extensions.get("fastpath")
    if fast is None:
        fast = app.extensions["fastpath"] = FastPath(app.wsgi_app)
        app.wsgi_app = fast
    fast.lookups.append(lookup)
    return fast


def remember_answer(environ, callback: Callable[[str, list], None]) -> None:
    """Have ``callback(status, headers)`` called with this request's final answer."""
    environ[REMEMBER] = callback
