"""`flask plan demo`: the 2024 plan replayed around today, marked as demo data, repeatable."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from scheduler.core.time import utcnow, zone
from scheduler.events.models import Event, Series
from scheduler.extensions import db
from scheduler.indicators.models import Indicator
from scheduler.organisations.models import Organisation
from scheduler.plans.demo import demo_email
from scheduler.plans.models import Activity, Plan

TALLINN = zone()


def _today():
    return utcnow().astimezone(TALLINN).date()


def _demo(runner, *args):
    result = runner.invoke(args=["plan", "demo", *args])
    assert result.exit_code == 0, result.output
    return result


def _demo_events(start, end):
    return db.session.scalars(
        select(Event)
        .join(Series)
        .where(Series.is_demo.is_(True), Event.start >= start, Event.start < end)
        .order_by(Event.start)
    ).all()


def _local(day):
    return datetime.combine(day, datetime.min.time(), TALLINN)


@pytest.fixture
def demo(app, runner):
    return _demo(runner)


def test_demo_fills_the_calendar_around_today_and_next_year(demo):
    today = _today()
    around = _demo_events(_local(today - timedelta(days=14)), _local(today + timedelta(days=15)))
    assert around, "no demo events within two weeks of today"
    next_year = _demo_events(
        _local(today.replace(year=today.year + 1, month=1, day=1)),
        _local(today.replace(year=today.year + 2, month=1, day=1)),
    )
    assert len(next_year) > 100
    plans = {p.year: p.is_demo for p in db.session.scalars(select(Plan))}
    assert plans == {2024: False, today.year: True, today.year + 1: True}


def test_demo_ignores_the_partners_contract_end_but_not_the_real_plan(demo):
    today = _today()
    tartu_next_year = [
        e
        for e in _demo_events(
            _local(today.replace(year=today.year + 1, month=1, day=1)),
            _local(today.replace(year=today.year + 2, month=1, day=1)),
        )
        if e.series.organisation.slug == "tartu"
    ]
    assert tartu_next_year, "the partners' events stop with their contracts (1 April 2026)"
    tartu = db.session.scalar(select(Activity).where(Activity.code == "3.5.2.1"))
    assert tartu.timeframe_end.isoformat() == "2026-04-01"


def test_demo_keeps_weekdays_times_and_pauses(demo):
    year = _today().year + 1
    club = db.session.scalar(select(Series).where(Series.key == f"demo-{year}-tartu-club-et"))
    starts = [e.start.astimezone(TALLINN) for e in club.events if e.status.value != "withdrawn"]
    assert starts
    assert {s.weekday() for s in starts} == {1}  # Tuesdays, as in 2024
    assert {s.strftime("%H:%M") for s in starts} == {"17:30"}
    assert not [s for s in starts if 7 <= s.month <= 9], "the Q3 pause moves with the year"
    assert all(s.year == year for s in starts)


def test_demo_events_are_marked_in_feeds(demo, client):
    today = _today()
    window = {
        "from": (today - timedelta(days=14)).isoformat(),
        "to": (today + timedelta(days=15)).isoformat(),
    }
    body = client.get("/feeds/org/tartu.ics", query_string=window).get_data(as_text=True)
    assert "BEGIN:VEVENT" in body
    unfolded = body.replace("\r\n ", "")
    assert any(
        line.startswith("CATEGORIES:") and "demo" in line.split(":", 1)[1].split(",")
        for line in unfolded.splitlines()
    )


def test_demo_events_show_a_demo_badge(demo, client):
    today = _today()
    event = _demo_events(_local(today - timedelta(days=14)), _local(today + timedelta(days=15)))
    public = next(e for e in event if e.series.is_public)
    page = client.get(f"/events/{public.id}?lang=en").get_data(as_text=True)
    assert 'class="demo-notice"' in page and "Demo data" in page
    listing = client.get(f"/?year={today.year}&lang=en").get_data(as_text=True)
    assert 'class="badge-demo"' in listing


def test_demo_organisers_are_on_a_reserved_domain(demo):
    organisers = {
        address
        for series in db.session.scalars(select(Series).where(Series.is_demo.is_(True)))
        for address in series.organisers
    }
    assert organisers
    assert all(address.endswith(".example.org") for address in organisers), organisers
    assert demo_email("klubi@tartu.ee") == "klubi@tartu.example.org"


def test_demo_reuses_the_2024_targets(demo):
    year = _today().year
    info_days = db.session.scalar(select(Indicator).where(Indicator.code == "info_days"))
    assert info_days.target_for(year) == info_days.target_for(2024)
    assert info_days.target_for(year + 1) == info_days.target_for(2024)


def _snapshot(*, only_2024: bool = False) -> dict:
    db.session.expire_all()
    series = select(Series).order_by(Series.key)
    if only_2024:
        series = series.join(Plan).where(Plan.year == 2024)
    rows = {
        "series": [
            (
                s.key,
                s.title,
                s.title_ru,
                s.organisers,
                s.start_date,
                s.bound_end,
                s.revision,
                s.updated_at,
                s.is_demo,
            )
            for s in db.session.scalars(series)
        ],
        "events": sorted(
            (
                e.series.key,
                e.original_start,
                e.start,
                e.end,
                e.status.value,
                e.sequence,
                e.updated_at,
            )
            for s in db.session.scalars(series)
            for e in s.events
        ),
        "activities": [
            (a.code, a.title, a.title_ru, a.timeframe_start, a.timeframe_end)
            for a in db.session.scalars(select(Activity).order_by(Activity.code))
        ],
        "organisations": [
            (o.slug, o.name, o.name_en, o.name_ru, [(p.start, p.end) for p in o.partnerships])
            for o in db.session.scalars(select(Organisation).order_by(Organisation.slug))
        ],
        "plans": [
            (p.year, p.title, p.is_draft, p.is_demo, p.content_hash, p.loaded_at)
            for p in db.session.scalars(select(Plan).order_by(Plan.year))
            if not only_2024 or p.year == 2024
        ],
    }
    if not only_2024:
        rows["targets"] = [
            (i.code, [(t.year, t.kind, t.value) for t in i.targets])
            for i in db.session.scalars(select(Indicator).order_by(Indicator.code))
        ]
    return rows


def test_running_the_demo_twice_changes_nothing(demo, runner):
    before = _snapshot()
    again = _demo(runner)
    assert again.output.count("nothing changed") == 3, again.output
    assert _snapshot() == before


def test_the_replay_leaves_the_2024_rows_untouched(app, runner):
    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    before = _snapshot(only_2024=True)
    _demo(runner)
    assert _snapshot(only_2024=True) == before


def test_no_replay_keeps_the_old_draft_behaviour(app, runner):
    _demo(runner, "--no-replay")
    assert not db.session.scalars(select(Series).where(Series.is_demo.is_(True))).all()
