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


def _header_links(client) -> set[str]:
    import re

    page = client.get("/?lang=en").get_data(as_text=True)
    bar = re.search(r'class="main-links".*?</nav>', page, re.S).group(0)
    return set(re.findall(r'<a href="([^"]+)"', bar))


STAFF = {"/calendars/", "/plans/", "/reminders/", "/translations"}


def test_a_visitor_sees_only_links_a_visitor_can_use(app, client):
    links = _header_links(client)
    assert {"/", "/feeds/", "/indicators/"} <= links
    assert not links & STAFF


def test_staff_see_the_links_their_role_can_use(app, client):
    from scheduler.accounts.models import Role
    from tests.factories import make_org
    from tests.support.people import signed_in_as

    make_org("tartu")
    signed_in_as(client, Role.ORGANISER, "tartu")
    assert _header_links(client) & STAFF == {"/plans/"}
    signed_in_as(client, Role.COORDINATOR, "tartu")
    assert _header_links(client) & STAFF == STAFF
