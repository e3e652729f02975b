"""The calendar views: agenda (the default), week and month, filters as bookmarkable URLs."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from scheduler.accounts.models import Role
from scheduler.events.models import Event, EventStatus, Series
from scheduler.extensions import db
from scheduler.feeds.models import issue_token
from tests.support.people import person, signed_in


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _event_series(page: str) -> list[str]:
    return re.findall(r'<li class="event [^"]*" data-series="([^"]+)"', page)


def _days(page: str) -> list[str]:
    return re.findall(r'<h2 class="day[^"]*"[^>]*><time datetime="([^"]+)"', page)


def test_the_agenda_is_the_home_page_and_lists_upcoming_events_by_day(plan_2024, client):
    page = _page(client, "/?date=2024-03-11&lang=en")
    days = _days(page)
    assert days[0] == "2024-03-11" and days == sorted(days)
    assert all("2024-03-11" <= d <= "2024-04-07" for d in days), "four weeks from the date"
    assert "Social-interaction club (in Estonian)" in page
    assert "2024-tartu-club-et" in _event_series(page)


def test_the_week_view_shows_monday_to_sunday_of_the_dates_week(plan_2024, client):
    page = _page(client, "/?view=week&date=2024-03-13&org=tartu&lang=en")
    assert _days(page) == [f"2024-03-{d}" for d in range(11, 18)]
    assert _event_series(page) == [
        "2024-tartu-counselling",
        "2024-tartu-club-et",
        "2024-tartu-club-en",
    ], "public Tartu events of 11–17 March 2024, in time order"


def test_the_month_view_is_a_grid_of_the_months_weeks_with_links_to_each_days_agenda(
    plan_2024, client
):
    page = _page(client, "/?view=month&date=2024-03-20&org=tartu&lang=en")
    assert 'role="grid"' in page and "<caption" in page
    cells = re.findall(r'role="gridcell"[^>]*data-date="([^"]+)"', page)
    assert cells[0] == "2024-02-26" and cells[-1] == "2024-03-31" and len(cells) == 35
    assert 'href="/?date=2024-03-12&amp;org=tartu"' in page, "a day opens its agenda"
    assert 'href="/?view=month&amp;date=2024-04-01&amp;org=tartu" rel="next"' in page
    assert 'href="/?view=month&amp;date=2024-02-01&amp;org=tartu" rel="prev"' in page
    assert "Social-interaction club (in English)" in page


def test_a_month_entry_tells_its_time_whole_title_and_organisation(plan_2024, client):
    """Two 17:30 clubs on one day are told apart: the title is not cut to one line, the
    organisation follows, and the whole of it is the link's title (hover) as well."""
    page = _page(client, "/?view=month&date=2024-03-20&lang=en")
    entries = re.findall(
        r'<li class="status-[^"]*" data-series="[^"]+"><a [^>]*>.*?</a></li>', page
    )
    assert entries
    first = entries[0]
    hover = unescape(re.search(r'title="([^"]+)"', first).group(1))
    time, title, org = (
        re.search(rf'<span class="{name}"[^>]*>([^<]+)</span>', first).group(1)
        for name in ("time", "title", "org")
    )
    assert hover == f"{time} {unescape(title)} · {unescape(org)}"
    assert any("Tartu" in entry and 'class="org"' in entry for entry in entries)


def test_today_is_marked_in_every_view(plan_2024, client):
    for view in ("agenda", "week", "month"):
        page = _page(client, f"/?view={view}&lang=en")
        assert 'aria-current="date"' in page, view


def test_filters_by_type_working_language_and_activity(plan_2024, client):
    page = _page(client, "/?date=2024-03-01&type=club&language=en&lang=en")
    series = set(_event_series(page))
    assert "2024-tartu-club-en" in series and "2024-parnu-baby-club" in series
    assert "2024-tartu-club-et" not in series, "an Estonian-only club is not in English"
    assert "2024-tartu-counselling" not in series, "counselling is not a club"
    page = _page(client, "/?date=2024-03-01&activity=3.5.2.1&lang=en")
    assert set(_event_series(page)) <= {
        "2024-tartu-counselling",
        "2024-tartu-club-et",
        "2024-tartu-club-en",
        "2024-tartu-specialists-network",
    }


def test_past_events_still_planned_show_as_awaiting_outcome(plan_2024, client):
    event = db.session.scalar(
        select(Event).join(Series).where(Series.key == "2024-tartu-club-et").order_by(Event.start)
    )
    event.status = EventStatus.HELD
    event.attendance = 12
    db.session.commit()
    page = _page(client, "/?view=week&date=2024-01-01&org=tartu&lang=en")
    assert "Awaiting outcome" in page
    assert 'class="status-label">Planned<' not in page, "nothing past is shown as planned"
    assert 'class="status-label">Awaiting outcome<' in page
    assert 'class="event status-held"' in page
    awaiting = _page(client, "/?date=2024-01-01&org=tartu&status=awaiting_outcome&lang=en")
    assert "status-held" not in awaiting and "Awaiting outcome" in awaiting
    held = _page(client, "/?date=2024-01-01&org=tartu&status=held&lang=en")
    assert _event_series(held) == ["2024-tartu-club-et"]
    planned = _page(client, "/?date=2024-01-01&org=tartu&status=planned&lang=en")
    assert _event_series(planned) == [], "in 2024 every event has ended"


def test_internal_events_are_hidden_from_anonymous_visitors_and_shown_to_staff(plan_2024, client):
    internal = "2024-tallinn-loimumiskoda"
    for view in ("agenda", "week", "month"):
        url = f"/?view={view}&date=2024-03-04&org=tallinn&lang=en"
        assert internal not in _page(client, url), view
    person(Role.ADMIN, email="adviser@elvl.ee")
    signed_in(client, "adviser@elvl.ee")
    for view in ("agenda", "week", "month"):
        page = _page(client, f"/?view={view}&date=2024-03-04&org=tallinn&lang=en")
        assert f'data-series="{internal}"' in page, view
        assert "· internal</span>" in page


def test_mine_shows_the_events_the_signed_in_person_organises(plan_2024, client):
    assert client.get("/?mine=1").status_code == 302, "anonymous: sign in first"
    person(Role.ORGANISER, "tartu", email="klubi@tartu.ee")
    signed_in(client, "klubi@tartu.ee")
    page = _page(client, "/?view=week&date=2024-03-11&mine=1&lang=en")
    assert set(_event_series(page)) == {"2024-tartu-club-et", "2024-tartu-club-en"}
    assert 'name="mine" value="1" checked' in page


def test_every_view_is_a_bookmarkable_url_that_round_trips(plan_2024, client):
    person(Role.ADMIN, email="adviser@elvl.ee")
    signed_in(client, "adviser@elvl.ee")
    url = (
        "/?view=month&date=2024-03-01&org=tartu&type=club&language=et"
        "&status=awaiting_outcome&mine=1"
    )
    page = _page(client, url + "&lang=en")
    assert (
        'href="/?view=month&amp;date=2024-04-01&amp;org=tartu&amp;type=club&amp;language=et'
        '&amp;status=awaiting_outcome&amp;mine=1" rel="next"' in page
    )
    # the filter form shows the URL's choices and submits the same URL
    for selected in ('value="tartu" selected', 'value="club" selected', 'value="et" selected'):
        assert selected in page
    assert 'value="awaiting_outcome" selected' in page
    assert '<input type="hidden" name="view" value="month">' in page
    assert '<input type="date" name="date" value="2024-03-01">' in page
    views = dict(re.findall(r'<a href="([^"]+)"[^>]*>(Agenda|Week|Month)</a>', page))
    assert unescape(next(u for u, name in views.items() if name == "Week")) == url.replace(
        "view=month", "view=week"
    )
    again = _page(client, unescape(next(u for u, name in views.items() if name == "Month")))
    assert _event_series(again) == _event_series(page)


def test_the_old_year_table_stays_reachable(plan_2024, client):
    assert "<h1>Events 2024</h1>" in _page(client, "/?view=year&year=2024&lang=en")
    assert "<h1>Events 2024</h1>" in _page(client, "/?year=2024&lang=en")


@pytest.mark.parametrize(
    "query, feed",
    [
        ("", "/feeds/all.ics"),
        ("org=tartu", "/feeds/org/tartu.ics"),
        ("type=club", "/feeds/type/club.ics"),
        ("language=ru", "/feeds/lang/ru.ics"),
        ("activity=3.5.2.1.2", "/feeds/activity/3.5.2.1.2.ics"),
        ("org=tartu&type=club&activity=3.5.2.1.2", "/feeds/activity/3.5.2.1.2.ics"),
        ("org=tartu&type=club&language=et", "/feeds/org/tartu.ics"),
    ],
)
def test_the_feed_for_the_current_filter_is_one_click_away(plan_2024, client, query, feed):
    page = _page(client, f"/?view=week&date=2024-03-11&{query}")
    link = re.search(r'<a href="([^"]+)" class="feed-link"', page).group(1)
    assert link == feed
    assert client.get(link).status_code == 200


def test_the_feed_link_for_mine_leads_to_the_persons_private_links(plan_2024, client):
    user = person(Role.ORGANISER, "tartu", email="klubi@tartu.ee")
    issue_token(user, "phone")
    db.session.commit()
    signed_in(client, "klubi@tartu.ee")
    page = _page(client, "/?mine=1&lang=en")
    assert re.search(r'<a href="/feeds/" class="feed-link"', page)


@pytest.mark.parametrize(
    "query",
    ["view=day", "date=2024-13-01", "date=0001-01-01", "status=done", "org=" + "x" * 500],
)
def test_a_malformed_calendar_url_is_a_clear_400(plan_2024, client, query):
    response = client.get(f"/?{query}&lang=en")
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True)


@pytest.mark.parametrize("lang, word", [("et", "Ootab tulemust"), ("ru", "Ожидает итогов")])
def test_the_calendar_speaks_estonian_and_russian(plan_2024, client, lang, word):
    page = _page(client, f"/?view=week&date=2024-03-11&lang={lang}")
    assert word in page
