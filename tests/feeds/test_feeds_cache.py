"""The feed cache builds a missing feed once, however many requests want it at once."""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, date, datetime

from scheduler.feeds.service import FeedCache, FeedRequest, Fingerprint, RenderedFeed

REQUEST = FeedRequest(kind="org", value="tartu", start=date(2024, 1, 1), end=date(2025, 1, 1))
PRINT = Fingerprint(count=3, last_change=datetime(2024, 5, 1, tzinfo=UTC), sequences=0,
                    series_revisions=1)  # fmt: skip
CLIENTS = 8


class CountingCache(FeedCache):
    """Counts misses; ``all_missed`` is set once ``expected_misses`` lookups have missed."""

    misses = 0
    expected_misses = CLIENTS + 1

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.all_missed = threading.Event()

    def get(self, request, print_):
        found = super().get(request, print_)
        if found is None:
            with self._lock:
                self.misses += 1
                if self.misses >= self.expected_misses:
                    self.all_missed.set()
        return found


def test_simultaneous_requests_for_a_missing_feed_build_it_once():
    cache = CountingCache()
    builds = []

    def render(request, print_):
        builds.append(request)
        # hold the build until every client has looked and missed: without the
        # single-flight each of them would now build the feed too
        cache.all_missed.wait(timeout=10)
        return RenderedFeed(b"BEGIN:VCALENDAR", b"", "e", "e-gz", PRINT.last_modified, 0)

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_render(REQUEST, PRINT, render)))
        for _ in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    assert len(results) == CLIENTS and len({id(feed) for feed in results}) == 1
    assert cache.get(REQUEST, PRINT) is results[0]


def test_a_failed_build_is_retried_by_the_next_request():
    cache = FeedCache()
    attempts = []

    def failing(request, print_):
        attempts.append(1)
        raise RuntimeError("database went away")

    for _ in range(2):
        with contextlib.suppress(RuntimeError):
            cache.get_or_render(REQUEST, PRINT, failing)
    assert len(attempts) == 2
    assert cache._building == {}
