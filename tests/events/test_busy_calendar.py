"""A busy calendar stays a page: a day of the month or week shows its first events and links
to its agenda for the rest; the agenda shows whole days up to its limit and links on."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from scheduler.events import calendar_views
from tests.factories import expand, make_series

BUSY_DAY = date(2024, 3, 12)


def _busy(day: date, count: int, prefix: str = "busy") -> None:
    """``count`` one-off events on ``day``, a quarter of an hour apart from 08:00."""
    for i in range(count):
        series = make_series(
            f"{prefix}-{day.isoformat()}-{i:02d}",
            rule="FREQ=DAILY;COUNT=1",
            start=day,
            at=time(8 + i // 4, (i % 4) * 15),
            bounds=None,
            title=f"Busy {day.day} no {i:02d}",
            is_public=True,
        )
        expand(series)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _titles(html: str) -> list[str]:
    # a title ends its link, or (in the month grid) is followed by its organisation
    ending = r'(?:</span>)?(?: <span class="org"|</a>)'
    return re.findall(r">(?:\d\d:\d\d )?(?:<span[^>]*>)?(Busy \d+ no \d\d)" + ending, html)


def _cell(html: str, day: date) -> str:
    found = re.search(rf'<td role="gridcell"[^>]*data-date="{day.isoformat()}".*?</td>', html, re.S)
    assert found, day
    return found.group(0)


@pytest.fixture
def busy_day(app):
    _busy(BUSY_DAY, 20)
    from scheduler.extensions import db

    db.session.commit()


def test_a_busy_day_of_the_month_shows_its_first_events_and_links_to_its_agenda(busy_day, client):
    html = _page(client, "/?view=month&date=2024-03-01&lang=en")
    cell = _cell(html, BUSY_DAY)
    limit = calendar_views.DAY_LIMITS["month"]
    assert _titles(cell) == [f"Busy 12 no {i:02d}" for i in range(limit)], "earliest first"
    assert "20 events" in cell, "the day's label counts every event"
    more = f'<a class="more" href="/?date=2024-03-12">{20 - limit} more events</a>'
    assert more in cell
    assert "20 events" in html, "the month's count covers every event"


def test_a_busy_day_of_the_week_shows_its_first_events_and_links_to_its_agenda(busy_day, client):
    html = _page(client, "/?view=week&date=2024-03-12&lang=en")
    limit = calendar_views.DAY_LIMITS["week"]
    assert _titles(html) == [f"Busy 12 no {i:02d}" for i in range(limit)]
    assert f'<a class="more" href="/?date=2024-03-12">{20 - limit} more events</a>' in html


def test_the_days_agenda_shows_every_event_of_a_busy_day(busy_day, client):
    html = _page(client, "/?date=2024-03-12&lang=en")
    assert _titles(html) == [f"Busy 12 no {i:02d}" for i in range(20)]
    assert 'class="more"' not in html and "More events from" not in html


def test_the_agenda_shows_whole_days_up_to_its_limit_and_links_to_the_rest(
    app, client, monkeypatch
):
    from scheduler.extensions import db

    _busy(date(2024, 3, 12), 3)
    _busy(date(2024, 3, 13), 3)
    _busy(date(2024, 3, 15), 2)
    db.session.commit()
    monkeypatch.setattr(calendar_views, "AGENDA_LIMIT", 6)
    html = _page(client, "/?date=2024-03-12&lang=en")
    assert _titles(html) == [f"Busy {d} no {i:02d}" for d in (12, 13) for i in range(3)]
    assert "8 events" in html, "the count covers the whole four weeks"
    assert '<a href="/?date=2024-03-15">More events from 15 March 2024</a>' in html
    html = _page(client, "/?date=2024-03-15&lang=en")
    assert _titles(html) == ["Busy 15 no 00", "Busy 15 no 01"]
    assert "More events from" not in html


def test_a_day_busier_than_the_agenda_limit_is_shown_whole(app, client, monkeypatch):
    from scheduler.extensions import db

    _busy(date(2024, 3, 12), 5)
    _busy(date(2024, 3, 14), 1)
    db.session.commit()
    monkeypatch.setattr(calendar_views, "AGENDA_LIMIT", 3)
    html = _page(client, "/?date=2024-03-12&lang=en")
    assert _titles(html) == [f"Busy 12 no {i:02d}" for i in range(5)]
    assert '<a href="/?date=2024-03-14">More events from 14 March 2024</a>' in html


@pytest.mark.parametrize(("lang", "more"), [("et", "veel 15 sündmust"), ("ru", "ещё 15 событий")])
def test_the_more_link_speaks_estonian_and_russian(busy_day, client, lang, more):
    html = _page(client, f"/?view=month&date=2024-03-01&lang={lang}")
    assert more in _cell(html, BUSY_DAY)
