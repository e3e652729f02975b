"""Acceptance, in Chromium against a live server: a coordinator moves one occurrence and
cancels another (with a reason) on the web, then sees both in the month view and in the
organisation's feed, read with icalendar as a calendar application would."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from scheduler.accounts.models import Role, User
from scheduler.core.time import utcnow, zone
from scheduler.events.models import Event
from scheduler.extensions import db
from scheduler.organisations.models import OrganisationKind
from tests.accessibility import assert_accessible
from tests.factories import expand, make_org, make_series
from tests.support.people import PASSWORD, sign_in_page

pytestmark = pytest.mark.browser

TALLINN = zone("Europe/Tallinn")
COORDINATOR = "coord@tartu.ee"


@pytest.fixture
def club(app):
    """A public weekly club of Tartu on Tuesdays at 18:00, from next month on."""
    tartu = make_org(
        "tartu", OrganisationKind.KOV, name="Tartu linn", ehak_code="0793", county_code="79"
    )
    today = utcnow().astimezone(TALLINN).date()
    first = today + timedelta(days=35 + (1 - today.weekday()) % 7)  # a Tuesday
    series = make_series(
        "club",
        org=tartu,
        title="Language café",
        rule="FREQ=WEEKLY;BYDAY=TU;COUNT=6",
        start=first,
        at=time(18, 0),
        bounds=(first - timedelta(days=60), first + timedelta(days=120)),
        organisers=["leader@club.ee"],
        is_public=True,
    )
    expand(series)
    coordinator = User(email=COORDINATOR, role=Role.COORDINATOR, organisation=tartu)
    coordinator.set_password(PASSWORD)
    db.session.add(coordinator)
    db.session.commit()
    return series


def _occurrences(series) -> list[Event]:
    db.session.expire_all()
    return db.session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.original_start)
    ).all()


def _month_url(site: str, day) -> str:
    return f"{site}/?view=month&date={day.isoformat()}&lang=en"


def _open_from_the_month(page, site: str, event: Event) -> None:
    local = event.start.astimezone(TALLINN)
    page.goto(_month_url(site, local.date()))
    assert_accessible(page)
    cell = page.locator(f"td[data-date='{local.date().isoformat()}']")
    cell.get_by_role("link", name="18:00 Language café").click()
    page.get_by_role("heading", name="Language café").wait_for()
    assert_accessible(page)


def _feed_events(page, url: str) -> list:
    response = page.request.get(url)
    assert response.status == 200, url
    return Calendar.from_ical(response.body()).walk("VEVENT")


def test_a_coordinator_moves_and_cancels_occurrences_and_sees_them_in_the_month_and_the_feed(
    club, live_server, page
):
    moved, _kept, cancelled, *_rest = _occurrences(club)
    moved_from = moved.start.astimezone(TALLINN)
    new_day = moved_from.date() + timedelta(days=2)  # Tuesday to Thursday
    cancelled_day = cancelled.start.astimezone(TALLINN).date()
    sign_in_page(page, live_server, COORDINATOR)

    _open_from_the_month(page, live_server, moved)
    move = page.locator("form", has=page.get_by_role("button", name="Move"))
    move.get_by_label("Date").fill(new_day.isoformat())
    move.get_by_label("Starts at").fill("17:30")
    move.get_by_label("Ends at").fill("19:00")
    move.get_by_role("button", name="Move").click()
    page.get_by_text("Saved.").wait_for()
    assert "(moved)" in page.locator("main dl").inner_text()
    assert_accessible(page)

    _open_from_the_month(page, live_server, cancelled)
    reason = page.get_by_role("textbox", name="Reason for cancelling", exact=True)
    reason.fill("The hall is closed for repairs")
    page.get_by_role("button", name="Cancel this occurrence").click()
    page.get_by_text("Saved.").wait_for()
    assert page.locator("#status").inner_text() == "Cancelled"
    assert page.get_by_role("button", name="Plan it again").is_visible()
    assert_accessible(page)

    page.goto(_month_url(live_server, new_day))
    old_cell = page.locator(f"td[data-date='{moved_from.date().isoformat()}']")
    new_cell = page.locator(f"td[data-date='{new_day.isoformat()}']")
    assert "Language café" not in old_cell.inner_text(), "the old day is empty"
    assert new_cell.get_by_role("link", name="17:30 Language café").is_visible()
    if cancelled_day.month != new_day.month:
        page.goto(_month_url(live_server, cancelled_day))
    cancelled_entry = page.locator(f"td[data-date='{cancelled_day.isoformat()}'] li")
    assert "status-cancelled" in cancelled_entry.get_attribute("class").split()
    assert_accessible(page)

    site = live_server
    events = _feed_events(page, f"{site}/feeds/org/tartu.ics?mode=series&cancelled=show")
    by_recurrence_id = {
        e.decoded("RECURRENCE-ID").astimezone(TALLINN): e for e in events if "RECURRENCE-ID" in e
    }
    moved_override = by_recurrence_id[moved_from]
    assert moved_override.decoded("DTSTART") == datetime.combine(
        new_day, time(17, 30), tzinfo=TALLINN
    )
    assert moved_override.decoded("DTEND") == datetime.combine(new_day, time(19), tzinfo=TALLINN)
    cancelled_override = by_recurrence_id[cancelled.original_start.astimezone(TALLINN)]
    assert str(cancelled_override["STATUS"]) == "CANCELLED"
    (master,) = [e for e in events if "RRULE" in e]
    assert moved_override["UID"] == master["UID"] == cancelled_override["UID"]

    # Without ?cancelled=show, calendars simply drop the cancelled occurrence (an EXDATE).
    (master,) = [
        e for e in _feed_events(page, f"{site}/feeds/org/tartu.ics?mode=series") if "RRULE" in e
    ]
    excluded = [d.dt.astimezone(TALLINN) for ex in [master["EXDATE"]] for d in ex.dts]
    assert cancelled.original_start.astimezone(TALLINN) in excluded

    # One VEVENT per occurrence (the default): the moved one on its new day, the cancelled gone.
    starts = [
        e.decoded("DTSTART").astimezone(TALLINN)
        for e in _feed_events(page, f"{site}/feeds/org/tartu.ics")
    ]
    assert datetime.combine(new_day, time(17, 30), tzinfo=TALLINN) in starts
    assert moved_from not in starts
    assert cancelled.start.astimezone(TALLINN) not in starts
