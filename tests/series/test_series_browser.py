"""The series editor in Chromium: a coordinator creates a weekly club with a summer pause
from the preview, sees it in the calendar, the feed and the outbox, changes its time "this
and following", sees a clash before saving, and keeps a raw RRULE through a title edit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import select

from scheduler.core.time import local_midnight, utcnow, zone
from scheduler.events.models import Event, EventStatus, Series
from scheduler.extensions import db
from tests.accessibility import assert_accessible
from tests.factories import expand, make_series
from tests.series.conftest import next_weekday, today
from tests.series.test_series_web import RAW, _club_with_history, events_of
from tests.support.people import sign_in_page

pytestmark = pytest.mark.browser

CLUB_KEY = "tartu-eesti-keele-klubi"


@pytest.fixture
def site(world, live_server):
    return live_server


def pause_year() -> int:
    """The year of the next July and August."""
    return today().year + (today().month > 6)


def fill_club(page, start: date) -> None:
    page.get_by_label("Activity", exact=True).select_option("2.1")
    page.get_by_label("Type", exact=True).select_option("club")
    page.get_by_label("Title (Estonian)", exact=True).fill("Eesti keele klubi")
    page.get_by_label("Title (English)", exact=True).fill("Estonian club")
    page.get_by_label("Title (Russian)", exact=True).fill("Клуб эстонского языка")
    page.get_by_label("Place", exact=True).fill("Tartu Raamatukogu")
    page.get_by_label("Organisers (email addresses, one a line)", exact=True).fill(
        "leader@tartu.ee"
    )
    page.get_by_label("First date", exact=True).fill(start.isoformat())
    page.get_by_label("Starts at", exact=True).fill("18:00")
    page.get_by_label("Duration (minutes)", exact=True).fill("90")
    page.get_by_label("Every N weeks on these days", exact=True).check()
    page.get_by_label("Tuesday", exact=True).check()
    year = pause_year()
    page.get_by_label(
        "Pauses (one a line, e.g. 2025-07-01/2025-08-31 or 2025-Q3)", exact=True
    ).fill(f"{year}-07-01/{year}-08-31")
    page.get_by_label("On Estonian public holidays", exact=True).select_option("skip")


def preview_says(page, text: str) -> None:
    page.locator("#preview-body").get_by_text(text, exact=False).first.wait_for(timeout=10_000)


def create_club(page, site: str) -> date:
    start = next_weekday(today(), 1)
    page.goto(f"{site}/series/new?lang=en")
    fill_club(page, start)
    first = page.locator("#preview-body ol.timeline li.occurrence time").first
    first.wait_for(timeout=10_000)
    assert first.get_attribute("datetime").startswith(f"{start.isoformat()}T18:00")
    preview_says(page, "every Tuesday at 18:00")
    year = pause_year()
    paused = page.locator("#preview-body .paused-months")
    assert f"July {year}" in paused.inner_text() and f"August {year}" in paused.inner_text()
    assert "iga teisipäev" in page.locator("#preview-body dd[data-locale=et]").inner_text()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator(".result-scope").inner_text() == "Saved for all events."
    return start


def test_1_a_coordinator_creates_a_weekly_club_with_a_summer_pause_from_the_preview(site, page):
    sign_in_page(page, site, "coord@tartu.ee")
    start = create_club(page, site)
    series = db.session.scalars(select(Series)).one()
    db.session.refresh(series)
    assert (series.key, series.rule, series.start_date) == (CLUB_KEY, "FREQ=WEEKLY;BYDAY=TU", start)
    assert series.pauses == [f"{pause_year()}-07-01/{pause_year()}-08-31"]
    summer = [
        e
        for e in events_of(series)
        if e.start.astimezone(zone()).date().replace(day=1)
        in (date(pause_year(), 7, 1), date(pause_year(), 8, 1))
    ]
    assert summer == []


def test_1b_without_javascript_the_preview_button_shows_the_same_preview(site, browser):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        sign_in_page(page, site, "coord@tartu.ee")
        page.goto(f"{site}/series/new?lang=en")
        fill_club(page, next_weekday(today(), 1))
        page.get_by_role("button", name="Preview").click()
        page.wait_for_load_state()
        assert "every Tuesday at 18:00" in page.locator("#preview-body").inner_text()
        assert page.get_by_label("Title (Estonian)").input_value() == "Eesti keele klubi"
        assert db.session.scalar(select(Series.id)) is None, "a preview saves nothing"
    finally:
        context.close()


def test_2_the_club_appears_in_the_month_view_the_feed_and_the_outbox(site, page):
    sign_in_page(page, site, "coord@tartu.ee")
    start = create_club(page, site)
    page.goto(f"{site}/?view=month&date={start.isoformat()}&lang=en")
    assert page.locator(f"li[data-series='{CLUB_KEY}']").count() >= 1
    body = page.request.get(f"{site}/feeds/org/tartu.ics").body()
    summaries = {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert summaries & {"Eesti keele klubi", "Estonian club"}
    page.goto(f"{site}/reminders/?status=pending&lang=en")
    outbox = page.locator("#reminders").inner_text()
    assert "leader@tartu.ee" in outbox and "Eesti keele klubi" in outbox


def feed_instants(page, site: str) -> set[tuple[datetime, str]]:
    first, last = today() - timedelta(days=60), today() + timedelta(days=300)
    body = page.request.get(
        f"{site}/feeds/org/tartu.ics?from={first.isoformat()}&to={last.isoformat()}"
    ).body()
    calendar = icalendar.Calendar.from_ical(body)
    found = recurring_ical_events.of(calendar).between(local_midnight(first), local_midnight(last))
    return {(event["DTSTART"].dt.astimezone(UTC), str(event["SUMMARY"])) for event in found}


def test_3_this_and_following_keeps_past_outcomes_and_a_hand_moved_event(site, page, world):
    club, past, future = _club_with_history(world)
    held_before = [(e.id, e.status, e.attendance) for e in past[:2]]
    moved, split_from = future[3], future[2]
    sign_in_page(page, site, "coord@tartu.ee")
    before = feed_instants(page, site)
    page.goto(f"{site}/series/{club.id}/edit?lang=en")
    page.get_by_label("Starts at", exact=True).fill("19:00")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("Choose which events the change applies to.").is_visible()
    page.get_by_label("This and following events").check()
    page.get_by_label("Starting from the event on").select_option(str(split_from.id))
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "split in two" in page.locator(".result-scope").inner_text()
    assert page.locator(f".kept a[href='/events/{moved.id}']").count() == 1

    db.session.expire_all()
    assert [(e.id, e.status, e.attendance) for e in events_of(club)[:2]] == held_before
    assert all(row[1] == EventStatus.HELD for row in held_before)
    assert db.session.get(Event, moved.id).start == moved.start
    after = feed_instants(page, site)
    split = local_midnight(split_from.start.astimezone(zone()).date())
    assert {i for i in before if i[0] < split} == {i for i in after if i[0] < split}
    assert (moved.start, "Series tartu-club") in after
    changed_old = {i for i in before if i[0] >= split} - {(moved.start, "Series tartu-club")}
    assert changed_old and not changed_old & after
    new_times = {i[0].astimezone(zone()).time() for i in after - before}
    assert new_times == {time(19, 0)}


def test_4_a_clash_with_another_organisations_event_is_shown_before_saving(site, page, world):
    start = next_weekday(today(), 1)
    talk = make_series(
        "tallinn-talk",
        org=world["tallinn"],
        title="Tallinna loeng",
        start=start + timedelta(weeks=1),
        at=time(19, 0),
        rule=None,
        bounds=None,
        location="Tartu Raamatukogu",
        organisers=["lecturer@tallinn.ee"],
    )
    expand(talk)
    db.session.commit()
    sign_in_page(page, site, "coord@tartu.ee")
    page.goto(f"{site}/series/new?lang=en")
    fill_club(page, start)
    clash = page.locator("#preview-body li.clash")
    clash.first.wait_for(timeout=10_000)
    assert "Tallinna loeng" in clash.first.inner_text()
    assert "the same place" in clash.first.inner_text()
    assert "Tallinna linn" in clash.first.inner_text()
    assert db.session.scalar(select(Series.id).where(Series.key == CLUB_KEY)) is None


def test_6_a_raw_rrule_survives_an_edit_of_the_title(site, page, world):
    series = make_series("tartu-raw", org=world["tartu"], rule=RAW, bounds=None)
    expand(series)
    db.session.commit()
    sign_in_page(page, site, "coord@tartu.ee")
    page.goto(f"{site}/series/{series.id}/edit?lang=en")
    assert page.get_by_label("RRULE text", exact=True).first.is_checked()
    assert page.locator("input[name=raw_rule]").input_value() == RAW
    page.get_by_label("Title (Estonian)", exact=True).fill("Kuu viimane kohtumine")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    # the title of a series with events changed: which events? all of them
    page.get_by_label("All events", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator(".result-scope").count() == 1
    db.session.expire_all()
    assert (series.title, series.rule) == ("Kuu viimane kohtumine", RAW)


@pytest.mark.parametrize("lang", ["et", "en", "ru"])
def test_the_editor_is_accessible_in_every_language_and_fits_a_phone(site, browser, world, lang):
    club = make_series("tartu-a11y", org=world["tartu"], bounds=None)
    expand(club, utcnow() + timedelta(days=200))
    db.session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="en-GB")
    page = context.new_page()
    try:
        sign_in_page(page, site, "coord@tartu.ee")
        page.goto(f"{site}/series/{club.id}/edit?lang={lang}")
        page.locator("#preview-body ol.timeline").wait_for(timeout=10_000)
        assert_accessible(page, label=f"series editor ({lang})")
        page.goto(f"{site}/series/new?lang={lang}")
        assert_accessible(page, label=f"new series ({lang})")
    finally:
        context.close()
