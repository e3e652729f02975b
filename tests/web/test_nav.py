"""Header counts: the navigation is drawn twice (phone menu and wide bar), counted once."""

from __future__ import annotations

from scheduler.web.nav import add_nav_link


def test_a_header_count_is_computed_once_per_page_and_anew_for_the_next(app, client):
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return len(calls)

    add_nav_link(app, "feeds.index", "Counted", count=count)
    first = client.get("/feeds/").get_data(as_text=True)
    assert len(calls) == 1
    assert first.count('Counted <span class="count">1</span>') == 2  # both navigations show it
    second = client.get("/feeds/").get_data(as_text=True)
    assert len(calls) == 2
    assert second.count('Counted <span class="count">2</span>') == 2
