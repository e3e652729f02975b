"""The shared fast path: remembered answers before the app, for GET and HEAD only."""

from __future__ import annotations

import time

from scheduler.core.fastpath import FastPath, HotAnswers, remember_answer


class Hot:
    def __init__(self, answer: bool = True) -> None:
        self.expires = time.monotonic() + 60
        self.answer = answer

    def respond(self, environ, start_response, *, head):
        if not self.answer:
            return None
        start_response("304 Not Modified", [("ETag", '"x"')])
        return []


def _app(calls):
    def app(environ, start_response):
        calls.append(environ["REQUEST_METHOD"])
        start_response("200 OK", [("ETag", '"y"')])
        return [b"body"]

    return app


def _call(fast, method):
    seen = []
    body = fast({"REQUEST_METHOD": method}, lambda status, headers, e=None: seen.append(status))
    return seen[0], b"".join(body)


def test_only_get_and_head_are_answered_from_memory():
    calls = []
    fast = FastPath(_app(calls))
    fast.lookups.append(lambda environ: Hot())
    assert _call(fast, "GET") == ("304 Not Modified", b"")
    assert _call(fast, "HEAD") == ("304 Not Modified", b"")
    for method in ("POST", "OPTIONS", "DELETE"):
        assert _call(fast, method) == ("200 OK", b"body")
    assert calls == ["POST", "OPTIONS", "DELETE"]


def test_a_declining_answer_goes_to_the_app_which_may_have_its_answer_remembered():
    calls, remembered = [], []
    fast = FastPath(_app(calls))
    fast.lookups.append(lambda environ: Hot(answer=False))

    def app(environ, start_response):
        remember_answer(environ, lambda status, headers: remembered.append((status, headers)))
        return _app(calls)(environ, start_response)

    fast.wsgi_app = app
    assert _call(fast, "GET") == ("200 OK", b"body")
    assert remembered == [("200 OK", [("ETag", '"y"')])]


def test_an_answer_made_before_a_clear_is_not_kept():
    answers = HotAnswers(size=2)
    before = answers.generation
    answers.put("a", Hot(), generation=before)
    assert answers.get("a") is not None
    answers.clear()
    answers.put("b", Hot(), generation=before)
    assert answers.get("a") is None and answers.get("b") is None
    expired = Hot()
    expired.expires = time.monotonic() - 1
    answers.put("c", expired)
    assert answers.get("c") is None
